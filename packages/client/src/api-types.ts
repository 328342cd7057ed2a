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
