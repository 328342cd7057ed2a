import { sql, type Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Config } from '../config/index.js'
import {
  attachDay,
  attachedPartitions,
  attachOverflow,
  countRows,
  dayPartitionName,
  deleteOlderThan,
  deleteSubjectsOf,
  detachConcurrently,
  dropTable,
  finalizeDetach,
  holdPartition,
  holdsUnfinishedWork,
  moveBackRows,
  oldestKey,
  overflowOf,
  PARTITIONED,
  raiseFeedFloor,
  releaseHold,
  strayPartitions,
  type Partition,
  type PartitionedTable,
} from '../db/repos/partitions.js'
import type { Database } from '../db/schema.js'
import type { Logger } from '../logger.js'
import { exportPartition } from './partition-export.js'

/** Days of partitions kept ready ahead of today. */
export const AHEAD_DAYS = 7
/** Rows per delete statement when expiring unpartitioned rows. */
const DELETE_BATCH = 5_000
/** Arbitrary constant naming the lifecycle's advisory lock ("hubl" in ASCII). */
const LIFECYCLE_LOCK_KEY = 0x6875626c
const DAY_MS = 86_400_000

export interface LifecycleDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  readonly config: Pick<Config, 'lifecycle'>
}

export interface LifecycleReport {
  /** Partitions attached ahead. */
  readonly created: string[]
  /** Partitions dropped (after export, when configured). */
  readonly dropped: string[]
  /** Partitions past retention kept because they hold unfinished work. */
  readonly held: string[]
  /** Files written to PARTITION_EXPORT_DIR. */
  readonly exported: string[]
  /** Rows each table's overflow partition held: rows past the created days (worth a warning). */
  readonly overflowRows: Partial<Record<PartitionedTable, number>>
  /** Rows deleted from the unpartitioned tables (dedupe keys, event keys, stock pushes, audit). */
  readonly deleted: Record<string, number>
}

/** Each partitioned table's retention, from the configuration. */
function retentionOf(config: Config['lifecycle'], table: PartitionedTable): number {
  switch (table) {
    case 'inbox_message':
      return config.retentionDays.inbox
    case 'outbox_event':
      return config.retentionDays.outbox
    case 'delivery':
    case 'delivery_attempt':
      return config.retentionDays.delivery
  }
}

/**
 * Children before parents: a table's partitions go before those of the table its rows point at
 * (attempts → deliveries → events → messages), so with equal retentions no row outlives what it
 * refers to. The tables have no foreign keys between them (the migration says why).
 */
const DROP_ORDER: readonly PartitionedTable[] = [
  'delivery_attempt',
  'delivery',
  'outbox_event',
  'inbox_message',
]

/** UTC midnight of the day `at` falls in, `days` days on. */
function dayStart(at: Date, days = 0): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS + days * DAY_MS)
}
const dayText = (at: Date) => at.toISOString().slice(0, 10)

/**
 * Runs `work` holding the lifecycle's advisory lock on one connection (its DETACH … CONCURRENTLY
 * statements must run outside a transaction); undefined when another process holds it (it is
 * doing the same work right now).
 */
async function underLock<T>(
  db: Kysely<Database>,
  work: (conn: Kysely<Database>) => Promise<T>,
): Promise<T | undefined> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      locked: boolean
    }>`select pg_try_advisory_lock(${LIFECYCLE_LOCK_KEY}) as locked`.execute(conn)
    if (!rows[0]?.locked) return undefined
    try {
      return await work(conn)
    } finally {
      await sql`select pg_advisory_unlock(${LIFECYCLE_LOCK_KEY})`.execute(conn)
    }
  })
}

/**
 * Makes sure every partitioned table has a partition for today and the AHEAD_DAYS after it, so
 * rows never depend on the overflow partition. Run at start-up (after the migrations) and by the
 * leader. Returns the partitions it attached (empty when another process holds the lock).
 */
export async function ensurePartitions(deps: Omit<LifecycleDeps, 'config'>): Promise<string[]> {
  return (await underLock(deps.db, (conn) => ensureAll({ ...deps, db: conn }))) ?? []
}

async function ensureAll(deps: Omit<LifecycleDeps, 'config'>): Promise<string[]> {
  const created: string[] = []
  for (const table of DROP_ORDER) created.push(...(await ensureAhead(deps, table)))
  return created
}

