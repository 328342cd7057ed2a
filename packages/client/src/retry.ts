import { HubApiError } from './errors.js'

/** Longest wait between two attempts, however many failed in a row. */
const MAX_WAIT_MS = 30_000

/**
 * Whether a failed call is worth repeating as it was: the network or the hub failed, not the
 * request. fetch rejects with a TypeError when no answer came (refused, reset, DNS).
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof HubApiError) return error.status >= 500 || error.status === 429
  return error instanceof TypeError
}

/** Waits that double with each failure in a row, from a base the caller (or the hub) chooses. */
export class Backoff {
  private failures = 0

  /**
   * The wait before the next attempt: `baseMs` doubled per failure since the last success, at
   * most 30 s, and never shorter than `atLeastMs` (a `retry-after`). Up to a fifth is added at
   * random so that clients dropped together do not all come back in the same instant.
   */
  next(baseMs: number, atLeastMs = 0): number {
    const wait = Math.max(Math.min(MAX_WAIT_MS, baseMs * 2 ** this.failures), atLeastMs)
    this.failures++
    return wait * (1 + Math.random() / 5)
  }

  reset(): void {
    this.failures = 0
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
