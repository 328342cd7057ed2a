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
  private available = MAXIMUM_AVAILABLE
  private updatedAt: number

  constructor(private readonly now: () => number) {
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
      maximumAvailable: MAXIMUM_AVAILABLE,
      // Shopify reports whole points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: RESTORE_RATE,
    }
  }

  private refill(): void {
    const now = this.now()
    this.available = Math.min(
      MAXIMUM_AVAILABLE,
      this.available + (Math.max(0, now - this.updatedAt) / 1000) * RESTORE_RATE,
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
