/**
 * Waiting for a channel's feed to be processed: poll its status every `intervalMs` until it ends,
 * at most `maxWaitMs` in all, both measured on the client's clock. A clock that can wait by
 * itself ({@link WaitingClock}: the test clock, which moves instead of sleeping) is asked to;
 * otherwise a real timer waits, so a test never sleeps and production never spins.
 */
import type { Clock } from '../../src/clock.js'

/** A clock that waits by itself: tests' clocks move on by `ms` and return at once. */
export interface WaitingClock extends Clock {
  wait(ms: number): Promise<void>
}

/** Waits `ms` on `clock`. */
export function waitOn(clock: Clock, ms: number): Promise<void> {
  const waiting = clock as Partial<WaitingClock>
  if (typeof waiting.wait === 'function') return waiting.wait(ms)
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export interface PollPlan {
  /** Between two status reads. */
  readonly intervalMs: number
  /** From the first read; a feed not finished by then is given up on (`onTimeout`). */
  readonly maxWaitMs: number
}

/**
 * Reads the status until `read` answers `done` (its value is returned), waiting `intervalMs`
 * between reads; throws `onTimeout(waitedMs)` once `maxWaitMs` has passed without an end.
 */
export async function pollUntilDone<T>(
  clock: Clock,
  plan: PollPlan,
  read: () => Promise<{ readonly done: true; readonly value: T } | { readonly done: false }>,
  onTimeout: (waitedMs: number) => Error,
): Promise<T> {
  const started = clock.now().getTime()
  for (;;) {
    const status = await read()
    if (status.done) return status.value
    const waited = clock.now().getTime() - started
    if (waited + plan.intervalMs > plan.maxWaitMs) throw onTimeout(waited)
    await waitOn(clock, plan.intervalMs)
  }
}

/**
 * How long a feed's batch gathers (BulkStockSupport `gather`): while the queue still grows, two
 * seconds at a time, at most a minute. Feeds are few (Amazon's JSON_LISTINGS_FEED five per five
 * minutes, Walmart's ten an hour) and take minutes (Walmart about half an hour) to process, so a
 * minute's wait costs little, and a recount arriving over seconds no longer spends five feeds.
 */
export const FEED_GATHER = { quietMs: 2_000, maxMs: 60_000 } as const
