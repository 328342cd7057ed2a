import type { Hono } from 'hono'
import type { ChannelId } from '../events/index.js'
import type { Logger } from '../logger.js'
import type { AuthFailureSettings } from './auth-failures.js'
import type { ArrivedRequest, FaultPlan } from './faults.js'
import type { WebhookFaults } from './webhook-faults.js'

export type { WebhookFaults } from './webhook-faults.js'

/** A webhook as a channel would send it: the path on the hub, the headers (signature included) and the exact body. */
export interface SignedWebhook {
  /** `/webhooks/<channel>/<account>`. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** One buyer order line as the simulation places it. */
export interface PlacedLine {
  readonly sku: string
  readonly quantity: number
}

/** Counters an emulated channel keeps, for summaries and for tests' assertions. */
export interface ChannelStats {
  /** Every API request, answered or refused. */
  calls: number
  /** Stock writes applied. */
  stockWrites: number
  /** Requests answered 429. */
  throttled: number
  /** Requests refused for bad authentication or a wrong shape (4xx other than 429). */
  rejected: number
  /** Token requests with wrong client credentials (each also counts as rejected). */
  authFailures: number
  /** Token requests refused with 429 because their address failed too often (each also counts as throttled). */
  authLockouts: number
  /** Buyer orders the marketplace accepted, and refused for want of stock. */
  ordersAccepted: number
  ordersRefused: number
}

/**
 * What the emulator holds for one channel: a single seller (the sandbox's `demo` account) with a
 * stock table by internal SKU and the channel's own order records, which its order-read
 * endpoints serve to the hub's hydration.
 */
export interface ChannelState {
  readonly channel: ChannelId
  /** The account id the emulator's webhooks are posted for (`demo` in the sandbox). */
  readonly accountId: string
  /** Units the marketplace offers now, by internal SKU (the emulator lists each SKU under ids derived from it). */
  readonly stock: Map<string, number>
  /** The channel's own order records by order id, as its API returns them. */
  readonly orders: Map<string, unknown>
  readonly stats: ChannelStats
  /**
   * Fault injection: the next this-many API calls are answered 429 with the channel's headers,
   * on top of the channel's documented rate limit, which is always enforced.
   */
  throttleNext: number
  /** Fault injection in front of the channel's API: error answers, latency, dropped connections. */
  readonly faults: FaultPlan
  /** Fault injection on the webhooks the channel sends: counted, or at rates (webhook-faults.ts). */
  readonly webhookFaults: WebhookFaults
  /** Sends the webhooks the channel posts on its own (Shopify's inventory echo), after its faults. */
  readonly dispatcher: WebhookSender
  /** API requests in arrival order, as they arrived (faulted ones included); the latest REQUEST_LOG_SIZE (faults.ts). */
  readonly requests: ArrivedRequest[]
  /** The marketplace's clock: token lifetimes and the times it stamps. Tests move it. */
  now: () => Date
  /** Where the hub listens, for channels that post webhooks of their own (Shopify's inventory echo); undefined: none sent. */
  hubUrl: string | undefined
  /** Failed authentications per client address before a token endpoint answers 429 (auth-failures.ts). */
  authFailures: AuthFailureSettings
  /** Where the emulator reports what an operator of the marketplace would see (lockouts). */
  readonly log: Logger | undefined
}

/**
 * Sends the webhooks a channel built to the hub after the channel's webhook faults
 * (dispatch.ts's `WebhookDispatcher` is the one implementation).
 */
export interface WebhookSender {
  /**
   * Sends `webhooks`, built in this order, to `hubUrl` (default: `state.hubUrl`) after
   * `state.webhookFaults`; returns at once, the sends being made in the background.
   */
  dispatch(state: ChannelState, webhooks: readonly SignedWebhook[], hubUrl?: string): void
}

/** The result of a buyer trying to place an order on the marketplace. */
export type PlaceOrderResult =
  | {
      readonly accepted: true
      readonly orderId: string
      readonly webhooks: readonly SignedWebhook[]
    }
  | { readonly accepted: false; readonly reason: string }

/**
 * One channel of the emulator: its API (the subset the hub calls, with the channel's request
 * shapes, authentication and rate limits) and the webhooks it sends. Webhooks are signed with the
 * connector's published sandbox credentials.
 */
export interface EmulatedChannel {
  readonly channel: ChannelId
  /** The channel's API, mounted under `/<channel>` on the emulator. */
  routes(state: ChannelState): Hono
  /**
   * The listing unit (as `PUT /v1/listings` takes it for this channel) under which the emulator
   * lists an internal SKU; the same SKU always gives the same ids.
   */
  listingUnit(sku: string): Record<string, unknown>
  /**
   * A buyer places an order: refused when any line exceeds the marketplace's stock (as a real
   * marketplace would); otherwise stock is taken, the order is recorded (for channels whose
   * webhooks are thin), and the webhooks announcing it are returned, not sent.
   */
  placeOrder(state: ChannelState, lines: readonly PlacedLine[], at: Date): PlaceOrderResult
  /** The buyer cancels: stock returns, and the channel's cancellation webhooks are returned. */
  cancelOrder(state: ChannelState, orderId: string, at: Date): readonly SignedWebhook[]
  /** The channel's own stock report for a SKU, where the channel sends one. */
  reportStock?(state: ChannelState, sku: string, at: Date): SignedWebhook | undefined
}
