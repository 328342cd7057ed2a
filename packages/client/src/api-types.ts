// The hub's HTTP answers and request bodies as this client sees them, written by hand from the
// contract (docs/http-api.md, docs/consumers.md). The events themselves are generated from the
// JSON Schema: events.generated.ts.
import type { HubEvent } from './events.generated.js'

/** An event read from the feed, the stream or a delivery: it always carries its feed position. */
export type FeedEvent = HubEvent & { readonly position: number }

/** A feed position: gap-free, strictly increasing in commit order. */
export type Position = number | string

/** `GET /v1/events` and `GET /v1/consumers/:name/events`. */
export interface FeedPage {
  readonly events: FeedEvent[]
  /** The position to read after next time: the last event's when the page is full, else the feed's head. */
  readonly next: string
}

export interface FeedQuery {
  /** Read events after this position (default 0: from the start). */
  readonly after?: Position
  /** Exact types (`order.created.v1`) or patterns ending in `.*` (`order.*`, `*`). */
  readonly types?: readonly string[]
  /** Events per page, 1 to 1000 (the hub's default: 100). */
  readonly limit?: number
  readonly signal?: AbortSignal
}

export interface IterateOptions extends FeedQuery {
  /** How long to wait before asking again once the feed is caught up (default 1000 ms). */
  readonly idleMs?: number
}

export interface StreamOptions {
  /** Start after this position. A reconnect resumes from the last event yielded instead. */
  readonly after?: Position
  readonly types?: readonly string[]
  /** Ends the stream: the iterator returns. */
  readonly signal?: AbortSignal
  /**
   * A connection on which nothing, not even a heartbeat, arrived for this long is taken as dead
   * and replaced (default 45000 ms: three of the hub's default 15-second heartbeats).
   */
  readonly idleTimeoutMs?: number
}

/** How deliveries are sent: the whole event as the body, or `data` as the body and `ce-*` headers. */
export type ContentMode = 'structured' | 'binary'

export type SubscriptionStatus = 'active' | 'paused' | 'disabled' | 'deleted'

export interface CreateSubscription {
  /** Where to POST events (http or https). */
  readonly url: string
  readonly eventTypes: readonly string[]
  readonly description?: string
  /** Default `structured`. */
  readonly contentMode?: ContentMode
}

export interface Subscription {
  readonly id: string
  readonly url: string
  readonly eventTypes: string[]
  readonly description: string | null
  readonly status: SubscriptionStatus
  readonly disabledReason: string | null
  readonly createdAt: string
  readonly contentMode: ContentMode
}

/** The answer to creating a subscription: the only time the signing secret is shown. */
export interface CreatedSubscription extends Subscription {
  readonly secret: string
}

/** The answer to pause: `changed` is false when it already was paused. */
export interface SubscriptionTransition extends Subscription {
  readonly changed: boolean
}

/** The answer to resume: `enqueued` deliveries waited during the pause and are sent now. */
export interface ResumedSubscription extends SubscriptionTransition {
  readonly enqueued: number
}

export interface CreateConsumer {
  /** `^[a-z0-9][a-z0-9._-]{0,63}$` */
  readonly name: string
  readonly eventTypes: readonly string[]
  /** Where its position starts (default `beginning`); a position number starts after it. */
  readonly startAt?: 'beginning' | 'end' | number
}

export interface Consumer {
  readonly name: string
  readonly eventTypes: string[]
  /** Its committed position: reads and streams start after it. */
  readonly position: number
  readonly committedAt: string | null
  readonly createdAt: string
  readonly lag: {
    /** Matching events after the committed position. */
    readonly events: number
    /** Age of the oldest of them (0 when there are none). */
    readonly seconds: number
  }
}

export interface ConsumerReadOptions {
  readonly limit?: number
  readonly signal?: AbortSignal
}

export interface ConsumerStreamOptions {
  readonly signal?: AbortSignal
  /** As in {@link StreamOptions}. */
  readonly idleTimeoutMs?: number
}

