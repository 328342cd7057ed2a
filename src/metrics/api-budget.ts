/**
 * API budget metrics per channel account and lane (src/budget/): calls the shared budget granted,
 * 429s the channel answered (each one holds the bucket), calls the budget refused (the job is
 * retried later), and the time callers waited. Channel calls happen in worker processes, which
 * serve no HTTP, so (as for stock pushes, see stock.ts) the counts go into one Redis hash without
 * waiting, and an API process reads it when Prometheus scrapes. A Redis flush resets them, which
 * Prometheus reads as a counter reset.
 */
import type { RedisClient } from '../redis-client.js'
import type { Registry } from 'prom-client'
import { registerStored, type Sample } from './stored.js'

/** What one hash field counts; `wait_ms` is kept in whole milliseconds and exported in seconds. */
export type ApiBudgetMeasure = 'calls' | 'throttled' | 'refused' | 'wait_ms'

export interface ApiBudgetCounter {
  /** Adds `by` to one account's `measure` in `lane`. */
  count(
    channel: string,
    accountId: string,
    lane: string,
    measure: ApiBudgetMeasure,
    by?: number,
  ): void
}

/** One account's use of its budget in one lane, from every process. */
export interface ApiBudgetUse {
  readonly channel: string
  readonly account: string
  readonly lane: string
  readonly calls: number
  readonly throttled: number
  readonly refused: number
  readonly waitSeconds: number
}

// Account ids are lower-case letters, digits, "-" and "_" (config/accounts.ts), lanes and channel
// ids likewise, so "|" never occurs inside a part.
const field = (channel: string, accountId: string, lane: string, measure: ApiBudgetMeasure) =>
  `${channel}|${accountId}|${lane}|${measure}`

export function apiBudgetCounterKey(prefix: string): string {
  return `${prefix}:metrics:api-budget`
}

/** Counts into Redis without waiting: a metric must never slow or fail a channel call. */
export function createApiBudgetCounter(redis: RedisClient, prefix: string): ApiBudgetCounter {
  const key = apiBudgetCounterKey(prefix)
  return {
    count(channel, accountId, lane, measure, by = 1) {
      const amount = Math.round(by)
      if (amount === 0) return
      redis.hincrby(key, field(channel, accountId, lane, measure), amount).catch(() => undefined)
    },
  }
}

/**
 * Every account's use of its budget per lane, or only the accounts `filter` names; a lane appears
 * once anything was counted in it.
 */
export async function readApiBudgetUse(
  redis: RedisClient,
  prefix: string,
  filter: { readonly channel?: string; readonly accountId?: string } = {},
): Promise<ApiBudgetUse[]> {
  const byLane = new Map<string, { -readonly [K in keyof ApiBudgetUse]: ApiBudgetUse[K] }>()
  for (const [name, value] of Object.entries(await redis.hgetall(apiBudgetCounterKey(prefix)))) {
    const [channel, account, lane, measure] = name.split('|')
    if (!channel || !account || !lane || !measure) continue
    if (filter.channel !== undefined && filter.channel !== channel) continue
    if (filter.accountId !== undefined && filter.accountId !== account) continue
    const id = `${channel}|${account}|${lane}`
    let use = byLane.get(id)
    if (!use) {
      use = { channel, account, lane, calls: 0, throttled: 0, refused: 0, waitSeconds: 0 }
      byLane.set(id, use)
    }
    const n = Number(value)
    if (measure === 'calls') use.calls = n
    else if (measure === 'throttled') use.throttled = n
    else if (measure === 'refused') use.refused = n
    else if (measure === 'wait_ms') use.waitSeconds = n / 1000
  }
  return [...byLane.values()]
}

const EXPORTED = [
  {
    name: 'hub_api_calls_total',
    help: "Channel API calls the account's shared budget let through, by channel account and lane (push, hydrate, poll, reconcile, backfill), all processes",
    pick: (u: ApiBudgetUse) => u.calls,
  },
  {
    name: 'hub_api_throttled_total',
    help: 'Channel API calls answered 429 (rate limited by the channel; each holds the bucket for every process until Retry-After), by channel account and lane, all processes',
    pick: (u: ApiBudgetUse) => u.throttled,
  },
  {
    name: 'hub_api_refused_total',
    help: "Channel API calls the account's shared budget refused before sending (the job is retried after the wait it named), by channel account and lane, all processes",
    pick: (u: ApiBudgetUse) => u.refused,
  },
  {
    name: 'hub_api_wait_seconds_total',
    help: "Time channel API calls waited in the account's shared budget, by channel account and lane, all processes",
    pick: (u: ApiBudgetUse) => u.waitSeconds,
  },
] as const

export function registerApiBudgetMetrics(
  registry: Registry,
  deps: { readonly redis: RedisClient; readonly prefix: string },
): void {
  // One read of the hash serves the four metrics of a scrape: prom-client asks every metric at
  // once, before any answer, and the next scrape reads afresh.
  let reading: Promise<ApiBudgetUse[]> | undefined
  const current = () =>
    (reading ??= readApiBudgetUse(deps.redis, deps.prefix).finally(() => {
      reading = undefined
    }))
  for (const m of EXPORTED) {
    registerStored(registry, {
      name: m.name,
      help: m.help,
      type: 'counter',
      async read(): Promise<Sample[]> {
        return (await current()).map((u) => ({
          labels: { channel: u.channel, account: u.account, lane: u.lane },
          value: m.pick(u),
        }))
      },
    })
  }
}
