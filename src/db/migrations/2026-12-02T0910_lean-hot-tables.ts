import { sql, type Kysely } from 'kysely'

/**
 * Fewer index entries per webhook on the tables every webhook writes (issue #12). Each index on
 * such a table costs an entry per insert and, for an update that changes an indexed column (the
 * inbox row's status, the event's feed position, the delivery's status), another per update:
 * - `outbox_event_seq_key`: seq is an identity column, unique by construction; the relay's claim
 *   reads `outbox_event_unrelayed`, which stays;
 * - `delivery_subscription`: nothing reads deliveries by subscription except through
 *   `delivery_pending_by_subscription` (pending ones: resume, metrics), which stays;
 * - `inbox_message_status_recent` leaves out normalized messages, nearly all of them: a search for
 *   a rare status (failed, ignored, received) still reads it, and one for normalized messages
 *   walks the primary key newest first, where they are most of the rows anyway.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox_event drop constraint outbox_event_seq_key`.execute(db)
  await sql`drop index delivery_subscription`.execute(db)
  await sql`drop index inbox_message_status_recent`.execute(db)
  await sql`
    create index inbox_message_status_recent on inbox_message (status, id)
     where status <> 'normalized'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index inbox_message_status_recent`.execute(db)
  await sql`create index inbox_message_status_recent on inbox_message (status, id)`.execute(db)
  await sql`create index delivery_subscription on delivery (subscription_id)`.execute(db)
  await sql`alter table outbox_event add constraint outbox_event_seq_key unique (seq)`.execute(db)
}
