/**
 * Named consumers' lag in `/metrics`, read from PostgreSQL at scrape time (so every API process
 * reports the same): one statement for every consumer, shared by both gauges.
 */
import type { Kysely } from 'kysely'
import { Gauge, type Registry } from 'prom-client'
import type { Clock } from '../clock.js'
import { consumerLag, consumersWithLag, LAG_WINDOW_POSITIONS } from '../db/repos/consumers.js'
import type { Database } from '../db/schema.js'
import { sharedRead } from './shared-read.js'

export function registerConsumerMetrics(
  registry: Registry,
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
): void {
  const read = sharedRead(() => consumersWithLag(deps.db))
  const gauge = (
    name: string,
    help: string,
    value: (lag: ReturnType<typeof consumerLag>) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['consumer'],
      registers: [registry],
      async collect() {
        this.reset()
        const now = deps.clock.now()
        for (const row of await read())
          this.set({ consumer: row.name }, value(consumerLag(row, now)))
      },
    })
  gauge(
    'hub_consumer_lag_events',
    `Events matching a named consumer's filter after its committed position, counted over at most the ${LAG_WINDOW_POSITIONS} positions after it`,
    (lag) => lag.events,
  )
  gauge(
    'hub_consumer_lag_seconds',
    'Age of the oldest of those events (since it was published to the feed); 0 when the consumer is caught up',
    (lag) => lag.seconds,
  )
}
