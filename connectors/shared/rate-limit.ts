import type { Clock } from '../../src/clock.js'
import { ChannelApiError } from './api-error.js'

/** A channel's documented usage plan for one operation: a steady rate and a burst allowance. */
export interface RateLimit {
  readonly perSecond: number
  readonly burst: number
}

/**
 * A token bucket per operation and account, so the hub stays inside a channel's usage plan instead
 * of learning it from 429s. It is per process: with N worker processes the account may see up to
 * N times the rate, and the channel's 429 remains the backstop.
 *
 * A caller that would have to wait longer than `maxWaitMs` is not made to wait (that would hold a
 * worker slot other accounts need); it gets a `rate-limited` error saying how long, and its job
 * is retried after that.
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly maxWaitMs = 2_000,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = limit.burst
    this.updatedAt = clock.now().getTime()
  }

  /** Takes one token, waiting for it if that is quick; throws `rate-limited` otherwise. */
  async take(operation: string): Promise<void> {
    const now = this.clock.now().getTime()
    const refilled = ((now - this.updatedAt) / 1000) * this.limit.perSecond
    this.tokens = Math.min(this.limit.burst, this.tokens + refilled)
    this.updatedAt = now
    const waitMs =
      this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.limit.perSecond) * 1000)
    if (waitMs > this.maxWaitMs) {
      throw new ChannelApiError('rate-limited', `${operation}: local rate limit reached`, {
        retryAfterMs: waitMs,
      })
    }
    // Reserve the token now (the balance may go below zero), so callers queue in arrival order.
    this.tokens -= 1
    if (waitMs > 0) await this.sleep(waitMs)
  }
}
