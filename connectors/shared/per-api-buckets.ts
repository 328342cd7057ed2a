import type { Clock } from '../../src/clock.js'
import type { RateGate, RateGates } from '../types.js'
import { TokenBucket, type RateLimit } from './rate-limit.js'

/**
 * One gate per API of one account, all with the same plan: `perSecond` steady, burst = the
 * per-second rate but at least one call (a bucket holding less than one token would refuse even
 * the first call of a slow, < 1/s, plan). Channels count their limits per API, so a busy API must
 * not starve another.
 */
export function perApiBuckets(
  perSecond: number,
  ctx: { readonly clock: Clock; readonly gates?: RateGates },
): (api: string) => RateGate {
  const limit = { perSecond, burst: Math.max(1, perSecond) }
  return bucketsBy(() => limit, ctx)
}

/**
 * One gate per key, created on first use with the plan `planOf(key)` names: the account's shared
 * budget when the client was given one (`ctx.gates`), else a {@link TokenBucket} in this process.
 */
export function bucketsBy<K extends string>(
  planOf: (key: K) => RateLimit,
  ctx: { readonly clock: Clock; readonly gates?: RateGates },
): (key: K) => RateGate {
  const gates = new Map<K, RateGate>()
  return (key) => {
    let gate = gates.get(key)
    if (!gate) {
      gate = ctx.gates
        ? ctx.gates(key, planOf(key))
        : localGate(new TokenBucket(planOf(key), ctx.clock))
      gates.set(key, gate)
    }
    return gate
  }
}

/** A process-local bucket as a gate: a 429's wait is left to the job's retry. */
function localGate(bucket: TokenBucket): RateGate {
  return { take: (label) => bucket.take(label), hold: () => undefined }
}
