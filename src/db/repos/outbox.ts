import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

/**
 * Publishes the next `limit` committed, unpublished events: gives them gap-free feed positions in
 * the order they are published and creates one delivery per matching active or paused subscription, in one
 * transaction. The work, and the reasoning about locking that makes positions safe, is in the
 * `hub_publish_events` function (src/db/functions/hub-publish-events.ts). Returns how many events were published,
 * the ids of the new deliveries, and the SKUs whose available-to-sell changed.
 */
export async function publishNextEvents(
  db: Kysely<Database>,
  limit: number,
): Promise<{ relayed: number; deliveryIds: string[]; stockSkus: string[] }> {
  const { rows } = await sql<{ relayed: number; delivery_ids: string[]; stock_subjects: string[] }>`
    select relayed, delivery_ids, stock_subjects from hub_publish_events(${limit})`.execute(db)
  const row = rows[0]!
  return {
    relayed: row.relayed,
    deliveryIds: row.delivery_ids,
    stockSkus: row.stock_subjects.map((subject) => subject.slice(SKU_SUBJECT.length)),
  }
}

/** The subject prefix of events about one SKU. */
export const SKU_SUBJECT = 'sku/'

export interface FeedQuery {
  readonly after: string
  readonly limit: number
  /** Subscription-style patterns (`order.*`); empty means every type. */
  readonly types: readonly string[]
}

/** Events with a position greater than `after`, in position order. */
export async function readFeed(
  db: Kysely<Database>,
  q: FeedQuery,
): Promise<Array<{ position: string; envelope: Record<string, unknown> }>> {
  let query = db
    .selectFrom('outbox_event')
    .select(['position', 'envelope'])
    .where('position', '>', q.after)
    .orderBy('position')
    .limit(q.limit)
  if (q.types.length > 0) {
    query = query.where(
      sql<boolean>`exists (select 1 from unnest(${[...q.types]}::text[]) p where hub_event_type_matches(p, type))`,
    )
  }
  const rows = await query.execute()
  return rows.map((r) => ({ position: r.position!, envelope: r.envelope }))
}
