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
  /** A feed position (digits). */
  readonly after: string
  readonly limit: number
  /** Subscription-style patterns (`order.*`); empty means every type. */
  readonly types: readonly string[]
}

export interface FeedPage {
  readonly rows: ReadonlyArray<{
    readonly position: string
    readonly envelope: Record<string, unknown>
  }>
  /**
   * Where the next page starts: the last row's position when the page is full, else the feed's
   * head, since every matching event up to it was read (a filtered reader moves past the events
   * it does not want instead of scanning them again).
   */
  readonly next: string
  /** The last position given out when the page was read. */
  readonly head: string
  /** The first position still stored (retention dropped the ones before it). */
  readonly retainedFrom: string
}

/**
 * Events with a position greater than `after`, in position order, and the feed's head, from one
 * snapshot: the relay advances feed_head in the transaction that assigns the positions, so every
 * position up to the head is visible here and none beyond it exists.
 */
export async function readFeedPage(db: Kysely<Database>, q: FeedQuery): Promise<FeedPage> {
  const typeFilter =
    q.types.length > 0
      ? sql`and exists (select 1 from unnest(${[...q.types]}::text[]) p where hub_event_type_matches(p, e.type))`
      : sql``
  const { rows } = await sql<{
    head: string
    retained_from: string
    position: string | null
    envelope: Record<string, unknown> | null
  }>`
    select h.position as head, h.retained_from, e.position, e.envelope
      from feed_head h
      left join lateral (
        select e.position, e.envelope from outbox_event e
         where e.position > ${q.after} ${typeFilter}
         order by e.position limit ${q.limit}) e on true
     where h.id = 1
     order by e.position`.execute(db)
  const head = rows[0]?.head ?? '0'
  const events = rows.flatMap((r) =>
    r.position === null ? [] : [{ position: r.position, envelope: r.envelope! }],
  )
  const full = events.length === q.limit
  return {
    rows: events,
    head,
    next: full ? events[events.length - 1]!.position : head,
    retainedFrom: rows[0]?.retained_from ?? '1',
  }
}

/** The last position the relay gave out (0 before the first). */
export async function feedHead(db: Kysely<Database>): Promise<string> {
  return (await feedBounds(db)).head
}

/** The feed's head and the first position retention left stored. */
export async function feedBounds(
  db: Kysely<Database>,
): Promise<{ readonly head: string; readonly retainedFrom: string }> {
  const row = await db
    .selectFrom('feed_head')
    .select(['position', 'retained_from'])
    .where('id', '=', 1)
    .executeTakeFirst()
  return { head: row?.position ?? '0', retainedFrom: row?.retained_from ?? '1' }
}
