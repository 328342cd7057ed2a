import { sql, type Kysely, type QueryCreator } from 'kysely'
import type { Database, InventoryItem } from '../schema.js'
import type { ChannelId } from '../../events/index.js'

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
 * Shipped units an on-hand level as of `asOf` (per SKU) already reflects stop counting as reserved.
 * The caller holds the SKUs' item locks. Like an order's reservation change, the settle is noted
 * per order with what it changed the SKU's live units by (`reserved_delta`), in the same
 * statement as the change: `reserved` only ever moves by taking notes (`takeChanges`), so it always
 * equals the live units as of some consistent snapshot, never a mix. The rows are locked and read
 * first, in their own statement, so each delta is computed from the values it replaces even if an
 * order's transaction changed them meanwhile. Returns how many rows it settled.
 */
export async function settleConsumedMany(
  trx: Kysely<Database>,
  asOf: ReadonlyMap<string, Date>,
): Promise<number> {
  if (asOf.size === 0) return 0
  const levels = JSON.stringify([...asOf].map(([sku, at]) => ({ sku, as_of: at })))
  const { rows } = await sql<ReservationKey & { sku: string; units: number }>`
    select r.channel, r.account_id, r.order_id, r.line_id, r.sku, r.consumed - r.settled as units
      from reservation r
      join jsonb_to_recordset(${levels}::jsonb) as l(sku text, as_of timestamptz) on r.sku = l.sku
     where r.sku = any(${[...asOf.keys()]}::text[])
       and r.consumed > r.settled and r.consumed_at < l.as_of
     order by r.channel, r.account_id, r.order_id, r.line_id
       for update of r`.execute(trx)
  if (rows.length === 0) return 0
  const notes = new Map<
    string,
    { sku: string; channel: string; account_id: string; order_id: string; reserved_delta: number }
  >()
  for (const r of rows) {
    const key = `${r.sku}\u001f${r.channel}\u001f${r.account_id}\u001f${r.order_id}`
    const note = notes.get(key) ?? {
      sku: r.sku,
      channel: r.channel,
      account_id: r.account_id,
      order_id: r.order_id,
      reserved_delta: 0,
    }
    note.reserved_delta -= r.units
    notes.set(key, note)
  }
  await sql`
    with settled as (
      update reservation r set settled = r.consumed, updated_at = now()
        from json_to_recordset(${JSON.stringify(rows)}::json) as k(channel text, account_id text,
             order_id text, line_id text)
       where r.channel = any(${[...new Set(rows.map((r) => r.channel))]}::text[])
         and r.account_id = any(${[...new Set(rows.map((r) => r.account_id))]}::text[])
         and r.order_id = any(${[...new Set(rows.map((r) => r.order_id))]}::text[])
         and r.channel = k.channel and r.account_id = k.account_id and r.order_id = k.order_id
         and r.line_id = k.line_id
    )
    insert into inventory_change (sku, channel, account_id, order_id, reserved_delta)
    select n.sku, n.channel, n.account_id, n.order_id, n.reserved_delta
      from json_to_recordset(${JSON.stringify([...notes.values()])}::json) as n(sku text,
           channel text, account_id text, order_id text, reserved_delta integer)`.execute(trx)
  return rows.length
}

