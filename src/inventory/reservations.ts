import { sql, type Kysely } from 'kysely'
import { internalSkuKey, internalSkusOf } from '../db/repos/listings.js'
import { orderKeyString, type OrderKey } from '../db/repos/orders.js'
import type { ReservationWrites } from '../db/repos/reservations.js'
import type { Database } from '../db/schema.js'
import type { OrderLine, OrderSnapshot } from '../events/index.js'

/** What one order line holds of its SKU, decided by the order's current snapshot alone. */
export interface LineHold {
  /** Units reserved and not shipped. */
  readonly held: number
  /** Units shipped. */
  readonly consumed: number
}

/**
 * A line's hold under the order's status: a cancelled order holds nothing it has not shipped; a
 * fulfilled one has shipped everything; otherwise the unshipped units are held. Because it
 * depends only on the stored snapshot, which a stale snapshot never replaces, the same webhook
 * twice or out of order reserves the same units.
 */
export function lineHold(status: OrderSnapshot['status'], line: OrderLine): LineHold {
  const shipped = Math.min(line.quantityFulfilled, line.quantity)
  switch (status) {
    case 'cancelled':
      return { held: 0, consumed: shipped }
    case 'fulfilled':
    case 'delivered':
      return { held: 0, consumed: line.quantity }
    case 'pending':
    case 'awaiting_fulfillment':
    case 'partially_fulfilled':
      return { held: line.quantity - shipped, consumed: shipped }
  }
}

/** A line's reservation as stored. */
interface Row {
  readonly lineId: string
  readonly sku: string
  readonly held: number
  readonly consumed: number
  /** The location the line names, as the channel names it; null: none. */
  readonly location: string | null
}

/** A stored row with what decides its live units and its consumption time. */
interface StoredRow extends Row {
  readonly settled: number
  readonly consumedAt: Date | null
}

/** Units a reservation counts in its SKU's `reserved`: unshipped, and shipped but not yet settled. */
const live = (r: { held: number; consumed: number; settled: number }) =>
  r.held + r.consumed - r.settled

export interface OrderToReserve {
  readonly key: OrderKey
  /** The order's stored snapshot. */
  readonly snapshot: OrderSnapshot
  /** False for an order inserted by this transaction: it has no reservations yet to read. */
  readonly known: boolean
}

/**
 * How orders' reservations follow their stored snapshots, inside the caller's transaction (which
 * holds the orders' row locks): {@link planReservations} decides, `writeReservations` or the
 * caller's own last statement (`reservationWrites`, both in db/repos/reservations.ts) writes, and
 * each SKU gets a note of how much its live units changed. The SKUs' `reserved` and ats are brought up to date by whoever next
 * holds the SKU's lock and takes the notes (`reservationsNow`), outside this transaction: an order
 * never waits on its SKU's row, which every order of a best-seller would otherwise queue for (one
 * at a time, commit included). Lines without a SKU reserve nothing; a line gone from the snapshot
 * releases what it held.
 */

/**
 * What {@link reserveOrders} writes, decided from the orders' current reservations (read locked,
 * so a settle of shipped units cannot change them between this read and the write) and the
 * channel-to-internal SKU mapping; a caller may write it with its own last statement
 * (`reservationWrites`).
 */
export async function planReservations(
  trx: Kysely<Database>,
  orders: readonly OrderToReserve[],
): Promise<ReservationWrites> {
  const existing = await lockReservations(
    trx,
    orders.filter((o) => o.known).map((o) => o.key),
  )
  const channelSkus = orders.flatMap((o) =>
    o.snapshot.lines.flatMap((l) =>
      l.sku === null
        ? []
        : [{ channel: o.key.channel, accountId: o.key.accountId, channelSku: l.sku }],
    ),
  )
  const mapped =
    channelSkus.length > 0 ? await internalSkusOf(trx, channelSkus) : new Map<string, string>()
  const rows: Array<Record<string, unknown>> = []
  const notes: Array<Record<string, unknown>> = []
  for (const order of orders) {
    const before = new Map(
      (existing.get(orderKeyString(order.key)) ?? []).map((r) => [r.lineId, r]),
    )
    const internal = (sku: string) =>
      mapped.get(internalSkuKey(order.key.channel, order.key.accountId, sku)) ?? sku
    const at = new Date(order.snapshot.updatedAt)
    const deltas = new Map<string, number>()
    const move = (sku: string, units: number) => deltas.set(sku, (deltas.get(sku) ?? 0) + units)
    for (const row of changedRows(order.snapshot, [...before.values()], internal)) {
      const old = before.get(row.lineId)
      // Shipped units already settled stay settled, up to what is shipped now.
      const settled = Math.min(old?.settled ?? 0, row.consumed)
      const consumedAt =
        row.consumed > (old?.consumed ?? 0)
          ? at
          : (old?.consumedAt ?? (row.consumed > 0 ? at : null))
      if (old) move(old.sku, -live(old))
      move(row.sku, live({ ...row, settled }))
      rows.push({
        channel: order.key.channel,
        account_id: order.key.accountId,
        order_id: order.key.externalId,
        line_id: row.lineId,
        sku: row.sku,
        held: row.held,
        consumed: row.consumed,
        settled,
        consumed_at: consumedAt?.toISOString() ?? null,
        location: row.location,
      })
    }
    // Every SKU a changed row touches gets a note, even one whose units did not move: the note
    // is also what brings a SKU's ledger row into being.
    for (const [sku, delta] of deltas)
      notes.push({
        sku,
        channel: order.key.channel,
        account_id: order.key.accountId,
        order_id: order.key.externalId,
        reserved_delta: delta,
      })
  }
  return { rows, notes }
}