/**
 * Attaches the days from the last one attached up to AHEAD_DAYS after today. The overflow
 * partition covers everything after the last day, so it is detached (concurrently) first, the
 * days are attached as standalone tables (`ATTACH PARTITION` takes SHARE UPDATE EXCLUSIVE on the
 * parent, where `CREATE TABLE … PARTITION OF` would take ACCESS EXCLUSIVE), any rows it caught for
 * those days are moved into them, and it is attached again after the new last day. While it is
 * detached, a row dated after the last day would be refused: AHEAD_DAYS keeps that far from now.
 */
async function ensureAhead(
  deps: Omit<LifecycleDeps, 'config'>,
  table: PartitionedTable,
): Promise<string[]> {
  const { db, log } = deps
  let parts = await attachedPartitions(db, table)
  for (const p of parts.filter((p) => p.detachPending)) await finalizeDetach(db, table, p.name)
  parts = parts.filter((p) => !p.detachPending)
  const overflow = overflowOf(table)
  const attachedOverflow = parts.find((p) => p.name === overflow)
  const lastEnd = parts
    .filter((p) => p.name !== overflow && p.to !== undefined)
    .reduce<Date | undefined>((end, p) => (end && end > p.to! ? end : p.to), undefined)
  const want = dayStart(deps.clock.now(), AHEAD_DAYS + 1)
  const horizon = lastEnd ?? dayStart(deps.clock.now())
  if (attachedOverflow && horizon >= want) return []
  if (attachedOverflow) await detachConcurrently(db, table, overflow)
  const created: string[] = []
  for (let day = horizon; day < want; day = dayStart(day, 1)) {
    const name = dayPartitionName(table, dayText(day))
    await attachDay(db, table, name, day, dayStart(day, 1))
    created.push(name)
  }
  const stray = await strayPartitions(db, table)
  if (stray.includes(overflow)) {
    const moved = await moveBackRows(db, table, overflow, want)
    if (moved > 0)
      log.warn({ table, moved }, 'moved rows the overflow partition held into their day partitions')
  }
  await attachOverflow(db, table, horizon > want ? horizon : want)
  if (created.length > 0) log.info({ table, created }, 'attached partitions ahead')
  return created
}

/**
 * The data lifecycle, run by the relay leader: partitions ahead, then retention. A partition whose
 * every row is past its table's retention is detached concurrently (the hot path keeps writing),
 * written to PARTITION_EXPORT_DIR when set, and dropped; one holding unfinished work (a message not
 * processed, an event not published, a delivery pending or retrying) is kept, recorded in
 * partition_hold (the `hub_partitions_held` gauge) and tried again next run. Then the
 * unpartitioned rows past retention go, a batch at a time: dedupe and event keys (never before the
 * rows they guard), stock pushes and the audit log.
 */
export async function runLifecycle(deps: LifecycleDeps): Promise<LifecycleReport | undefined> {
  return underLock(deps.db, (conn) => runAll({ ...deps, db: conn }))
}

async function runAll(deps: LifecycleDeps): Promise<LifecycleReport> {
  const report: LifecycleReport = {
    created: await ensureAll(deps),
    dropped: [],
    held: [],
    exported: [],
    overflowRows: {},
    deleted: {},
  }
  for (const table of DROP_ORDER) await dropExpired(deps, table, report)
  for (const table of DROP_ORDER) {
    const rows = await countRows(deps.db, overflowOf(table), 1_000_000)
    report.overflowRows[table] = rows
    if (rows > 0)
      deps.log.warn(
        { table, rows },
        'the overflow partition holds rows dated past the partitions created ahead (clock ahead?)',
      )
  }
  await expireRows(deps, report)
  if (report.held.length > 0)
    deps.log.warn(
      { partitions: report.held },
      'partitions past retention kept: they hold unfinished work; retried next run',
    )
  return report
}

async function dropExpired(
  deps: LifecycleDeps,
  table: PartitionedTable,
  report: LifecycleReport,
): Promise<void> {
  const { db } = deps
  const cutoff = dayStart(deps.clock.now(), -retentionOf(deps.config.lifecycle, table))
  const overflow = overflowOf(table)
  // Detached by a run that stopped before dropping them (a future day whose attach failed is not).
  for (const name of await strayPartitions(db, table)) {
    const day = /_p(\d{4})(\d{2})(\d{2})$/.exec(name)
    if (name === overflow) continue
    if (day && dayStart(new Date(`${day[1]}-${day[2]}-${day[3]}T00:00:00Z`), 1) > cutoff) continue
    await finish(deps, table, name, report)
  }
  const expired = (await attachedPartitions(db, table)).filter(
    (p) => p.name !== overflow && !p.detachPending && p.to !== undefined && p.to <= cutoff,
  )
  for (const p of expired) {
    if (await holdsUnfinishedWork(db, table, p.name)) {
      await hold(deps, table, p.name, report)
      continue
    }
    // Before the rows go: from now on a reader asking for them is told, not skipped past them.
    if (table === 'outbox_event') await raiseFeedFloor(db, p.name)
    await detachConcurrently(db, table, p.name)
    // Work may have been put back into it between the check and the detach (a delivery resent).
    if (await holdsUnfinishedWork(db, table, p.name)) {
      await reattach(db, table, p)
      await hold(deps, table, p.name, report)
      continue
    }
    await finish(deps, table, p.name, report)
  }
}