/** A reservation row's key. */
export interface ReservationKey {
  readonly channel: ChannelId
  readonly account_id: string
  readonly order_id: string
  readonly line_id: string
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
  readonly on_hand_known: boolean
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
           reserved = v.reserved, ats = v.ats, on_hand_known = i.on_hand_known or v.on_hand_known,
           ats_changed_at = case when v.moved then ${now} else i.ats_changed_at end,
           updated_at = ${now}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
             sku text, on_hand integer, on_hand_as_of timestamptz, safety_stock integer,
             reserved integer, ats integer, moved boolean, on_hand_known boolean)
     where i.sku = any(${rows.map((r) => r.sku)}::text[]) and i.sku = v.sku`.execute(trx)
}

/** SKUs with unsettled reservation changes, oldest first. */
export async function changedSkus(db: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('inventory_change')
    .select('sku')
    .groupBy('sku')
    .orderBy((eb) => eb.fn.min('id'))
    .limit(limit)
    .execute()
  return rows.map((r) => r.sku)
}

/** What the notes of one SKU, taken together, say (see {@link takeChanges}). */
export interface TakenChanges {
  /** Their total change of live units; `recount` if a note predates deltas (re-sum the SKU). */
  readonly delta: number | 'recount'
  /** The newest note's order: the cause an event names. */
  readonly newest: { channel: ChannelId; account_id: string; order_id: string }
  /** The newest note's id: with the SKU, it names the change (event ids). */
  readonly upto: string
}

/**
 * Takes (deletes) every committed change note of the SKUs and returns, per SKU that had any, what
 * they add up to. The caller holds the SKUs' item locks and adds the deltas to `reserved`, so each
 * note counts exactly once: notes are only ever appended, and one committed after this statement
 * began is left for the next taker.
 */
export async function takeChanges(
  trx: Kysely<Database>,
  skus: readonly string[],
): Promise<Map<string, TakenChanges>> {
  const taken = new Map<string, TakenChanges>()
  if (skus.length === 0) return taken
  const rows = await trx
    .deleteFrom('inventory_change')
    .where('sku', '=', sql<string>`any(${[...new Set(skus)]}::text[])`)
    .returning(['id', 'sku', 'channel', 'account_id', 'order_id', 'reserved_delta'])
    .execute()
  for (const r of rows) {
    const prev = taken.get(r.sku)
    const delta =
      r.reserved_delta === null || prev?.delta === 'recount'
        ? 'recount'
        : (prev?.delta ?? 0) + r.reserved_delta
    const newer = !prev || BigInt(r.id) > BigInt(prev.upto)
    taken.set(r.sku, {
      delta,
      newest: newer
        ? { channel: r.channel, account_id: r.account_id, order_id: r.order_id }
        : prev.newest,
      upto: newer ? r.id : prev.upto,
    })
  }
  return taken
}

/** An applied adjustment as stored under its idempotency key. */
export interface AdjustmentRow {
  readonly idempotency_key: string
  readonly sku: string
  readonly delta: number
  readonly reason: string | null
  readonly on_hand_after: number
  readonly location: string
}

/**
 * Claims the adjustments' idempotency keys with one multi-row insert. A key already stored (or
 * being stored by a transaction that then commits) is not claimed. Rows go in key order, so two
 * batches that share keys wait for each other in one order and never deadlock.
 */
export async function claimAdjustments(
  trx: Kysely<Database>,
  rows: readonly AdjustmentRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set()
  const sorted = [...rows].sort((a, b) => (a.idempotency_key < b.idempotency_key ? -1 : 1))
  const claimed = await trx
    .insertInto('inventory_adjustment')
    .values(sorted)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('idempotency_key')
    .execute()
  return new Set(claimed.map((r) => r.idempotency_key))
}

/** The stored adjustments of these keys, in one select. */
export async function readAdjustments(
  trx: Kysely<Database>,
  keys: readonly string[],
): Promise<Map<string, AdjustmentRow>> {
  if (keys.length === 0) return new Map()
  const rows = await trx
    .selectFrom('inventory_adjustment')
    .select(['idempotency_key', 'sku', 'delta', 'reason', 'on_hand_after', 'location'])
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
     where a.idempotency_key = any(${rows.map((r) => r.idempotency_key)}::text[])
       and a.idempotency_key = v.idempotency_key`.execute(trx)
}

export async function readItem(
  db: Kysely<Database>,
  sku: string,
): Promise<InventoryItem | undefined> {
  return db.selectFrom('inventory_item').selectAll().where('sku', '=', sku).executeTakeFirst()
}

/** One location's stock of a SKU as the ledger keeps it. */
export interface LocationLevel {
  readonly onHand: number
  /** The as-of of the location's last absolute level; null: none yet (adjustments only). */
  readonly asOf: Date | null
}

/** A location's row as {@link writeLocationLevels} sets it. */
export interface LocationLevelRow {
  readonly sku: string
  readonly location: string
  readonly on_hand: number
  readonly on_hand_as_of: Date | null
}

/**
 * The SKUs' locations, per SKU by location name; a SKU with none is absent. The caller holds the
 * SKUs' item locks: location rows change only under them, so they need no lock of their own.
 */
export async function readLocationLevels(
  db: Kysely<Database>,
  skus: readonly string[],
): Promise<Map<string, Map<string, LocationLevel>>> {
  const bySku = new Map<string, Map<string, LocationLevel>>()
  if (skus.length === 0) return bySku
  const rows = await db
    .selectFrom('inventory_location_level')
    .select(['sku', 'location', 'on_hand', 'on_hand_as_of'])
    .where('sku', '=', sql<string>`any(${[...new Set(skus)]}::text[])`)
    .orderBy('sku')
    .orderBy('location')
    .execute()
  for (const r of rows) {
    const levels = bySku.get(r.sku) ?? new Map<string, LocationLevel>()
    levels.set(r.location, { onHand: r.on_hand, asOf: r.on_hand_as_of })
    bySku.set(r.sku, levels)
  }
  return bySku
}

/** Creates or replaces the locations' rows in one statement, however many (as {@link writeItems}). */
export async function writeLocationLevels(
  trx: Kysely<Database>,
  rows: readonly LocationLevelRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return
  await sql`
    insert into inventory_location_level (sku, location, on_hand, on_hand_as_of, updated_at)
    select v.sku, v.location, v.on_hand, v.on_hand_as_of, ${now}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
             sku text, location text, on_hand integer, on_hand_as_of timestamptz)
     order by v.sku, v.location
    on conflict (sku, location) do update set
      on_hand = excluded.on_hand, on_hand_as_of = excluded.on_hand_as_of,
      updated_at = excluded.updated_at`.execute(trx)
}
