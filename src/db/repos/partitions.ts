import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

/**
 * The tables partitioned by day (migration 2026-12-04T1000_time-partitions): each one's partition
 * key, and what in a partition is work still to do, which retention never drops.
 */
export const PARTITIONED = {
  inbox_message: { key: 'received_at', unfinished: "status = 'received'" },
  outbox_event: { key: 'recorded_at', unfinished: 'position is null' },
  // A retrying delivery is `pending` too (its attempts count up).
  delivery: { key: 'created_at', unfinished: "status = 'pending'" },
  delivery_attempt: { key: 'started_at', unfinished: undefined },
} as const satisfies Record<string, { key: string; unfinished: string | undefined }>
export type PartitionedTable = keyof typeof PARTITIONED

export interface Partition {
  readonly name: string
  /** Undefined: MINVALUE. */
  readonly from: Date | undefined
  /** Undefined: MAXVALUE. */
  readonly to: Date | undefined
  /** A `DETACH … CONCURRENTLY` that did not finish (its session ended between the two steps). */
  readonly detachPending: boolean
}

export const overflowOf = (table: PartitionedTable) => `${table}_overflow`
export const dayPartitionName = (table: PartitionedTable, day: string) =>
  `${table}_p${day.replaceAll('-', '')}`

/** The partitions attached to `table`, in bound order. */
export async function attachedPartitions(
  db: Kysely<Database>,
  table: PartitionedTable,
): Promise<Partition[]> {
  const { rows } = await sql<{ name: string; bound: string; pending: boolean }>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound, i.inhdetachpending as pending
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = ${table}::regclass`.execute(db)
  return rows
    .map((r) => ({ name: r.name, ...parseBound(r.bound), detachPending: r.pending }))
    .sort((a, b) => (a.from?.getTime() ?? -Infinity) - (b.from?.getTime() ?? -Infinity))
}

/** `FOR VALUES FROM ('2026-12-04 00:00:00+00') TO (MAXVALUE)` → its two ends. */
function parseBound(bound: string): { from: Date | undefined; to: Date | undefined } {
  const m = /FROM \((.+)\) TO \((.+)\)/.exec(bound)
  if (!m) throw new Error(`unexpected partition bound: ${bound}`)
  const end = (text: string) => (/^'/.test(text) ? new Date(text.slice(1, -1)) : undefined)
  return { from: end(m[1]!), to: end(m[2]!) }
}

/**
 * Tables named like `table`'s partitions that are attached to nothing: a lifecycle run that
 * detached them and stopped before dropping them (or, for the overflow, before attaching it again).
 */
export async function strayPartitions(
  db: Kysely<Database>,
  table: PartitionedTable,
): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c
     where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace
       and (c.relname ~ ${`^${table}_p[0-9]{8}$`} or c.relname in (${`${table}_history`}, ${overflowOf(table)}))
       and not c.relispartition
     order by c.relname`.execute(db)
  return rows.map((r) => r.name)
}

/** A standalone table shaped like `table`, attached for [from, to): no lock on the parent beyond SHARE UPDATE EXCLUSIVE. */
export async function attachDay(
  db: Kysely<Database>,
  table: PartitionedTable,
  name: string,
  from: Date,
  to: Date,
): Promise<void> {
  await sql`create table if not exists ${sql.table(name)} (like ${sql.table(table)}
    including defaults including constraints including compression including storage)`.execute(db)
  await sql`alter table ${sql.table(table)} attach partition ${sql.table(name)}
    for values from (${sql.lit(from.toISOString())}) to (${sql.lit(to.toISOString())})`.execute(db)
}

/** Attaches the overflow partition from `from` to MAXVALUE, creating it if it is missing. */
export async function attachOverflow(
  db: Kysely<Database>,
  table: PartitionedTable,
  from: Date,
): Promise<void> {
  const name = overflowOf(table)
  await sql`create table if not exists ${sql.table(name)} (like ${sql.table(table)}
    including defaults including constraints including compression including storage)`.execute(db)
  await sql`alter table ${sql.table(table)} attach partition ${sql.table(name)}
    for values from (${sql.lit(from.toISOString())}) to (maxvalue)`.execute(db)
}

/**
 * Detaches a partition without blocking writers or readers of the parent (it waits for them
 * instead). Must run outside a transaction, so on a pool connection of its own.
 */
export async function detachConcurrently(
  db: Kysely<Database>,
  table: PartitionedTable,
  name: string,
): Promise<void> {
  await sql`alter table ${sql.table(table)} detach partition ${sql.table(name)} concurrently`.execute(
    db,
  )
}

/** Completes a detach whose second step never ran. */
export async function finalizeDetach(
  db: Kysely<Database>,
  table: PartitionedTable,
  name: string,
): Promise<void> {
  await sql`alter table ${sql.table(table)} detach partition ${sql.table(name)} finalize`.execute(
    db,
  )
}

