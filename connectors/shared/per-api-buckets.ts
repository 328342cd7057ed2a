import type { Clock } from '../../src/clock.js'
import { TokenBucket } from './rate-limit.js'

/**
 * One {@link TokenBucket} per API of one account, created on first use, all with the same plan:
 * `perSecond` steady, burst = the per-second rate but at least one call (a bucket holding less
 * than one token would refuse even the first call of a slow, < 1/s, plan). Channels count their
 * limits per API, so a busy API must not starve another.
 */
export function perApiBuckets(perSecond: number, clock: Clock): (api: string) => TokenBucket {
  const limit = { perSecond, burst: Math.max(1, perSecond) }
  const buckets = new Map<string, TokenBucket>()
  return (api) => {
    let bucket = buckets.get(api)
    if (!bucket) {
      bucket = new TokenBucket(limit, clock)
      buckets.set(api, bucket)
    }
    return bucket
  }
}
