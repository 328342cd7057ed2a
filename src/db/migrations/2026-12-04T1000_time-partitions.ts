import { sql, type Kysely } from 'kysely'

/**
 * Data lifecycle (issue #19): the four tables that grow with traffic become partitioned by day on
 * the time each row was written by this hub's clock, so retention drops whole partitions
 * (src/pipeline/data-lifecycle.ts) instead of deleting rows:
 *
 * - inbox_message by received_at (when the webhook arrived; never changes),
 * - outbox_event by recorded_at (when the event was derived; occurred_at is the channel's clock),
 * - delivery by created_at (when the relay created it),
 * - delivery_attempt by started_at.
 *
 * A unique constraint of a partitioned table must contain the partition key, so the two global
 * uniqueness rules move to small unpartitioned key tables written in the same statement as the rows
 * (src/db/repos/inbox.ts, src/outbox/append.ts): inbox_dedupe (channel, account, dedupe key) and
 * outbox_event_key (event id). delivery's (event, subscription) uniqueness is dropped: the relay
 * creates a delivery only for an event it publishes, and it publishes each event once (under the
 * feed_head lock). The foreign keys into these tables (delivery → outbox_event, delivery_attempt →
 * delivery, outbox_event → inbox_message, inbox_subject → inbox_message) are dropped: they would
 * need the parent's time column too, and the tables' retentions differ, so a parent may rightly go
 * before its children; inbox_subject rows go with their inbox partition.
 *
 * Partitions: `<table>_history` (MINVALUE to today: the rows already stored, and any written later
 * with an older time), one `<table>_pYYYYMMDD` per UTC day from today to AHEAD_DAYS ahead, and
 * `<table>_overflow` (after the last day to MAXVALUE). No DEFAULT partition: PostgreSQL refuses
 * `DETACH PARTITION … CONCURRENTLY` while one exists ("cannot detach partitions concurrently when
 * a default partition exists"), and retention must never lock the hot path; the two range
 * catch-alls take its place, and the lifecycle task moves the overflow's bound as it adds days.
 */

interface Partitioned {
  readonly table: string
  readonly key: string
  readonly primaryKey: string
  readonly identity?: string
  readonly indexes: readonly string[]
}

const TABLES: readonly Partitioned[] = [
  {
    table: 'inbox_message',
    key: 'received_at',
    primaryKey: 'id, received_at',
    identity: 'id',
    indexes: [
      'create index inbox_message_account_recent on inbox_message (account_id, id)',
      'create index inbox_message_channel_recent on inbox_message (channel, id)',
      'create index inbox_message_received on inbox_message (received_at, id)',
      "create index inbox_message_status_recent on inbox_message (status, id) where status <> 'normalized'",
      "create index inbox_message_unprocessed on inbox_message (id) where status = 'received'",
    ],
  },
  {
    table: 'outbox_event',
    key: 'recorded_at',
    primaryKey: 'id, recorded_at',
    identity: 'seq',
    indexes: [
      'create index outbox_event_inbox on outbox_event (inbox_id)',
      "create index outbox_event_sku_subject on outbox_event (subject, recorded_at) where subject like 'sku/%'",
      'create index outbox_event_unrelayed on outbox_event (seq) where position is null',
      // Unique in fact (the relay gives each position once); the feed's reads walk it.
      'create index outbox_event_position on outbox_event (position)',
    ],
  },
  {
    table: 'delivery',
    key: 'created_at',
    primaryKey: 'id, created_at',
    identity: 'id',
    indexes: [
      "create index delivery_pending on delivery (id) where status = 'pending'",
      "create index delivery_pending_by_subscription on delivery (subscription_id, created_at) where status = 'pending'",
      'create index delivery_event_subscription on delivery (event_id, subscription_id)',
    ],
  },
  {
    table: 'delivery_attempt',
    key: 'started_at',
    primaryKey: 'id, started_at',
    identity: 'id',
    indexes: [
      'create index delivery_attempt_delivery on delivery_attempt (delivery_id)',
      'create index delivery_attempt_failed_recent on delivery_attempt (started_at) where status_code is null or status_code < 200 or status_code >= 300',
    ],
  },
]

