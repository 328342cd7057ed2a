/**
 * How the lanes (connectors/shared/lanes.ts) share one bucket. Two rules, both kept by the bucket's
 * script (bucket-script.ts):
 *
 * - **Urgent lanes** (push, hydrate) are what a seller or the OMS is waiting for. An urgent caller
 *   takes a token when there is one, and otherwise reserves the next one ahead, the balance going
 *   below zero (as the process-local TokenBucket does), so urgent callers are served in the order
 *   they asked. It waits for its token only up to a maximum (2 s by default); a longer wait is a
 *   `rate-limited` error naming it, and the job is retried after it rather than parking a worker.
 *   An urgent caller that has to wait, or is turned away, leaves a short-lived mark on the bucket.
 *
 * - **Lower lanes** (poll, reconcile, backfill) take only what urgent work leaves: never while an
 *   urgent mark stands, and only while the bucket holds more than a reserve kept for urgent work,
 *   a share of the burst that grows as the lane's priority falls (below). They never reserve
 *   ahead; a lower caller refused for a short while sleeps and asks again inside `take`, and
 *   otherwise gets the `rate-limited` error with the wait.
 *
 * The reserve costs a lower lane nothing when urgent work is idle: the bucket then sits at the
 * reserve and each token the rate adds goes to it, so it still gets the whole rate. What it gives
 * up is the burst, which stays for a sudden wave of pushes or new orders.
 */
import type { Lane } from '../../connectors/index.js'

export interface LanePolicy {
  readonly urgent: boolean
  /** Share of the burst above one token that this lane must leave in the bucket. */
  readonly reserveShare: number
}

export const LANE_POLICIES: { readonly [L in Lane]: LanePolicy } = {
  push: { urgent: true, reserveShare: 0 },
  hydrate: { urgent: true, reserveShare: 0 },
  poll: { urgent: false, reserveShare: 0.25 },
  reconcile: { urgent: false, reserveShare: 0.5 },
  backfill: { urgent: false, reserveShare: 0.75 },
}

/**
 * Tokens `lane` must leave in a bucket of `burst`. Taken from the burst above one token, so a
 * bucket of one (a plan slower than 1/s) still serves every lane, one call at a time.
 */
export function reserveOf(lane: Lane, burst: number): number {
  return LANE_POLICIES[lane].reserveShare * Math.max(0, burst - 1)
}
