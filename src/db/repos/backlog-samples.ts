import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

/** How long samples are kept: the console charts an hour; a day is there to look back on. */
export const BACKLOG_SAMPLES_KEPT_MS = 24 * 3600_000

export interface BacklogCounts {
  readonly inboxUnprocessed: number
  readonly outboxUnpublished: number
  readonly deliveriesPending: number
}

/**
 * Keeps one minute's backlog (`at` on the minute; a second sample of the same minute replaces the
 * first) and drops those older than {@link BACKLOG_SAMPLES_KEPT_MS}, in one statement.
 */
export async function recordBacklogSample(
  db: Kysely<Database>,
  at: Date,
  counts: BacklogCounts,
): Promise<void> {
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000)
  const oldest = new Date(minute.getTime() - BACKLOG_SAMPLES_KEPT_MS)
  await sql`
    with dropped as (delete from backlog_sample where at < ${oldest})
    insert into backlog_sample (at, inbox_unprocessed, outbox_unpublished, deliveries_pending)
    values (${minute}, ${counts.inboxUnprocessed}, ${counts.outboxUnpublished}, ${counts.deliveriesPending})
    on conflict (at) do update set
      inbox_unprocessed = excluded.inbox_unprocessed,
      outbox_unpublished = excluded.outbox_unpublished,
      deliveries_pending = excluded.deliveries_pending`.execute(db)
}

/** The samples from `since` on, oldest first (at most a day's: 1,440 rows). */
export async function backlogSamples(db: Kysely<Database>, since: Date) {
  const rows = await db
    .selectFrom('backlog_sample')
    .selectAll()
    .where('at', '>=', since)
    .orderBy('at')
    .execute()
  return rows.map((r) => ({
    minute: r.at,
    inboxUnprocessed: r.inbox_unprocessed,
    outboxUnpublished: r.outbox_unpublished,
    deliveriesPending: r.deliveries_pending,
  }))
}
