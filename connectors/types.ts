import type { z } from 'zod'
import type { X509Certificate } from 'node:crypto'
import type { Clock } from '../src/clock.js'
import type { ChannelId, ListingRef } from '../src/events/index.js'
import type { ChannelApiError } from './shared/api-error.js'
import type { QuantityRange } from './shared/quantity-range.js'
import type { RateLimit } from './shared/rate-limit.js'
import type { HttpTransport } from '../src/outbound/transport.js'

/** A webhook request as the ingress route received it. */
export interface InboundRequest {
  /** The exact bytes of the body. Signatures are verified over these, never over re-serialized JSON. */
  readonly rawBody: Uint8Array
  /** Header names lower-cased by the caller; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  /** Full request URL (some schemes sign the path). */
  readonly url: string
  readonly method: string
}

/**
 * Why a request was refused. All answer 401 except where a channel says otherwise.
 * - `missing-header`: a header the scheme needs is absent or empty
 * - `bad-signature`: the signature does not match any configured secret
 * - `stale`: the signed timestamp is outside the allowed window
 * - `malformed`: a required header has an impossible shape
 * - `account-mismatch`: validly signed, but for a different account than the URL names
 */
export type VerifyFailure =
  'missing-header' | 'bad-signature' | 'stale' | 'malformed' | 'account-mismatch'

/** What a verified request tells the hub before the body is parsed. */
export interface VerifiedEnvelope {
  readonly ok: true
  /** Unique per delivery and stable across the channel's retries: the inbox dedupe key. */
  readonly dedupeKey: string
  /** The channel's topic or event type name, as the channel spells it. */
  readonly topic: string
  /** When the channel says the event happened or the webhook fired, if it says. */
  readonly channelTime?: Date
}

export type VerifyOutcome =
  VerifiedEnvelope | { readonly ok: false; readonly reason: VerifyFailure }

export interface VerifyContext<Credentials> {
  /** The account's validated credentials (secrets listed newest first; any one matching passes). */
  readonly credentials: Credentials
  /** Injected clock reading, for schemes with timestamps. */
  readonly now: Date
  /**
   * For schemes where the hub issued the sender a bearer token (Walmart OAuth): the token the
   * request presents, with its expiry, when the hub issued it to this account. Looked up by the
   * caller before `verify` runs (see `WebhookIngress.presentedToken`); absent otherwise.
   */
  readonly issuedToken?: IssuedToken
  /**
   * For schemes signed with a certificate fetched from a URL (Amazon SNS): PEM by URL, fetched
   * by the caller before `verify` runs (see `WebhookIngress.certificateUrl`).
   */
  readonly certificates?: ReadonlyMap<string, string>
}

export interface CertificateCheckContext {
  /** The URL the certificate came from (it may say which name the certificate must carry). */
  readonly url: string
  readonly now: Date
  /** Trust anchors: the system's roots in production; a test's own CA in tests. */
  readonly roots: readonly X509Certificate[]
}

export type CertificateVerdict =
  /** `pem` is the leaf alone, to verify signatures with; trusted until `notAfter`. */
  | { readonly ok: true; readonly pem: string; readonly notAfter: Date }
  | { readonly ok: false; readonly reason: string }

export interface IssuedToken {
  readonly token: string
  readonly expiresAt: Date
}

/** Who may obtain a hub-issued webhook token (OAuth client credentials grant) and for how long. */
export interface TokenIssuance {
  readonly clients: ReadonlyArray<{ readonly clientId: string; readonly clientSecret: string }>
  readonly ttlSeconds: number
}

