import { sql, type Kysely, type QueryCreator } from 'kysely'
import type { Database, InventoryItem } from '../schema.js'
import type { ChannelId } from '../../events/index.js'
import type { OrderKey } from './orders.js'

/**
 * Locks the SKUs' items for the rest of the transaction, creating missing ones at zero. Locks are
 * taken in SKU order, so two transactions that touch the same SKUs never deadlock.
 */
export async function lockItems(
  trx: Kysely<Database>,
  skus: readonly string[],
): Promise<Map<string, InventoryItem>> {
  const sorted = [...new Set(skus)].sort()
  if (sorted.length === 0) return new Map()
  await trx
    .insertInto('inventory_item')
    .values(sorted.map((sku) => ({ sku })))
    .onConflict((oc) => oc.column('sku').doNothing())
    .execute()
  const rows = await trx
    .selectFrom('inventory_item')
    .selectAll()
    .where('sku', 'in', sorted)
    .orderBy('sku')
    .forUpdate()
    .execute()
  return new Map(rows.map((r) => [r.sku, r]))
}

/** Units the SKU's live reservations hold: unshipped, and shipped but not yet in an on-hand level. */
export async function sumReservations(trx: Kysely<Database>, sku: string): Promise<number> {
  return (await sumReservationsBySku(trx, [sku])).get(sku) ?? 0
}

/** {@link sumReservations} for many SKUs in one statement; a SKU with none is absent. */
export async function sumReservationsBySku(
  trx: Kysely<Database>,
  skus: readonly string[],
): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map()
  return unitsBySku(await liveUnits(trx, skus).execute())
}

/** Per SKU, the units its live reservations hold (the one place that says what "live" is). */
function liveUnits(qc: QueryCreator<Database>, skus: readonly string[]) {
  return qc
    .selectFrom('reservation')
    .select(['sku', sql<string>`sum(held + consumed - settled)`.as('units')])
    .where('sku', 'in', skus)
    .where((eb) => eb.or([eb('held', '>', 0), eb('consumed', '>', eb.ref('settled'))]))
    .groupBy('sku')
}

const unitsBySku = (rows: ReadonlyArray<{ sku: string; units: string | number }>) =>
  new Map(rows.map((r) => [r.sku, Number(r.units)]))

/**
 * Shipped units an on-hand level as of `asOf` already reflects stop counting as reserved. The
 * caller holds the SKU's item lock.
 */
export async function settleConsumed(
  trx: Kysely<Database>,
  sku: string,
  asOf: Date,
): Promise<void> {
  await settleConsumedMany(trx, new Map([[sku, asOf]]))
}

/** {@link settleConsumed} for many SKUs, each with its own as-of, in one statement. */
export async function settleConsumedMany(
  trx: Kysely<Database>,
  asOf: ReadonlyMap<string, Date>,
): Promise<void> {
  if (asOf.size === 0) return
  const levels = JSON.stringify([...asOf].map(([sku, at]) => ({ sku, as_of: at })))
  await sql`
    update reservation r set settled = r.consumed, updated_at = now()
      from jsonb_to_recordset(${levels}::jsonb) as l(sku text, as_of timestamptz)
     where r.sku = l.sku and r.consumed > r.settled and r.consumed_at < l.as_of`.execute(trx)
}

/** A SKU's ledger row as {@link writeItems} sets it (`ats_changed_at` to `now` when `moved`). */
export interface ItemRow {
  readonly sku: string
  readonly on_hand: number
  readonly on_hand_as_of: Date | null
  readonly safety_stock: number
  readonly reserved: number
  readonly ats: number
  readonly moved: boolean
}

/**
 * Writes the locked items' recomputed rows in one statement, however many SKUs: the rows travel
 * as one JSON parameter (no bind-parameter limit), and a value PostgreSQL refuses (an integer out
 * of range) fails the statement as a column of the table would.
 */
export async function writeItems(
  trx: Kysely<Database>,
  rows: readonly ItemRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return
  await sql`
    update inventory_item i
       set on_hand = v.on_hand, on_hand_as_of = v.on_hand_as_of, safety_stock = v.safety_stock,
           reserved = v.reserved, ats = v.ats,
           ats_changed_at = case when v.moved then ${now} else i.ats_changed_at end,
           updated_at = ${now}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
             sku text, on_hand integer, on_hand_as_of timestamptz, safety_stock integer,
             reserved integer, ats integer, moved boolean)
     where i.sku = v.sku`.execute(trx)
}

