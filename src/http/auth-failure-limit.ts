/**
 * A fixed window of failed authentications per client address, kept in Redis so every API
 * process counts towards the same limit. Once an address has failed `limit` times in a window,
 * its requests are refused without looking at their credentials until the window ends, so
 * guessing costs a window per `limit` guesses. Other addresses are never affected.
 */
import type { Context } from 'hono'
import type { RedisClient } from '../redis-client.js'
import type { AdminCounters } from '../metrics/admin.js'
import type { AppEnv } from './env.js'

export interface FailureLimit {
  /** When `address` has used up its failures: how long until its window ends, and how many requests were refused in it (this one included). */
  blocked(address: string): Promise<{ retryAfterSeconds: number; refused: number } | undefined>
  /** Counts a failed authentication of `address`. */
  recordFailure(address: string): Promise<void>
}

// KEYS[1]: one address's counter. ARGV[1]: limit, ARGV[2]: window (ms).
// Under the limit: returns {count, 0} and changes nothing. At or over it: counts this refused
// request too and returns {count, ms left in the window}.
const CHECK = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n < tonumber(ARGV[1]) then return {n, 0} end
n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {n, ttl}`

// KEYS[1]: one address's counter. ARGV[1]: window (ms). The first failure opens the window.
const FAIL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`

export function redisFailureLimit(
  redis: RedisClient,
  opts: { readonly keyPrefix: string; readonly limit: number; readonly windowMs: number },
): FailureLimit {
  const key = (address: string) => `${opts.keyPrefix}:${address}`
  return {
    async blocked(address) {
      const [count, ttl] = (await redis.eval(
        CHECK,
        1,
        key(address),
        opts.limit,
        opts.windowMs,
      )) as [number, number]
      if (count < opts.limit) return undefined
      return { retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)), refused: count - opts.limit }
    },
    async recordFailure(address) {
      await redis.eval(FAIL, 1, key(address), opts.windowMs)
    },
  }
}

/**
 * Whether `address` is locked out. If so: counts the refusal under `endpoint`, logs the first of
 * its window with `message` (the metric counts every one), sets `Retry-After`, and returns the
 * seconds to wait, for the caller to answer 429 in its protocol's shape. Without Redis the
 * limit is not enforced (`onUnavailable`), rather than locking everyone out.
 */
export async function lockedOut(
  c: Context<AppEnv>,
  failures: FailureLimit,
  opts: {
    readonly address: string
    readonly endpoint: string
    readonly counters: Pick<AdminCounters, 'rateLimited'>
    readonly message: string
    readonly onUnavailable?: (err: unknown) => void
  },
): Promise<number | undefined> {
  const blocked = await failures.blocked(opts.address).catch((err: unknown) => {
    opts.onUnavailable?.(err)
    return undefined
  })
  if (!blocked) return undefined
  opts.counters.rateLimited(opts.endpoint)
  if (blocked.refused === 1)
    c.get('log').warn(
      { clientAddress: opts.address, retryAfterSeconds: blocked.retryAfterSeconds },
      opts.message,
    )
  c.header('Retry-After', String(blocked.retryAfterSeconds))
  return blocked.retryAfterSeconds
}