export interface WebhookIngress<Credentials> {
  /**
   * Pure and synchronous: no I/O, no clock other than `ctx.now`, never throws. Compares secrets in
   * constant time.
   */
  verify(req: InboundRequest, ctx: VerifyContext<Credentials>): VerifyOutcome
  /** Answer webhooks with status only, no body, where the channel documents it so. */
  readonly emptyAnswers?: boolean
  /**
   * For schemes with hub-issued bearer tokens: the token the request presents, if any, so the
   * caller can look it up (an I/O `verify` may not do) and pass it as `ctx.issuedToken`.
   */
  presentedToken?(req: InboundRequest, credentials: Credentials): string | undefined
  /**
   * For schemes with hub-issued bearer tokens: the clients that may obtain one from
   * `POST /webhooks/<channel>/<account>/oauth/token`; undefined when the account does not use them.
   */
  tokenIssuance?(credentials: Credentials): TokenIssuance | undefined
  /**
   * For schemes signed with a fetched certificate: the URL to fetch for this request, only when
   * it passes the scheme's host checks (the caller fetches it, with a cache, and passes it as
   * `ctx.certificates`). Undefined means nothing may be fetched.
   */
  certificateUrl?(req: InboundRequest, credentials: Credentials): string | undefined
  /**
   * For schemes signed with a fetched certificate: whether what `url` served may be trusted (its
   * name, validity and chain to one of `ctx.roots`), run once per fetch, before anything is
   * cached. Pure. A scheme with `certificateUrl` must have it: nothing fetched is used unchecked.
   */
  readonly checkCertificate?: (pem: string, ctx: CertificateCheckContext) => CertificateVerdict
  /**
   * Header names (lower-case) that carry credentials in this account's configuration, beyond the
   * usual ones (`authorization`, `*signature*`, `*token*`…), so they are masked in the inbox.
   */
  credentialHeaders?(credentials: Credentials): readonly string[]
}

/**
 * Data a normalizer needs from the channel's API before it can map a thin webhook: the channel's
 * own record, fetched as is. Ids are the channel's, as strings.
 */
export type HydrationNeed =
  | { readonly kind: 'order'; readonly id: string }
  | { readonly kind: 'return'; readonly id: string; readonly orderId: string }
  /**
   * An order's items alone, for a channel whose order list answers orders without them (Amazon's
   * getOrders): the listed order is in hand, so only its items are read. `id` is the order's id.
   */
  | { readonly kind: 'order-items'; readonly id: string }
  /**
   * Not a read but a request the channel needs before it sends anything: an SNS
   * SubscriptionConfirmation's `SubscribeURL` (in `id`), fetched once. The record is the
   * response body as text.
   */
  | { readonly kind: 'confirm-subscription'; readonly id: string }

/** The key under which a fetched record is handed to the normalizer, e.g. `order:5764…`. */
export function hydrationKey(need: HydrationNeed): string {
  return `${need.kind}:${need.id}`
}

/**
 * Fetched records by {@link hydrationKey}: the channel's JSON as it answered (ids beyond 2^53
 * kept as strings). A record the channel does not return is an error of the fetch, never missing here.
 */
export type Hydrated = Readonly<Record<string, unknown>>

/** What a connector's API client offers the pipeline. Errors are `ChannelApiError`s. */
export interface ChannelClient {
  /** Fetches every need (batching where the channel allows); all or nothing. */
  hydrate(needs: readonly HydrationNeed[]): Promise<Hydrated>
}

/** What an API client is built with: the outbound HTTP port and the clock, both replaceable in tests. */
export interface ClientContext {
  readonly transport: HttpTransport
  readonly clock: Clock
  /**
   * The account's API budget, shared by every process (src/budget/): a gate per rate-limit bucket.
   * Absent: each client paces itself with a local token bucket (tests, tools).
   */
  readonly gates?: RateGates
}

/**
 * Hands out the gate of one of an account's rate-limit buckets. `bucket` names it within the
 * account (an operation, an API, or one name for a channel whose limit is per account); `plan` is
 * its documented limit. The same bucket name always gives the same shared budget.
 */
export type RateGates = (bucket: string, plan: RateLimit) => RateGate

/** One rate-limit bucket of one account. */
export interface RateGate {
  /**
   * Takes one call from the bucket, in the caller's lane (connectors/shared/lanes.ts), waiting
   * when the wait is short; throws a `rate-limited` ChannelApiError naming the wait otherwise.
   * `label` names the call in that error.
   */
  take(label: string): Promise<void>
  /** The channel answered 429: no process takes from this bucket for `ms`. */
  hold(ms: number): void
}

