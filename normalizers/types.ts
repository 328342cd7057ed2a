import type {
  ChannelId,
  InventoryReported,
  ListingStatusChanged,
  OrderReturned,
  OrderSnapshot,
} from '../src/events/index.js'
import type { Hydrated, HydrationNeed } from '../connectors/index.js'

/** What a normalizer is given: one verified, stored webhook. */
export interface NormalizeInput {
  readonly channel: ChannelId
  readonly accountId: string
  /** The channel's topic / event type, as the connector extracted it. */
  readonly topic: string
  /** The inbox dedupe key of the webhook. */
  readonly dedupeKey: string
  /** When the hub received the webhook: the only "now" a normalizer may use. */
  readonly receivedAt: Date
  /** The body parsed by `parseJsonBody` (integers beyond 2^53 arrive as strings). */
  readonly body: unknown
  /**
   * What the pipeline fetched after this normalizer answered `hydrate`, by `hydrationKey`; absent
   * on the first call. Same parsing rules as `body`.
   */
  readonly hydrated?: Hydrated
}

/**
 * A fact the channel reported, before the hub compares it with what it already knows. Events are
 * derived from observations when they are applied, so the same observation twice emits once.
 */
export type Observation =
  | {
      /** The full current state of an order. */
      readonly kind: 'order'
      readonly snapshot: OrderSnapshot
    }
  | {
      /** A refund or return recorded against an order. */
      readonly kind: 'order-return'
      /** When the channel recorded it (ISO 8601). */
      readonly occurredAt: string
      readonly data: OrderReturned['data']
    }
  | {
      /** A channel's own report of a listing's stock level. */
      readonly kind: 'inventory-level'
      /** When the channel measured it (ISO 8601). */
      readonly occurredAt: string
      readonly data: InventoryReported['data']
    }
  | {
      /** A change to a listing's status or content at the channel. */
      readonly kind: 'listing-status'
      readonly occurredAt: string
      readonly data: ListingStatusChanged['data']
    }
  | {
      /** The hub confirmed a subscription the channel asked it to (an SNS topic's). */
      readonly kind: 'subscription-confirmed'
      readonly occurredAt: string
      /** What was subscribed to, e.g. the SNS topic ARN. */
      readonly topic: string
      /** The channel's id of the subscription, when its answer gives one. */
      readonly subscriptionId: string | null
    }
  | {
      /**
       * The seller withdrew the hub's access (`revoked`) or it will soon lapse (`expiring`). Emits
       * no event: it is an alert on the account, shown in `/readyz` and the log, for an operator.
       */
      readonly kind: 'account-authorization'
      readonly state: 'revoked' | 'expiring'
      readonly occurredAt: string
      /** The channel's own words, for the operator. */
      readonly message: string
    }

export type NormalizeResult =
  | { readonly kind: 'observations'; readonly observations: readonly Observation[] }
  /**
   * The webhook is thin: fetch these from the channel's API and call the normalizer again with
   * them in `hydrated`. Returned only when `hydrated` lacks something needed.
   */
  | { readonly kind: 'hydrate'; readonly needs: readonly HydrationNeed[] }
  /** A topic the hub does not consume; recorded, never retried. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** The payload does not have the shape the channel documents; `issues` name each bad path. */
  | { readonly kind: 'invalid'; readonly issues: readonly string[] }

/** Pure: no I/O, no clock, no randomness, inputs never mutated. */
export interface ChannelNormalizer {
  normalize(input: NormalizeInput): NormalizeResult
}

/** `null` marks a channel whose normalizer has not landed yet. */
export type NormalizerRegistry = { readonly [C in ChannelId]: ChannelNormalizer | null }

/**
 * Where a channel's bodies (its webhooks, and the order records the hub stores from its order
 * list) carry buyer personal data: each channel's personal-data.ts, read by the redaction of
 * stored bodies (normalizers/shared/personal-data.ts).
 */
export interface PersonalDataFields {
  /**
   * JSON keys whose value is personal wherever they appear: a string or number becomes the
   * marker, an object or array has every string and number inside it replaced (nulls and booleans
   * stay, so the shape stays).
   */
  readonly keys: readonly string[]
  /**
   * JSON keys whose string value is itself a JSON document to look into with the same keys (an
   * SNS notification's `Message`).
   */
  readonly nestedJson?: readonly string[]
}

export type PersonalDataRegistry = { readonly [C in ChannelId]: PersonalDataFields }
