/**
 * What stands in front of every call to the emulated store's GraphQL Admin API:
 * - the access token: `X-Shopify-Access-Token` must carry the app's token for the store, the
 *   connector's published sandbox token (https://shopify.dev/docs/api/admin-graphql#authentication);
 *   anything else is 401 with Shopify's string error;
 * - the cost limit: a leaky bucket per app and store of calculated query cost, 1000 points
 *   restoring at 100 points/s (a Standard plan's restore rate, channels.md §1 B2; the bucket size
 *   is unconfirmed there, 1000 being the documented limit of a single query and the size real
 *   answers have reported). A call is admitted when the bucket holds its cost, and answered
 *   THROTTLED with 200 otherwise; every answer reports the bucket. The bucket refills by the
 *   marketplace's clock (`state.now`), so a test that moves the clock moves the refill;
 * - an injected fault (`state.throttleNext`): 429 with `Retry-After: 1` and the same body, so the
 *   hub meets both forms of Shopify's disputed throttle answer (channels.md §1 B2).
 *
 * The REST Admin API (the order list, order-list.ts) has a limit of its own, apart from the cost
 * bucket: a leaky bucket of 40 requests per app and store leaking 2 per second on a Standard plan,
 * reported in every answer as `X-Shopify-Shop-Api-Call-Limit: <used>/40`; a request it cannot hold
 * is 429 with `Retry-After: 2.0` and Shopify's string error
 * (https://shopify.dev/docs/api/admin-rest/usage/rate-limits; channels.md §1 B2). An injected
 * fault answers the same 429.
 */
import { shopify } from '../../../connectors/shopify/index.js'
import type { ChannelState } from '../types.js'
import { throttledBody, type ThrottleStatus } from './graphql.js'

export const MAXIMUM_AVAILABLE = 1_000
export const RESTORE_RATE = 100

const TOKEN = shopify.sandboxCredentials('').accessToken

/** Shopify's answer to a missing or wrong access token (HTTP 401, `errors` a string). */
export const INVALID_TOKEN_BODY = {
  errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
}

export function tokenAccepted(token: string | undefined): boolean {
  return token === TOKEN
}

export class EmulatedCostBucket {
  private available: number
  private updatedAt: number

  constructor(
    private readonly now: () => number,
    /** What it holds full, and restores per second: the GraphQL cost bucket's unless given. */
    private readonly size: number = MAXIMUM_AVAILABLE,
    private readonly restoreRate: number = RESTORE_RATE,
  ) {
    this.available = size
    this.updatedAt = now()
  }

  /** Takes `cost` points when the bucket holds them; says whether it did. */
  take(cost: number): boolean {
    this.refill()
    if (this.available < cost) return false
    this.available -= cost
    return true
  }

  status(): ThrottleStatus {
    this.refill()
    return {
      maximumAvailable: this.size,
      // Shopify reports whole points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    }
  }

  private refill(): void {
    const now = this.now()
    this.available = Math.min(
      this.size,
      this.available + (Math.max(0, now - this.updatedAt) / 1000) * this.restoreRate,
    )
    this.updatedAt = now
  }
}

const buckets = new WeakMap<ChannelState, EmulatedCostBucket>()

/**
 * The store's bucket for the hub's app: one per seller, shared by every call of the app (another
 * process of the hub spends from it too, which is how a test drains it).
 */
export function costBucketOf(state: ChannelState): EmulatedCostBucket {
  let bucket = buckets.get(state)
  if (!bucket) {
    bucket = new EmulatedCostBucket(() => state.now().getTime())
    buckets.set(state, bucket)
  }
  return bucket
}

export interface ThrottledAnswer {
  readonly status: 200 | 429
  readonly headers: Record<string, string>
  readonly body: ReturnType<typeof throttledBody>
}

/** Admits a call of `cost` (taking its points), or says how Shopify refuses it. */
export function throttled(state: ChannelState, cost: number): ThrottledAnswer | undefined {
  const bucket = costBucketOf(state)
  if (state.throttleNext > 0) {
    state.throttleNext -= 1
    return {
      status: 429,
      headers: { 'Retry-After': '1' },
      body: throttledBody(cost, bucket.status()),
    }
  }
  if (bucket.take(cost)) return undefined
  return { status: 200, headers: {}, body: throttledBody(cost, bucket.status()) }
}

/** API versions the emulated store serves: Shopify's quarterly ones (`2026-10`). */
export const API_VERSION = /^\d{4}-(01|04|07|10)$/

/** The REST bucket: 40 requests, leaking 2 a second (Standard plan; see the module comment). */
export const REST_BUCKET_SIZE = 40
export const REST_LEAK_RATE = 2

/** Shopify's answer to a REST request its bucket cannot hold (HTTP 429, `errors` a string). */
export const REST_THROTTLED_BODY = {
  errors:
    'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
}

const restBuckets = new WeakMap<ChannelState, EmulatedCostBucket>()

/** The store's REST bucket for the hub's app, apart from its GraphQL cost bucket. */
export function restBucketOf(state: ChannelState): EmulatedCostBucket {
  let bucket = restBuckets.get(state)
  if (!bucket) {
    bucket = new EmulatedCostBucket(() => state.now().getTime(), REST_BUCKET_SIZE, REST_LEAK_RATE)
    restBuckets.set(state, bucket)
  }
  return bucket
}

/**
 * Admits one REST request (an injected fault first, then the bucket): the
 * `X-Shopify-Shop-Api-Call-Limit` value to answer with, and whether the request may go on.
 */
export function admitRest(state: ChannelState): {
  readonly ok: boolean
  readonly callLimit: string
} {
  const bucket = restBucketOf(state)
  const injected = state.throttleNext > 0
  if (injected) state.throttleNext -= 1
  const ok = !injected && bucket.take(1)
  const { maximumAvailable, currentlyAvailable } = bucket.status()
  return { ok, callLimit: `${maximumAvailable - currentlyAvailable}/${maximumAvailable}` }
}
