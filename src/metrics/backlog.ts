import { sql, type Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Database } from '../db/schema.js'

export interface BacklogSnapshot {
  readonly inboxUnprocessed: number
  readonly inboxOldestSeconds: number
  readonly outboxLagSeconds: number
  /** Events not yet given a feed position. */
  readonly outboxUnpublished: number
  readonly feedPosition: number
  readonly deliveriesPending: number
}

/**
 * The hub's backlog in one round trip. Each part reads through a partial index
 * (inbox_message_unprocessed, outbox_event_unrelayed, delivery_pending), so a scrape costs the
 * size of the backlog, not of the tables.
 */
export async function backlogSnapshot(
  db: Kysely<Database>,
  clock: Clock,
): Promise<BacklogSnapshot> {
  const { rows } = await sql<{
    inbox_unprocessed: string
    inbox_oldest: Date | null
    outbox_oldest: Date | null
    outbox_unpublished: string
    feed_position: string
    deliveries_pending: string
  }>`
    select
      (select count(*) from inbox_message where status = 'received') as inbox_unprocessed,
      (select received_at from inbox_message where status = 'received' order by id limit 1) as inbox_oldest,
      (select recorded_at from outbox_event where position is null order by seq limit 1) as outbox_oldest,
      (select count(*) from outbox_event where position is null) as outbox_unpublished,
      (select position from feed_head where id = 1) as feed_position,
      (select count(*) from delivery where status = 'pending') as deliveries_pending
  `.execute(db)
  const row = rows[0]
  const now = clock.now().getTime()
  const age = (at: Date | null | undefined) => (at ? Math.max(0, now - at.getTime()) / 1000 : 0)
  return {
    inboxUnprocessed: Number(row?.inbox_unprocessed ?? 0),
    inboxOldestSeconds: age(row?.inbox_oldest),
    outboxLagSeconds: age(row?.outbox_oldest),
    outboxUnpublished: Number(row?.outbox_unpublished ?? 0),
    feedPosition: Number(row?.feed_position ?? 0),
    deliveriesPending: Number(row?.deliveries_pending ?? 0),
  }
}
