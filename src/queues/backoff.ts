/**
 * The `hub` backoff: exponential from a base delay, capped at `maxMs`, with "equal jitter" (half
 * fixed, half random) so retries of many jobs do not arrive in lockstep; never sooner than a
 * Retry-After the remote sent. `failedAttempts` counts every attempt of the work so far, including
 * any made before its current job existed (a delivery's first attempt is made by the relay).
 */
export function backoffMs(opts: {
  readonly failedAttempts: number
  readonly baseMs: number
  readonly maxMs: number
  readonly retryAfterMs?: number | undefined
  readonly random?: () => number
}): number {
  const random = opts.random ?? Math.random
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, opts.failedAttempts - 1))
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2))
  return Math.max(jittered, opts.retryAfterMs ?? 0)
}
