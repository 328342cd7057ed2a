import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { PushRow } from './push-entry.js'

// The reads behind a SKU's history and its explanation. Each goes through an index (named on it)
// and reads at most `limit` rows (plus one, to know there are more).

/** A window of a SKU's history: `since` ≤ at ≤ `until`, the newest `limit` entries. */
export interface HistoryWindow {
  readonly since: Date
  readonly until: Date
  readonly limit: number
}

/**
 * The window's end as an exclusive bound: entries carry times to the millisecond, the database to
 * the microsecond, and an entry shown at `until` (a page's `next`) is in the window.
 */
function untilExclusive(w: HistoryWindow): Date {
  return new Date(w.until.getTime() + 1)
}

/** Adjustments in the window, newest first (`inventory_adjustment_by_sku`). */
export function readAdjustments(db: Kysely<Database>, sku: string, w: HistoryWindow) {
  return db
    .selectFrom('inventory_adjustment')
    .select(['idempotency_key', 'delta', 'reason', 'on_hand_after', 'location', 'applied_at'])
    .where('sku', '=', sku)
    .where('applied_at', '>=', w.since)
    .where('applied_at', '<', untilExclusive(w))
    .orderBy('applied_at', 'desc')
    .limit(w.limit + 1)
    .execute()
}

export interface SkuEventRow {
  readonly id: string
  readonly type: string
  readonly subject: string
  readonly position: string | null
  readonly occurred_at: Date
  readonly recorded_at: Date
  readonly inbox_id: string | null
  readonly data: Record<string, unknown>
}

/**
 * Events whose subject is one of `subjects` (`sku/<sku>`, and `sku/<channel SKU>` of its
 * listings) in the window, newest first (`outbox_event_sku_subject`).
 */
export async function readSkuEvents(
  db: Kysely<Database>,
  subjects: readonly string[],
  w: HistoryWindow,
): Promise<SkuEventRow[]> {
  const { rows } = await sql<SkuEventRow>`
    select id, type, subject, position, occurred_at, recorded_at, inbox_id, envelope -> 'data' as data
      from outbox_event
     where subject = any(${subjects}::text[]) and subject like 'sku/%'
       and recorded_at >= ${w.since} and recorded_at < ${untilExclusive(w)}
     order by recorded_at desc
     limit ${w.limit + 1}`.execute(db)
  return rows
}

/** Pushes in the window, newest first (`stock_push_by_sku`). */
export function readPushes(
  db: Kysely<Database>,
  sku: string,
  w: HistoryWindow,
): Promise<PushRow[]> {
  return db
    .selectFrom('stock_push')
    .selectAll()
    .where('sku', '=', sku)
    .where('at', '>=', w.since)
    .where('at', '<', untilExclusive(w))
    .orderBy('at', 'desc')
    .limit(w.limit + 1)
    .execute()
}

/** How many reserving orders an explanation names. */
export const RESERVING_ORDERS_SHOWN = 5

/** Orders holding units of the SKU, most recently changed first (`reservation_live_by_sku`). */
export async function readReservingOrders(db: Kysely<Database>, sku: string) {
  const { rows } = await sql<{
    channel: string
    account_id: string
    order_id: string
    units: number
    changed: Date
  }>`
    select channel, account_id, order_id, sum(held + consumed - settled)::integer as units,
           max(updated_at) as changed
      from reservation
     where sku = ${sku} and (held > 0 or consumed > settled)
     group by channel, account_id, order_id
     order by changed desc, order_id
     limit ${RESERVING_ORDERS_SHOWN + 1}`.execute(db)
  return rows
}

/** The SKU's newest adjustment (`inventory_adjustment_by_sku`). */
export function readNewestAdjustment(db: Kysely<Database>, sku: string) {
  return db
    .selectFrom('inventory_adjustment')
    .select(['idempotency_key', 'reason', 'applied_at'])
    .where('sku', '=', sku)
    .orderBy('applied_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/**
 * The cause of the level the SKU's on-hand was last set by (counted as of `asOf`): the
 * `inventory.changed.v1` of that level, among the SKU's first events recorded from a little
 * before `asOf` on (a level is recorded after it was counted; a channel's clock may run ahead).
 */
export async function readLevelCause(
  db: Kysely<Database>,
  sku: string,
  asOf: Date,
): Promise<{ channel: string | null; account: string | null } | undefined> {
  const { rows } = await sql<{ channel: string | null; account: string | null }>`
    select e.data -> 'cause' ->> 'channel' as channel, e.data -> 'cause' ->> 'account' as account
      from (select type, occurred_at, envelope -> 'data' as data
              from outbox_event
             where subject = ${`sku/${sku}`} and subject like 'sku/%'
               and recorded_at >= ${asOf}::timestamptz - interval '5 minutes'
             order by recorded_at
             limit 500) e
     where e.type = 'inventory.changed.v1' and e.occurred_at = ${asOf}
       and e.data -> 'cause' ->> 'kind' = 'on-hand-set'
     limit 1`.execute(db)
  return rows[0]
}
