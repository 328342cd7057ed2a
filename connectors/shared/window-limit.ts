/**
 * A limit of `max` calls in any `windowMs` (Walmart's "10 feeds per hour"), kept on the client's
 * clock so that a call the channel would refuse is not made. Per process, like `TokenBucket`: the
 * channel's 429 stays the backstop.
 */
import type { Clock } from '../../src/clock.js'
import { ChannelApiError } from './api-error.js'

export class WindowLimit {
  /** Times (epoch ms) of the calls within the current window, oldest first. */
  private readonly made: number[] = []

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one call, or throws `rate-limited` with the wait until the oldest leaves the window. */
  take(operation: string): void {
    const now = this.clock.now().getTime()
    while (this.made.length > 0 && this.made[0]! <= now - this.windowMs) this.made.shift()
    if (this.made.length >= this.max) {
      const retryAfterMs = this.made[0]! + this.windowMs - now
      throw new ChannelApiError(
        'rate-limited',
        `${operation}: ${this.max} calls per ${this.windowMs / 60_000} min reached locally`,
        { retryAfterMs },
      )
    }
    this.made.push(now)
  }
}
