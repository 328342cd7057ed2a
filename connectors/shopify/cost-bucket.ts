/**
 * Client-side pacing by Shopify's GraphQL cost bucket. Shopify limits GraphQL Admin calls per
 * app and store by calculated query cost in a leaky bucket and reports the bucket after every
 * call in `extensions.cost.throttleStatus { maximumAvailable, currentlyAvailable, restoreRate }`
 * (channels.md §1 B2, https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits). The
 * bucket's size and restore rate depend on the store's plan, so nothing is assumed: until the
 * first answer arrives calls go out unpaced, and from then on a call waits until the bucket, as
 * last reported and refilled since at `restoreRate`, holds its estimated cost. Shopify's THROTTLED
 * answer remains the backstop (another process of the hub, or another app install, may share
 * the bucket).
 */
import type { Clock } from '../../src/clock.js'
import { ChannelApiError } from '../shared/api-error.js'

/** The bucket as Shopify reported it in one answer. */
export interface ThrottleStatus {
  readonly maximumAvailable: number
  readonly currentlyAvailable: number
  /** Points restored per second. */
  readonly restoreRate: number
}

export class CostBucket {
  private status: ThrottleStatus | undefined
  /** Estimated points in the bucket at `updatedAt`, our own spending since the report deducted. */
  private available = 0
  private updatedAt = 0

  constructor(
    private readonly clock: Clock,
    /** A call that would wait longer fails `rate-limited` at once instead of holding a worker. */
    private readonly maxWaitMs = 2_000,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Records the bucket as an answer reported it. */
  observe(status: ThrottleStatus): void {
    this.status = status
    this.available = status.currentlyAvailable
    this.updatedAt = this.clock.now().getTime()
  }

  /** Takes `cost` points, waiting for them if that is quick; throws `rate-limited` otherwise. */
  async take(cost: number, operation: string): Promise<void> {
    const status = this.status
    if (status === undefined || status.restoreRate <= 0) return
    const now = this.clock.now().getTime()
    const refilled = ((now - this.updatedAt) / 1000) * status.restoreRate
    this.available = Math.min(status.maximumAvailable, this.available + refilled)
    this.updatedAt = now
    // A call costing more than the whole bucket could never go out; let Shopify judge it.
    const needed = Math.min(cost, status.maximumAvailable)
    const waitMs =
      this.available >= needed
        ? 0
        : Math.ceil(((needed - this.available) / status.restoreRate) * 1000)
    if (waitMs > this.maxWaitMs) {
      throw new ChannelApiError('rate-limited', `${operation}: query cost budget used up`, {
        retryAfterMs: waitMs,
      })
    }
    // Spend now (the estimate may go below zero) so concurrent callers queue behind this one.
    this.available -= needed
    if (waitMs > 0) await this.sleep(waitMs)
  }
}
