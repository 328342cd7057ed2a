import { sql, type Kysely } from 'kysely'

/**
 * `json` keeps the envelope's text as written (field order included), so the feed shows events in
 * the contract's field order; jsonb reorders keys. Nothing queries inside the envelope.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox_event alter column envelope type json using envelope::json`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox_event alter column envelope type jsonb using envelope::jsonb`.execute(
    db,
  )
}
