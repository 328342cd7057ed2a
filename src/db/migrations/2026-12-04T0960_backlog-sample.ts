import { sql, type Kysely } from 'kysely'

/**
 * The pipeline's backlog once a minute (issue #18): the console's backlog chart. The counts are
 * of now only (what `/metrics` reads), so a past minute's exists only if someone kept it; the
 * relay leader does, and keeps a day of them (src/db/repos/backlog-samples.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table backlog_sample (
      at timestamptz primary key,
      inbox_unprocessed integer not null,
      outbox_unpublished integer not null,
      deliveries_pending integer not null
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table backlog_sample`.execute(db)
}