/** A window of a channel's order list: orders last updated in `[from, to)`. */
export interface OrderWindow {
  readonly from: Date
  readonly to: Date
}

/** One order as a channel's list API returned it. */
export interface ListedOrder {
  /** The channel's order id. */
  readonly id: string
  /** The channel's last-update time of the order, ISO 8601. */
  readonly updatedAt: string
  /**
   * The order as the list answered it (parsed losslessly): stored as the body of an inbox row of
   * topic {@link ORDER_SYNC_TOPIC}, which the channel's normalizer maps like a webhook.
   */
  readonly record: unknown
}

export interface OrderPage {
  readonly orders: readonly ListedOrder[]
  /** Opaque cursor of the next page; undefined on the last one. */
  readonly next?: string
}

/**
 * The topic of an inbox row that holds an order the hub read from a channel's list API rather
 * than one a webhook brought (order sync, src/pipeline/order-sync.ts). Its body is a
 * {@link ListedOrder}'s `record`; every channel's normalizer maps it.
 */
export const ORDER_SYNC_TOPIC = 'hub.order-sync'

/** How the hub reads a channel's orders changed in a time window (order sync and backfill). */
export interface OrderListing<Client extends ChannelClient> {
  /**
   * One page of orders last updated within `window`; `page` is the previous page's `next`
   * (undefined for the first). Errors are `ChannelApiError`s.
   */
  list(client: Client, window: OrderWindow, page: string | undefined): Promise<OrderPage>
  /** How far back the list reaches, in ms (the channel's documented retention, with its source). */
  readonly retentionMs: number
  /**
   * How long after an update the list may still lack it, in ms: a window never ends later than
   * this before now (e.g. Amazon's LastUpdatedBefore must be two minutes in the past).
   */
  readonly settleMs: number
  /**
   * The least settle the channel's API accepts for the account (Amazon refuses a window ending
   * less than two minutes ago); a configured settle below it is raised to it. None: any.
   */
  readonly minSettleMs?: (credentials: unknown) => number
}

/** One absolute stock write for one listing. */
export interface StockWrite {
  /** Whole units within the channel's `quantityRange`, already capped by the hub's policy. */
  readonly quantity: number
  /**
   * What the hub believes the channel holds now (last pushed or last reported, whichever is
   * newer), for channels with compare-and-set; null when unknown or when the account opts out.
   */
  readonly expected: number | null
  /** Stable for one push job across its retries, for channels with idempotency keys. */
  readonly idempotencyKey: string
}

export interface StockWriteResult {
  /** `applied`: the channel holds the quantity now; `queued`: accepted and applied later (Amazon). */
  readonly status: 'applied' | 'queued'
  /** What the channel was told. */
  readonly quantity: number
}

/**
 * The stock half of a channel: how a listing names the channel's sellable unit, and the client
 * calls that write and read its quantity. Errors are `ChannelApiError`s; a compare-and-set
 * mismatch is a `transient` one with `code: 'stale'`.
 */
