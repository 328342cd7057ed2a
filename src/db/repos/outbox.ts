import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

/**
 * Gives the next `limit` committed, unpositioned events their feed positions.
 *
 * Locking: the single `feed_head` row is locked FOR UPDATE until the caller's transaction ends, so
 * position assignment is serialized even if two relays ever run at once. Positions continue from
 * the head without gaps, and an event that commits late simply gets a later position: a reader
 * paging by `position > N` can never have skipped it. Must run inside a transaction.
 */
export async function assignFeedPositions(
  trx: Kysely<Database>,
  limit: number,
): Promise<Array<{ id: string; type: string }>> {
  const head = await trx
    .selectFrom('feed_head')
    .select('position')
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow()
  const events = await trx
    .selectFrom('outbox_event')
    .select(['id', 'type'])
    .where('position', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .execute()
  if (events.length === 0) return []
  const first = BigInt(head.position) + 1n
  const ids = events.map((e) => e.id)
  const positions = events.map((_, i) => String(first + BigInt(i)))
  await sql`
    update outbox_event o
       set position = v.position, published_at = now()
      from unnest(${ids}::text[], ${positions}::bigint[]) as v(id, position)
     where o.id = v.id`.execute(trx)
  await trx
    .updateTable('feed_head')
    .set({ position: positions[positions.length - 1]! })
    .where('id', '=', 1)
    .execute()
  return events
}

export interface FeedQuery {
  readonly after: string
  readonly limit: number
  /** SQL LIKE patterns or exact types; empty means every type. */
  readonly types: readonly { readonly exact?: string; readonly prefix?: string }[]
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
    query = query.where((eb) =>
      eb.or(
        q.types.map((t) =>
          t.exact !== undefined
            ? eb('type', '=', t.exact)
            : eb('type', 'like', `${escapeLike(t.prefix ?? '')}%`),
        ),
      ),
    )
  }
  const rows = await query.execute()
  return rows.map((r) => ({ position: r.position!, envelope: r.envelope }))
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}
