import type { Clock } from '../../src/clock.js'
import { TokenBucket, type RateLimit } from './rate-limit.js'

/**
 * One {@link TokenBucket} per API of one account, created on first use, all with the same plan:
 * `perSecond` steady, burst = the per-second rate but at least one call (a bucket holding less
 * than one token would refuse even the first call of a slow, < 1/s, plan). Channels count their
 * limits per API, so a busy API must not starve another.
 */
export function perApiBuckets(perSecond: number, clock: Clock): (api: string) => TokenBucket {
  const limit = { perSecond, burst: Math.max(1, perSecond) }
  return bucketsBy(() => limit, clock)
}

/** One {@link TokenBucket} per key, created on first use with the plan `planOf(key)` names. */
export function bucketsBy<K extends string>(
  planOf: (key: K) => RateLimit,
  clock: Clock,
): (key: K) => TokenBucket {
  const buckets = new Map<K, TokenBucket>()
  return (key) => {
    let bucket = buckets.get(key)
    if (!bucket) {
      bucket = new TokenBucket(planOf(key), clock)
      buckets.set(key, bucket)
    }
    return bucket
  }
}