/** The reservation rows a snapshot needs written: new or different lines, and released ones. */
function changedRows(
  snapshot: OrderSnapshot,
  existing: readonly Row[],
  internal: (channelSku: string) => string,
): Row[] {
  const wanted = new Map<string, Row>()
  for (const line of snapshot.lines) {
    if (line.sku === null) continue
    const prev = wanted.get(line.externalLineId)
    const hold = lineHold(snapshot.status, line)
    // A channel that repeats a line id: the units add up.
    wanted.set(line.externalLineId, {
      lineId: line.externalLineId,
      sku: internal(line.sku),
      held: hold.held + (prev?.held ?? 0),
      consumed: hold.consumed + (prev?.consumed ?? 0),
      location: line.location ?? prev?.location ?? null,
    })
  }
  for (const row of existing) {
    if (!wanted.has(row.lineId))
      wanted.set(row.lineId, {
        lineId: row.lineId,
        sku: row.sku,
        held: 0,
        consumed: row.consumed,
        location: row.location,
      })
  }
  const before = new Map(existing.map((r) => [r.lineId, r]))
  return [...wanted.values()].filter((row) => {
    const old = before.get(row.lineId)
    return (
      !old ||
      old.sku !== row.sku ||
      old.held !== row.held ||
      old.consumed !== row.consumed ||
      old.location !== row.location
    )
  })
}

/** The current reservations of the orders, by order, locked until the transaction ends. */
async function lockReservations(
  trx: Kysely<Database>,
  keys: readonly OrderKey[],
): Promise<Map<string, StoredRow[]>> {
  const byOrder = new Map<string, StoredRow[]>()
  if (keys.length === 0) return byOrder
  const param = JSON.stringify(
    keys.map((k) => ({ channel: k.channel, account_id: k.accountId, order_id: k.externalId })),
  )
  const { rows } = await sql<{
    channel: OrderKey['channel']
    account_id: string
    order_id: string
    line_id: string
    sku: string
    held: number
    consumed: number
    settled: number
    consumed_at: Date | null
    location: string | null
  }>`
    select r.channel, r.account_id, r.order_id, r.line_id, r.sku, r.held, r.consumed, r.settled,
           r.consumed_at, r.location
      from reservation r
      join json_to_recordset(${param}::json) as k(channel text, account_id text, order_id text)
        on r.channel = k.channel and r.account_id = k.account_id and r.order_id = k.order_id
     -- the primary key's index, whatever the planner guesses about the json rows (see orders.ts)
     where r.channel = any(${distinct(keys.map((k) => k.channel))}::text[])
       and r.account_id = any(${distinct(keys.map((k) => k.accountId))}::text[])
       and r.order_id = any(${distinct(keys.map((k) => k.externalId))}::text[])
     order by r.channel, r.account_id, r.order_id, r.line_id
       for update of r`.execute(trx)
  for (const r of rows) {
    const k = orderKeyString({
      channel: r.channel,
      accountId: r.account_id,
      externalId: r.order_id,
    })
    const list = byOrder.get(k) ?? []
    list.push({
      lineId: r.line_id,
      sku: r.sku,
      held: r.held,
      consumed: r.consumed,
      settled: r.settled,
      consumedAt: r.consumed_at,
      location: r.location,
    })
    byOrder.set(k, list)
  }
  return byOrder
}

const distinct = (values: readonly string[]) => [...new Set(values)]
