import { sql, type Kysely } from 'kysely'

/**
 * Personal data (issue #19): redaction of raw bodies after an age, and erasure on request.
 * - `inbox_message.redacted_at`: when the row's personal values were replaced (by age or by an
 *   erasure); a redacted message is no longer what the channel sent, so it is never replayed. The
 *   partial index on `received_at` is what the leader's age redaction reads its next batch from:
 *   it holds only rows still to redact, so it shrinks as they are done.
 * - an index on the snapshot's buyer e-mail, lower-cased: an erasure by e-mail finds the buyer's
 *   orders through it instead of reading every order.
 * - `erasure`: one row per erasure request: what was asked (the e-mail as its SHA-256, never in
 *   clear), by whom, when, and what it changed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inbox_message add column redacted_at timestamptz`.execute(db)
  await sql`
    create index inbox_message_unredacted on inbox_message (received_at)
     where redacted_at is null`.execute(db)
  await sql`
    create index sales_order_customer_email on sales_order (lower(snapshot ->> 'customerEmail'))
     where snapshot ->> 'customerEmail' is not null`.execute(db)
  await sql`
    create table erasure (
      id bigint generated always as identity primary key,
      requested_at timestamptz not null,
      requested_by text not null,
      email_sha256 text,
      order_channel text,
      order_account_id text,
      order_external_id text,
      orders integer not null,
      changed jsonb not null
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table erasure`.execute(db)
  await sql`drop index sales_order_customer_email`.execute(db)
  await sql`drop index inbox_message_unredacted`.execute(db)
  await sql`alter table inbox_message drop column redacted_at`.execute(db)
}
