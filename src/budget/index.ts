/**
 * One API budget per channel account, shared by every process of the hub: each rate-limit bucket a
 * connector names (an operation, an API, or the whole account) is a token bucket in Redis under
 * the queue prefix, `<prefix>:budget:<channel>:<account>:<bucket>`, served in priority lanes
 * (lane-policy.ts) and held for everyone when the channel answers 429. Without it each worker
 * process paced itself, so N processes could send N times a channel's rate.
 *
 * A connector's client gets the gates through its `ClientContext` (connectors/types.ts): the
 * account directory hands each account's client `forAccount(channel, account)`.
 */
import type { RedisClient } from '../redis-client.js'
import type { RateGates } from '../../connectors/index.js'
import type { ChannelId } from '../events/index.js'
import { createApiBudgetCounter } from '../metrics/api-budget.js'
import { bucketScript } from './bucket-script.js'
import { sharedGate, type GateSettings } from './shared-gate.js'

export interface Budget {
  /** The gates of one account's buckets; the same bucket name is the same budget in every process. */
  readonly forAccount: (channel: ChannelId, accountId: string) => RateGates
}

export interface BudgetOptions {
  /**
   * Longest an urgent caller (push, hydrate) waits for a token it reserved ahead; a longer wait is
   * a `rate-limited` error naming it. Default 2,000 ms, as the process-local TokenBucket.
   */
  readonly maxWaitMs?: number
  /** Longest a lower-lane caller sleeps and asks again inside `take` before that error. Default 1,000 ms. */
  readonly lowerMaxWaitMs?: number
  /** How long lower lanes stay off after an urgent caller's wait ends. Default 1,000 ms. */
  readonly urgentGraceMs?: number
  /** How long a bucket's hash is kept after it would be full again (absent = full). Default 60 s. */
  readonly idleMs?: number
  /** Tests only: the bucket's time in ms, instead of Redis's `TIME` (see bucket-script.ts). */
  readonly now?: () => number
  /** Tests only: how a caller waits. */
  readonly sleep?: (ms: number) => Promise<void>
}

const DEFAULTS = { maxWaitMs: 2_000, lowerMaxWaitMs: 1_000, urgentGraceMs: 1_000, idleMs: 60_000 }

/**
 * The budget kept on `redis` under `prefix` (the queue prefix, so a test's or a deployment's
 * buckets stay apart). Metrics go to the same Redis (src/metrics/api-budget.ts).
 */
export function createBudget(redis: RedisClient, prefix: string, opts: BudgetOptions = {}): Budget {
  const settings: GateSettings = {
    maxWaitMs: duration(opts, 'maxWaitMs'),
    lowerMaxWaitMs: duration(opts, 'lowerMaxWaitMs'),
    urgentGraceMs: duration(opts, 'urgentGraceMs'),
    idleMs: duration(opts, 'idleMs'),
    ...(opts.now ? { now: opts.now } : {}),
    sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  }
  const deps = { script: bucketScript(redis), counter: createApiBudgetCounter(redis, prefix) }
  return {
    forAccount(channel, accountId) {
      return (bucket, plan) =>
        sharedGate(
          deps,
          settings,
          { channel, accountId, bucket, key: bucketKey(prefix, channel, accountId, bucket) },
          plan,
        )
    },
  }
}

/**
 * The hash of one bucket. Braces in a bucket name (`GET /v3/orders/{purchaseOrderId}`) are escaped:
 * Redis Cluster would read the first `{…}` of a key as its hash tag.
 */
export function bucketKey(
  prefix: string,
  channel: string,
  accountId: string,
  bucket: string,
): string {
  const name = bucket.replace(/[{}]/g, (c) => (c === '{' ? '%7B' : '%7D'))
  return `${prefix}:budget:${channel}:${accountId}:${name}`
}

function duration(opts: BudgetOptions, name: keyof typeof DEFAULTS): number {
  const value = opts[name] ?? DEFAULTS[name]
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`API budget: ${name} must be a number of milliseconds ≥ 0 (got ${value})`)
  }
  return value
}