/** Days of partitions made ahead of today, as the lifecycle task keeps them. */
const AHEAD_DAYS = 7

/** `YYYY-MM-DD` plus `days` (UTC). */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inbox_subject drop constraint inbox_subject_inbox_id_fkey`.execute(db)
  await sql`alter table outbox_event drop constraint outbox_event_inbox_id_fkey`.execute(db)
  await sql`alter table delivery drop constraint delivery_event_id_fkey`.execute(db)
  await sql`alter table delivery_attempt drop constraint delivery_attempt_delivery_id_fkey`.execute(
    db,
  )

  await sql`
    create table inbox_dedupe (
      channel text not null,
      account_id text not null,
      dedupe_key text not null,
      received_at timestamptz not null,
      primary key (channel, account_id, dedupe_key)
    )`.execute(db)
  await sql`create index inbox_dedupe_received on inbox_dedupe (received_at)`.execute(db)
  await sql`
    insert into inbox_dedupe (channel, account_id, dedupe_key, received_at)
    select channel, account_id, dedupe_key, received_at from inbox_message`.execute(db)
  await sql`
    create table outbox_event_key (id text primary key, recorded_at timestamptz not null)`.execute(
    db,
  )
  await sql`create index outbox_event_key_recorded on outbox_event_key (recorded_at)`.execute(db)
  await sql`insert into outbox_event_key (id, recorded_at) select id, recorded_at from outbox_event`.execute(
    db,
  )

  // The first position still stored (positions start at 1); raised as retention drops outbox days.
  await sql`alter table feed_head add column retained_from bigint not null default 1`.execute(db)
  // Partitions retention held back (unfinished work), for the metric and the log.
  await sql`
    create table partition_hold (
      partition_name text primary key,
      table_name text not null,
      reason text not null,
      since timestamptz not null default now()
    )`.execute(db)

  // Retention of the unpartitioned logs deletes by time, a batch at a time.
  await sql`create index stock_push_at on stock_push (at)`.execute(db)
  await sql`create index audit_log_at on audit_log (at)`.execute(db)

  const today = new Date().toISOString().slice(0, 10)
  for (const t of TABLES) await partition(db, t, today)
  await sql`
    create trigger outbox_event_notify after insert on outbox_event
      for each statement execute function hub_notify_outbox()`.execute(db)
}

async function partition(db: Kysely<any>, t: Partitioned, today: string): Promise<void> {
  const old = `${t.table}_unpartitioned`
  await sql.raw(`alter table ${t.table} rename to ${old}`).execute(db)
  await sql
    .raw(
      `create table ${t.table} (like ${old} including defaults including constraints including compression including storage)
       partition by range (${t.key})`,
    )
    .execute(db)
  await sql
    .raw(
      `create table ${t.table}_history partition of ${t.table}
         for values from (minvalue) to ('${today} 00:00:00+00')`,
    )
    .execute(db)
  for (let d = 0; d <= AHEAD_DAYS; d++) {
    const day = addDays(today, d)
    await sql
      .raw(
        `create table ${t.table}_p${day.replaceAll('-', '')} partition of ${t.table}
           for values from ('${day} 00:00:00+00') to ('${addDays(day, 1)} 00:00:00+00')`,
      )
      .execute(db)
  }
  await sql
    .raw(
      `create table ${t.table}_overflow partition of ${t.table}
         for values from ('${addDays(today, AHEAD_DAYS + 1)} 00:00:00+00') to (maxvalue)`,
    )
    .execute(db)
  await sql.raw(`insert into ${t.table} select * from ${old}`).execute(db)
  if (t.identity) {
    const seq = `${t.table}_${t.identity}_seq`
    const { rows: last } = await sql<{ next: string }>`
      select coalesce((select last_value + 1 from ${sql.table(seq)} where is_called),
                      (select last_value from ${sql.table(seq)})) as next`.execute(db)
    await sql.raw(`drop table ${old}`).execute(db)
    await sql.raw(`create sequence ${seq} owned by ${t.table}.${t.identity}`).execute(db)
    await sql.raw(`select setval('${seq}', ${last[0]!.next}, false)`).execute(db)
    await sql
      .raw(`alter table ${t.table} alter column ${t.identity} set default nextval('${seq}')`)
      .execute(db)
  } else {
    await sql.raw(`drop table ${old}`).execute(db)
  }
  await sql.raw(`alter table ${t.table} add primary key (${t.primaryKey})`).execute(db)
  for (const index of t.indexes) await sql.raw(index).execute(db)
}

/** Indexes of the partitioned tables that replace a plain table's unique constraint. */
const STAND_INS = new Set(['outbox_event_position', 'delivery_event_subscription'])

/** Back to plain tables, with the constraints and foreign keys they had. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [...TABLES].reverse()) await unpartition(db, t)
  await sql`
    create trigger outbox_event_notify after insert on outbox_event
      for each statement execute function hub_notify_outbox()`.execute(db)
  await sql`alter table inbox_message add constraint inbox_message_dedupe unique (channel, account_id, dedupe_key)`.execute(
    db,
  )
  await sql`alter table outbox_event add constraint outbox_event_position_key unique (position)`.execute(
    db,
  )
  await sql`alter table delivery add constraint delivery_event_subscription unique (event_id, subscription_id)`.execute(
    db,
  )
  await sql`alter table delivery_attempt add foreign key (delivery_id) references delivery (id)`.execute(
    db,
  )
  await sql`alter table delivery add foreign key (event_id) references outbox_event (id)`.execute(
    db,
  )
  await sql`alter table outbox_event add foreign key (inbox_id) references inbox_message (id)`.execute(
    db,
  )
  await sql`
    alter table inbox_subject add foreign key (inbox_id) references inbox_message (id) on delete cascade`.execute(
    db,
  )
  await sql`drop index audit_log_at`.execute(db)
  await sql`drop index stock_push_at`.execute(db)
  await sql`drop table partition_hold`.execute(db)
  await sql`alter table feed_head drop column retained_from`.execute(db)
  await sql`drop table outbox_event_key`.execute(db)
  await sql`drop table inbox_dedupe`.execute(db)
}

async function unpartition(db: Kysely<any>, t: Partitioned): Promise<void> {
  const part = `${t.table}_partitioned`
  await sql.raw(`alter table ${t.table} rename to ${part}`).execute(db)
  await sql
    .raw(
      `create table ${t.table} (like ${part} including defaults including constraints including compression including storage)`,
    )
    .execute(db)
  if (t.identity) {
    const seq = `${t.table}_${t.identity}_seq`
    await sql.raw(`alter table ${t.table} alter column ${t.identity} drop default`).execute(db)
    await sql.raw(`alter sequence ${seq} owned by none`).execute(db)
    await sql.raw(`insert into ${t.table} select * from ${part}`).execute(db)
    const { rows } = await sql<{ next: string }>`
      select coalesce((select last_value + 1 from ${sql.table(seq)} where is_called),
                      (select last_value from ${sql.table(seq)})) as next`.execute(db)
    await sql.raw(`drop table ${part} cascade`).execute(db)
    await sql.raw(`drop sequence ${seq}`).execute(db)
    await sql
      .raw(
        `alter table ${t.table} alter column ${t.identity} add generated always as identity (start with ${rows[0]!.next})`,
      )
      .execute(db)
  } else {
    await sql.raw(`insert into ${t.table} select * from ${part}`).execute(db)
    await sql.raw(`drop table ${part} cascade`).execute(db)
  }
  await sql
    .raw(`alter table ${t.table} add primary key (${t.primaryKey.split(',')[0]!})`)
    .execute(db)
  // The plain table's own indexes; those standing in for its unique constraints are left out.
  for (const index of t.indexes.filter((i) => !STAND_INS.has(i.split(' ')[2]!)))
    await sql.raw(index).execute(db)
}
