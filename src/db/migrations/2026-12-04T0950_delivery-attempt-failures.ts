import { sql, type Kysely } from 'kysely'

/**
 * The console's chart of failed delivery attempts per minute (issue #18) reads the last hour of
 * them by time. Partial, on failed attempts only (the predicate of `failedAttemptsByMinute` in
 * src/db/repos/deliveries.ts), so a delivered attempt, nearly all of them, writes no entry.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index delivery_attempt_failed_recent on delivery_attempt (started_at)
     where (status_code is null or status_code < 200 or status_code >= 300)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index delivery_attempt_failed_recent`.execute(db)
}