export interface StockSupport<Credentials, Unit, Client extends ChannelClient> {
  /** Validates a listing's unit as given in `PUT /v1/listings` or a CSV import. */
  readonly unit: z.ZodType<Unit>
  /**
   * The unit of an internal SKU when a listing names none, where the SKU alone identifies it
   * (Amazon seller SKU, Walmart SKU); undefined where the channel needs its own ids.
   */
  defaultUnit(sku: string, credentials: Credentials): Unit | undefined
  /** Identifies the unit within its account: listings are matched to channel reports by it. */
  unitKey(unit: Unit): string
  /** The key of the unit a channel report names; equal to `unitKey` of the listing it is about. */
  reportedUnitKey(ref: ListingRef): string | undefined
  /** The channel seller SKU of a unit, where it has one (order lines are matched to listings by it). */
  channelSku(unit: Unit): string | undefined
  /** Documented default pacing of stock writes per account (overridable in the account's config). */
  readonly pushRate: { readonly max: number; readonly durationMs: number }
  /** How long a 429 without `Retry-After` pauses the account's push queue. */
  readonly throttlePauseMs: number
  /**
   * The quantities the channel's stock write takes, with its source. The push pipeline fits every
   * quantity into it before `write` (connectors/shared/quantity-range.ts), so `write` is only ever
   * given quantities within it.
   */
  readonly quantityRange: QuantityRange
  write(client: Client, unit: Unit, write: StockWrite): Promise<StockWriteResult>
  /** The quantity the channel offers now; null when the channel does not list the unit. */
  read(client: Client, unit: Unit): Promise<number | null>
  /**
   * The channel's bulk form of `write`, for many due listings of one account at once; absent
   * where the channel has none. The push pipeline uses it for batches of at least `minItems`,
   * in chunks of at most `maxItems`, and `write` for smaller ones.
   */
  readonly bulk?: BulkStockSupport<Unit, Client>
}

/** One listing's write in a bulk call: `key` is the caller's, echoed in its result. */
export interface BulkStockItem<Unit> {
  readonly key: string
  readonly unit: Unit
  readonly write: StockWrite
}

/** What became of one item of a bulk call. */
export type BulkStockResult =
  | ({ readonly key: string; readonly ok: true } & StockWriteResult)
  /** The channel refused this item (the others may have been applied); `error` says why. */
  | { readonly key: string; readonly ok: false; readonly error: ChannelApiError }

export interface BulkStockSupport<Unit, Client extends ChannelClient> {
  /** Most items one call takes (the channel's documented limit, with its source). */
  readonly maxItems: number
  /** Fewer due items than this go out as single writes (a bulk call would cost more). */
  readonly minItems: number
  /**
   * For a scarce bulk call (a feed: a few an hour, minutes each): before taking a batch, wait
   * while the queue still grows, looking every `quietMs`, at most `maxMs` in all, so a recount
   * arriving over seconds goes out as one full feed instead of several. Absent: take at once.
   */
  readonly gather?: { readonly quietMs: number; readonly maxMs: number }
  /**
   * Sends the items in one bulk call (a mutation or a feed) and returns one result per item, in
   * any order. A feed is submitted and its processing report awaited, so `applied` means the
   * channel processed the item. An error of the whole call (429, outage) is thrown, as `write` does.
   */
  writeMany(client: Client, items: readonly BulkStockItem<Unit>[]): Promise<BulkStockResult[]>
}

/** Everything the hub knows about one channel. Implementations live in `connectors/<channel>/`. */
export interface Connector<Credentials = unknown, Client extends ChannelClient = ChannelClient> {
  readonly id: ChannelId
  /** Per-account configuration (secrets, shop ids), validated when the process starts. */
  readonly credentials: z.ZodType<Credentials>
  /**
   * Published, non-secret credentials for the sandbox's demo account of this channel, whose API
   * calls go to the built-in marketplace emulator at `emulatorUrl` (its `/<channel>` prefix).
   */
  sandboxCredentials(emulatorUrl: string): Credentials
  readonly ingress: WebhookIngress<Credentials>
  /** The account's API client; absent for a channel whose webhooks are complete without one. */
  readonly client?: (credentials: Credentials, ctx: ClientContext) => Client
  /** Stock pushes and reads; absent for a channel the hub cannot push stock to. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each channel has its own unit type
  readonly stock?: StockSupport<Credentials, any, Client>
  /** Reading orders changed since a time (order sync, backfill); absent where the hub cannot list. */
  readonly orders?: OrderListing<Client>
}

/**
 * One connector per channel id; `null` marks a channel whose connector has not landed yet, so
 * adding a channel id without deciding about it fails the type check.
 */
export type ConnectorRegistry = { readonly [C in ChannelId]: AnyConnector | null }

/**
 * A connector whose credentials type is not known statically: the registry's entries, paired at
 * run time with credentials its own schema validated.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own credentials type
export type AnyConnector = Connector<any>