/** Moves the rows of a detached partition with a key before `before` back into the parent. */
export async function moveBackRows(
  db: Kysely<Database>,
  table: PartitionedTable,
  name: string,
  before: Date,
): Promise<number> {
  const key = sql.ref(PARTITIONED[table].key)
  const { rows } = await sql<{ moved: number }>`
    with moved as (delete from ${sql.table(name)} where ${key} < ${before} returning *),
    placed as (insert into ${sql.table(table)} select * from moved returning 1)
    select count(*)::int as moved from placed`.execute(db)
  return rows[0]!.moved
}

/** Whether the partition holds work retention must not drop (always false for a table without any). */
export async function holdsUnfinishedWork(
  db: Kysely<Database>,
  table: PartitionedTable,
  name: string,
): Promise<boolean> {
  const unfinished = PARTITIONED[table].unfinished
  if (unfinished === undefined) return false
  const { rows } = await sql<{ held: boolean }>`
    select exists (select 1 from ${sql.table(name)} where ${sql.raw(unfinished)}) as held`.execute(
    db,
  )
  return rows[0]!.held
}

/** Rows in a partition, counting at most `cap` (the overflow's gauge: any is worth a warning). */
export async function countRows(db: Kysely<Database>, name: string, cap: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from ${sql.table(name)} limit ${cap}) r`.execute(db)
  return rows[0]!.n
}

export async function dropTable(db: Kysely<Database>, name: string): Promise<void> {
  await sql`drop table if exists ${sql.table(name)}`.execute(db)
}

/** Records (or keeps) that a partition past its retention was kept for its unfinished work. */
export async function holdPartition(
  db: Kysely<Database>,
  table: PartitionedTable,
  name: string,
  reason: string,
): Promise<void> {
  await db
    .insertInto('partition_hold')
    .values({ partition_name: name, table_name: table, reason })
    .onConflict((oc) => oc.column('partition_name').doUpdateSet({ reason }))
    .execute()
}

export async function releaseHold(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('partition_hold').where('partition_name', '=', name).execute()
}

/** Partitions kept past their retention for unfinished work, per table (the metric). */
export async function heldPartitions(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('partition_hold')
    .select(['table_name', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('table_name')
    .execute()
  return new Map(rows.map((r) => [r.table_name, Number(r.n)]))
}

/**
 * Raises the feed's retained floor to just past the highest position in an outbox partition about
 * to be dropped, before it goes: a reader asking for an older position is then told (410) rather
 * than silently given the positions after the gap.
 */
export async function raiseFeedFloor(db: Kysely<Database>, partition: string): Promise<void> {
  await sql`
    update feed_head set retained_from = greatest(retained_from,
      coalesce((select max(position) + 1 from ${sql.table(partition)}), retained_from))
     where id = 1`.execute(db)
}

/**
 * Deletes the inbox_subject rows of the messages in a detached inbox partition (they had a foreign
 * key with `on delete cascade` before the inbox was partitioned), walking the partition's ids
 * `batch` at a time (ids are not ordered by day near midnight, so only the partition's own).
 */
export async function deleteSubjectsOf(
  db: Kysely<Database>,
  partition: string,
  batch: number,
): Promise<number> {
  let total = 0
  let after = '0'
  for (;;) {
    const { rows } = await sql<{ upto: string | null; deleted: number }>`
      with ids as (
        select id from ${sql.table(partition)} where id > ${after} order by id limit ${batch}
      ), gone as (
        delete from inbox_subject s using ids where s.inbox_id = ids.id returning 1
      )
      select (select max(id) from ids) as upto, (select count(*) from gone)::int as deleted`.execute(
      db,
    )
    const upto = rows[0]?.upto
    if (!upto) return total
    total += rows[0]!.deleted
    after = upto
  }
}

/**
 * Deletes rows of an unpartitioned table older than `before`, `batch` at a time (short
 * transactions: no long lock, no bloat burst). Returns how many went.
 */
export async function deleteOlderThan(
  db: Kysely<Database>,
  table: 'inbox_dedupe' | 'outbox_event_key' | 'stock_push' | 'audit_log',
  column: 'received_at' | 'recorded_at' | 'at',
  before: Date,
  batch: number,
): Promise<number> {
  let total = 0
  for (;;) {
    const { numAffectedRows } = await sql`
      delete from ${sql.table(table)} where ctid in (
        select ctid from ${sql.table(table)} where ${sql.ref(column)} < ${before} limit ${batch})`.execute(
      db,
    )
    const n = Number(numAffectedRows ?? 0)
    total += n
    if (n < batch) return total
  }
}

/** The oldest key still stored in a partitioned table (index-driven: each partition's min). */
export async function oldestKey(
  db: Kysely<Database>,
  table: 'inbox_message' | 'outbox_event',
): Promise<Date | undefined> {
  const key = sql.ref(PARTITIONED[table].key)
  const { rows } = await sql<{ oldest: Date | null }>`
    select min(${key}) as oldest from ${sql.table(table)}`.execute(db)
  return rows[0]?.oldest ?? undefined
}
