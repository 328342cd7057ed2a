import { sql, type Kysely } from 'kysely'

/**
 * How each subscription's deliveries carry their event (issue #17), per the CloudEvents HTTP
 * binding: `structured`, the whole event as the JSON body (what every subscription got before),
 * or `binary`, `data` as the body and the other attributes as `ce-` headers. A column with a
 * constant default is added without rewriting the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table subscription add column content_mode text not null default 'structured'
      constraint subscription_content_mode_check check (content_mode in ('structured', 'binary'))`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table subscription drop column content_mode`.execute(db)
}