/** A SKU's on-hand at a location as counted at `asOf` (`PUT /v1/inventory/{sku}`). */
export interface SetLevel {
  /** A PostgreSQL integer, 0 or more. */
  readonly onHand: number
  /**
   * When it was counted: an ISO 8601 time with an offset (`2026-11-01T10:00:00Z`). A level not
   * newer than the stored one changes nothing, so a level sent twice is applied once.
   */
  readonly asOf: string
  readonly safetyStock?: number
  /** A location the hub's accounts file declares; absent: `default`. */
  readonly location?: string
}

/** One SKU's level in a recount (`PUT /v1/inventory`); one per SKU and location. */
export interface InventoryLevel extends SetLevel {
  readonly sku: string
}

/** A SKU's ledger row: its totals over every location (`InventoryItem` in /openapi.json). */
export interface InventoryItem {
  readonly sku: string
  readonly onHand: number
  readonly onHandAsOf: string | null
  readonly reserved: number
  readonly safetyStock: number
  /** Available to sell. */
  readonly ats: number
  readonly atsChangedAt: string
}

/** The answer to setting a level; `inventory` is the SKU's stock either way. */
export type SetLevelResult =
  | { readonly applied: true; readonly inventory: InventoryItem | null }
  | {
      readonly applied: false
      /** Why not: a level as of a time not older was already stored. */
      readonly reason: string
      readonly inventory: InventoryItem | null
    }

/**
 * The answer to a recount, also when the hub answered 422: then `refused` names each level it
 * could not store (its index in the request) and every other level was applied or unchanged.
 */
export interface RecountResult {
  /** Present only when some levels were refused. */
  readonly error?: string
  readonly levels: number
  readonly applied: number
  /** Levels not newer than the stored ones. */
  readonly unchanged: number
  readonly refused: { readonly index: number; readonly sku: string; readonly error: string }[]
}

/** A change of on-hand by `delta`, applied once per `idempotencyKey`. */
export interface Adjustment {
  /** The same key again changes nothing; with another SKU, delta or location it is a 409. */
  readonly idempotencyKey: string
  readonly sku: string
  /** Not 0; negative takes stock away. */
  readonly delta: number
  readonly reason?: string
  /** Absent: `default`. */
  readonly location?: string
}

/** `duplicate`: the key was already applied, nothing changed; `onHandAfter` is the SKU's on-hand now. */
export interface AdjustmentResult {
  readonly status: 'applied' | 'duplicate'
  readonly onHandAfter: number
}

/** What the hub last did and learned about a listing's quantity (`Listing` in /openapi.json). */
export interface Listing {
  readonly id: string
  readonly sku: string
  readonly channel: string
  readonly account: string
  readonly unit: Record<string, unknown>
  readonly channelSku: string | null
  readonly policy: Record<string, unknown>
  readonly inventorySource: boolean
  /** The hub locations it draws from; null: all of its SKU's. */
  readonly locations: string[] | null
  /** The channel holds its stock (Amazon FBA): shown, never pushed nor counted in on-hand. */
  readonly channelHeld: boolean
  readonly lastPush: {
    readonly quantity: number | null
    readonly at: string | null
    readonly attemptAt: string | null
    readonly status: 'applied' | 'queued' | 'failed' | 'held' | 'not-live' | null
    readonly error: string | null
  }
  readonly lastReport: {
    readonly quantity: number | null
    readonly at: string | null
    readonly echo: boolean | null
  }
  readonly lastCheck: {
    readonly quantity: number | null
    readonly at: string | null
    readonly drift: number | null
  }
}

/** `GET /v1/inventory/{sku}` (`SkuStock` in /openapi.json). */
export interface SkuStock extends InventoryItem {
  readonly onHandKnown: boolean
  readonly locations: {
    readonly location: string
    readonly onHand: number
    readonly onHandAsOf: string | null
    readonly reserved: number
  }[]
  /** Stock the channel holds (Amazon FBA): what it last reported, not part of on-hand. */
  readonly channelHeld: {
    readonly reported: number
    readonly listings: {
      readonly id: string
      readonly channel: string
      readonly account: string
      readonly quantity: number | null
      readonly at: string | null
    }[]
  }
  readonly listings: (Listing & {
    /** The SKU's allocation as this listing's next push would see it. */
    readonly allocation: {
      readonly mode: 'shared' | 'partitioned'
      readonly target: number
      readonly offered: number
      readonly inflight: number | null
      readonly next: number | null
    } | null
  })[]
}
