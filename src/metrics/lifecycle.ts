/**
 * The data lifecycle in `/metrics`, read from PostgreSQL at scrape time (src/pipeline/data-lifecycle.ts
 * runs in the leader; every API process reports the same): partitions retention kept for their
 * unfinished work, rows caught by the overflow partitions, and the feed's retained floor.
 */
import type { Kysely } from 'kysely'
import { Gauge, type Registry } from 'prom-client'
import {
  countRows,
  heldPartitions,
  overflowOf,
  PARTITIONED,
  type PartitionedTable,
} from '../db/repos/partitions.js'
import { feedBounds } from '../db/repos/outbox.js'
import type { Database } from '../db/schema.js'

/** An overflow partition is counted up to this many rows: any at all deserves the warning. */
const OVERFLOW_COUNT_CAP = 10_000

export function registerLifecycleMetrics(
  registry: Registry,
  deps: { readonly db: Kysely<Database> },
): void {
  const tables = Object.keys(PARTITIONED) as PartitionedTable[]
  new Gauge({
    name: 'hub_partitions_held',
    help: 'Partitions past their retention kept because they still hold unfinished work (unprocessed messages, unpublished events, pending deliveries); retried at every lifecycle run',
    labelNames: ['table'],
    registers: [registry],
    async collect() {
      const held = await heldPartitions(deps.db)
      for (const table of tables) this.set({ table }, held.get(table) ?? 0)
    },
  })
  new Gauge({
    name: 'hub_partition_overflow_rows',
    help: `Rows in a table's overflow partition: dated after the days partitioned ahead (a clock ahead, or a leader away); counted up to ${OVERFLOW_COUNT_CAP}`,
    labelNames: ['table'],
    registers: [registry],
    async collect() {
      for (const table of tables)
        this.set({ table }, await countRows(deps.db, overflowOf(table), OVERFLOW_COUNT_CAP))
    },
  })
  new Gauge({
    name: 'hub_feed_retained_from',
    help: 'The oldest feed position still stored; reading after an older one is answered 410 Gone',
    registers: [registry],
    async collect() {
      this.set(Number((await feedBounds(deps.db)).retainedFrom))
    },
  })
}