/** Rows noting that these SKUs' reservations changed (by this order): their ledger is due a settle. */
export function changeNotes(skus: readonly string[], order: OrderKey) {
  return [...new Set(skus)].map((sku) => ({
    sku,
    channel: order.channel,
    account_id: order.accountId,
    order_id: order.externalId,
  }))
}

/** SKUs with unsettled reservation changes, oldest first: each with the newest change noted. */
export async function changedSkus(db: Kysely<Database>, limit: number) {
  return db
    .selectFrom('inventory_change')
    .select(['sku', (eb) => eb.fn.max('id').as('upto')])
    .groupBy('sku')
    .orderBy((eb) => eb.fn.min('id'))
    .limit(limit)
    .execute()
}

/** The newest change noted for a SKU up to `upto`, and forgets every one up to it. */
export async function takeChanges(
  trx: Kysely<Database>,
  sku: string,
  upto: string,
): Promise<{ channel: ChannelId; account_id: string; order_id: string } | undefined> {
  const taken = await trx
    .deleteFrom('inventory_change')
    .where('sku', '=', sku)
    .where('id', '<=', upto)
    .returning(['id', 'channel', 'account_id', 'order_id'])
    .execute()
  return taken.sort((a, b) => Number(b.id) - Number(a.id))[0]
}

/** An applied adjustment as stored under its idempotency key. */
export interface AdjustmentRow {
  readonly idempotency_key: string
  readonly sku: string
  readonly delta: number
  readonly reason: string | null
  readonly on_hand_after: number
}

/**
 * Claims the adjustments' idempotency keys with one multi-row insert, and in the same statement
 * sums the live reservations of `skus` (see {@link sumReservationsBySku}): the caller holds those
 * SKUs' locks, and every round trip while it does delays everyone waiting for them. A key already
 * stored (or being stored by a transaction that then commits) is not claimed. Rows go in key order,
 * so two batches that share keys wait for each other in one order and never deadlock.
 */
export async function claimAdjustments(
  trx: Kysely<Database>,
  rows: readonly AdjustmentRow[],
  skus: readonly string[],
): Promise<{ claimed: Set<string>; reserved: Map<string, number> }> {
  if (rows.length === 0)
    return { claimed: new Set(), reserved: await sumReservationsBySku(trx, skus) }
  const sorted = [...rows].sort((a, b) => (a.idempotency_key < b.idempotency_key ? -1 : 1))
  const result = await trx
    .with('live', (qc) => liveUnits(qc, skus))
    .with('claimed', (qc) =>
      qc
        .insertInto('inventory_adjustment')
        .values(sorted)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('idempotency_key'),
    )
    .selectNoFrom([
      sql<string[]>`array(select idempotency_key from claimed)`.as('claimed'),
      sql<Array<{ sku: string; units: number }> | null>`(select json_agg(live) from live)`.as(
        'live',
      ),
    ])
    .executeTakeFirstOrThrow()
  return { claimed: new Set(result.claimed), reserved: unitsBySku(result.live ?? []) }
}

/** The stored adjustments of these keys, in one select. */
export async function readAdjustments(
  trx: Kysely<Database>,
  keys: readonly string[],
): Promise<Map<string, AdjustmentRow>> {
  if (keys.length === 0) return new Map()
  const rows = await trx
    .selectFrom('inventory_adjustment')
    .select(['idempotency_key', 'sku', 'delta', 'reason', 'on_hand_after'])
    .where('idempotency_key', 'in', keys)
    .execute()
  return new Map(rows.map((r) => [r.idempotency_key, r]))
}

/** Corrects the running on-hand stored with just-claimed adjustments, in one statement. */
export async function setOnHandAfter(
  trx: Kysely<Database>,
  rows: ReadonlyArray<Pick<AdjustmentRow, 'idempotency_key' | 'on_hand_after'>>,
): Promise<void> {
  if (rows.length === 0) return
  await sql`
    update inventory_adjustment a set on_hand_after = v.on_hand_after
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(idempotency_key text, on_hand_after integer)
     where a.idempotency_key = v.idempotency_key`.execute(trx)
}

export async function readItem(
  db: Kysely<Database>,
  sku: string,
): Promise<InventoryItem | undefined> {
  return db.selectFrom('inventory_item').selectAll().where('sku', '=', sku).executeTakeFirst()
}
