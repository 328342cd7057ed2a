/**
 * The emulator's enforcement of a channel's documented rate limit: a token bucket that answers
 * yes or no at once (a marketplace does not queue a caller; it answers 429).
 */
export class EmulatedRateLimit {
  private tokens: number
  private updatedAt: number

  /** `now` is the marketplace's clock in epoch ms: a channel passes its `state.now`, which tests move. */
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst
    this.updatedAt = now()
  }

  /** Takes a token if one is there; otherwise says how many milliseconds until one is. */
  take(): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.now()
    // A clock a test sets back refills nothing (rather than draining the bucket).
    const elapsedMs = Math.max(0, now - this.updatedAt)
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.perSecond)
    this.updatedAt = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return { ok: true }
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) }
  }
}

/**
 * Whether this call is to be throttled: an injected fault (`throttleNext`) or the channel's own
 * limit. Counts the call and any 429 in `state.stats`.
 */
export function admitCall(
  state: { throttleNext: number; stats: { calls: number; throttled: number } },
  limit: EmulatedRateLimit,
): { ok: true } | { ok: false; retryAfterMs: number } {
  state.stats.calls += 1
  if (state.throttleNext > 0) {
    state.throttleNext -= 1
    state.stats.throttled += 1
    return { ok: false, retryAfterMs: 1_000 }
  }
  const admitted = limit.take()
  if (!admitted.ok) state.stats.throttled += 1
  return admitted
}
