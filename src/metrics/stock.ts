/**
 * Stock metrics. Pushes happen in worker processes, which serve no HTTP; so their counts are kept
 * in Redis (one hash field per account and outcome, HINCRBY) and read when an API process is
 * scraped, like the queue gauges. A Redis flush resets them, which Prometheus reads as a counter
 * reset. Drift is read from the listings' last reconciliation in PostgreSQL.
 */
import { sql, type Kysely } from 'kysely'
import type { RedisClient } from '../redis-client.js'
import { Gauge, type Registry } from 'prom-client'
import type { Database } from '../db/schema.js'
import { registerStored, type Sample } from './stored.js'

export interface StockCounter {
  /** One stock-channel call of an account ended with `outcome` (applied, queued, throttled, stale, failed, capped, lowered, raised, held, checked, drift). */
  count(channel: string, accountId: string, outcome: string): void
}

const field = (channel: string, accountId: string, outcome: string) =>
  `${channel}|${accountId}|${outcome}`

export function stockCounterKey(prefix: string): string {
  return `${prefix}:metrics:stock-calls`
}

/** Counts into Redis without waiting: a metric must never slow or fail a push. */
export function createStockCounter(redis: RedisClient, prefix: string): StockCounter {
  const key = stockCounterKey(prefix)
  return {
    count(channel, accountId, outcome) {
      redis.hincrby(key, field(channel, accountId, outcome), 1).catch(() => undefined)
    },
  }
}

export function registerStockMetrics(
  registry: Registry,
  deps: { readonly db: Kysely<Database>; readonly redis: RedisClient; readonly prefix: string },
): void {
  registerStored(registry, {
    name: 'hub_stock_calls_total',
    help: 'Stock pushes and reconciliation reads by channel account and outcome (applied, queued, throttled = 429, stale, failed, capped = offered the channel maximum, lowered and raised = partitioned allocation moves, held = not sent while on-hand is unknown, checked, drift), all processes',
    type: 'counter',
    async read() {
      const samples: Sample[] = []
      for (const [name, value] of Object.entries(
        await deps.redis.hgetall(stockCounterKey(deps.prefix)),
      )) {
        const [channel, account, outcome] = name.split('|')
        if (channel && account && outcome)
          samples.push({ labels: { channel, account, outcome }, value: Number(value) })
      }
      return samples
    },
  })
  new Gauge({
    name: 'hub_stock_drift_units',
    help: 'Units by which listings differed from the expected quantity at their last reconciliation (absolute, summed per channel account)',
    labelNames: ['channel', 'account'],
    registers: [registry],
    async collect() {
      this.reset()
      const { rows } = await sql<{ channel: string; account_id: string; units: string }>`
        select channel, account_id, coalesce(sum(abs(last_drift)), 0) as units
          from listing where last_checked_at is not null group by channel, account_id`.execute(
        deps.db,
      )
      for (const r of rows) this.set({ channel: r.channel, account: r.account_id }, Number(r.units))
    },
  })
}