async function hold(
  deps: LifecycleDeps,
  table: PartitionedTable,
  name: string,
  report: LifecycleReport,
): Promise<void> {
  const reason = `holds unfinished work (${PARTITIONED[table].unfinished ?? 'none'})`
  await holdPartition(deps.db, table, name, reason)
  report.held.push(name)
}

async function reattach(db: Kysely<Database>, table: PartitionedTable, p: Partition) {
  await sql`alter table ${sql.table(table)} attach partition ${sql.table(p.name)}
    for values from (${p.from ? sql.lit(p.from.toISOString()) : sql`minvalue`}) to (${sql.lit(p.to!.toISOString())})`.execute(
    db,
  )
}

/** Exports (when configured) and drops a detached partition, and what only pointed into it. */
async function finish(
  deps: LifecycleDeps,
  table: PartitionedTable,
  name: string,
  report: LifecycleReport,
): Promise<void> {
  const { db, log } = deps
  if (table === 'outbox_event') await raiseFeedFloor(db, name)
  const dir = deps.config.lifecycle.exportDir
  if (dir) {
    const { file, rows } = await exportPartition(db, dir, name)
    report.exported.push(file)
    log.info({ partition: name, file, rows }, 'exported partition before dropping it')
  }
  if (table === 'inbox_message') await deleteSubjectsOf(db, name, DELETE_BATCH)
  await dropTable(db, name)
  await releaseHold(db, name)
  report.dropped.push(name)
  log.info({ table, partition: name }, 'dropped partition past its retention')
}

async function expireRows(deps: LifecycleDeps, report: LifecycleReport): Promise<void> {
  const { db, config } = deps
  const now = deps.clock.now()
  const days = config.lifecycle.retentionDays
  // A key goes with its retention, and never while a row it guards is still stored.
  const expireKeys = async (
    keys: 'inbox_dedupe' | 'outbox_event_key',
    column: 'received_at' | 'recorded_at',
    guarded: 'inbox_message' | 'outbox_event',
    retentionDays: number,
  ) => {
    const cutoff = dayStart(now, -retentionDays)
    const oldest = await oldestKey(db, guarded)
    report.deleted[keys] = await deleteOlderThan(
      db,
      keys,
      column,
      oldest && oldest < cutoff ? oldest : cutoff,
      DELETE_BATCH,
    )
  }
  await expireKeys('inbox_dedupe', 'received_at', 'inbox_message', days.inbox)
  await expireKeys('outbox_event_key', 'recorded_at', 'outbox_event', days.outbox)
  for (const [table, retentionDays] of [
    ['stock_push', days.stockPush],
    ['audit_log', days.audit],
  ] as const)
    report.deleted[table] = await deleteOlderThan(
      db,
      table,
      'at',
      new Date(now.getTime() - retentionDays * DAY_MS),
      DELETE_BATCH,
    )
}

/**
 * The leader's handle on the lifecycle: `tick()` at every sweep starts a run once per
 * `intervalMs`, in the background, so the relay loop never waits for a DETACH … CONCURRENTLY
 * (which waits for every transaction older than it).
 */
export function createDataLifecycle(deps: LifecycleDeps, opts: { readonly intervalMs: number }) {
  let last = -Infinity
  let running: Promise<void> | undefined
  return {
    tick(): void {
      const now = deps.clock.now().getTime()
      if (running || now - last < opts.intervalMs) return
      last = now
      running = runLifecycle(deps)
        .then(() => undefined)
        .catch((err: unknown) => deps.log.warn({ err }, 'data lifecycle run failed; will retry'))
        .finally(() => (running = undefined))
    },
    /** Waits for a run in progress (shutdown). */
    drain: async () => {
      await running
    },
  }
}
