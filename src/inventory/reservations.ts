import { sql, type Kysely } from 'kysely'
import { changeNotes } from '../db/repos/inventory.js'
import { internalSkuKey, internalSkusOf } from '../db/repos/listings.js'
import { orderKeyString, type OrderKey } from '../db/repos/orders.js'
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

interface Row {
  readonly lineId: string
  readonly sku: string
  readonly held: number
  readonly consumed: number
}

export interface OrderToReserve {
  readonly key: OrderKey
  /** The order's stored snapshot. */
  readonly snapshot: OrderSnapshot
  /** False for an order inserted by this transaction: it has no reservations yet to read. */
  readonly known: boolean
}

/**
 * Brings the orders' reservations in line with their stored snapshots, inside the caller's
 * transaction (which holds the orders' row locks), and notes the SKUs whose reservations changed.
 * Their `reserved` and ats are brought up to date by {@link settleChangedSkus}, outside this
 * transaction: an order never waits on its SKU's row, which every order of a best-seller would
 * otherwise queue for (one at a time, commit included). Lines without a SKU reserve nothing; a
 * line gone from the snapshot releases what it held. At most three statements for any number of
 * orders: their current reservations, the channel-to-internal SKU mapping, and the write.
 */
export async function reserveOrders(
  trx: Kysely<Database>,
  orders: readonly OrderToReserve[],
): Promise<void> {
  const existing = await reservationsOf(
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
  const writes: Array<Row & { order: OrderKey; at: Date }> = []
  const notes: ReturnType<typeof changeNotes> = []
  for (const order of orders) {
    const before = existing.get(orderKeyString(order.key)) ?? []
    const internal = (sku: string) =>
      mapped.get(internalSkuKey(order.key.channel, order.key.accountId, sku)) ?? sku
    const changed = changedRows(order.snapshot, before, internal)
    if (changed.length === 0) continue
    const old = new Map(before.map((r) => [r.lineId, r]))
    const at = new Date(order.snapshot.updatedAt)
    for (const row of changed) writes.push({ ...row, order: order.key, at })
    notes.push(
      ...changeNotes(
        changed.flatMap((row) => [row.sku, old.get(row.lineId)?.sku ?? row.sku]),
        order.key,
      ),
    )
  }
  if (writes.length === 0) return
  const reservations = JSON.stringify(
    writes.map((w) => ({
      channel: w.order.channel,
      account_id: w.order.accountId,
      order_id: w.order.externalId,
      line_id: w.lineId,
      sku: w.sku,
      held: w.held,
      consumed: w.consumed,
      consumed_at: w.consumed > 0 ? w.at.toISOString() : null,
    })),
  )
  // One statement: the reservations, and the notes that their SKUs' ledger rows are due a settle.
  await sql`
    with reserved as (
      insert into reservation (channel, account_id, order_id, line_id, sku, held, consumed, consumed_at, updated_at)
      select r.channel, r.account_id, r.order_id, r.line_id, r.sku, r.held, r.consumed, r.consumed_at, now()
        from json_to_recordset(${reservations}::json) as r(channel text, account_id text,
             order_id text, line_id text, sku text, held integer, consumed integer, consumed_at timestamptz)
      on conflict (channel, account_id, order_id, line_id) do update set
        sku = excluded.sku, held = excluded.held, consumed = excluded.consumed,
        -- The consumption time moves only when more units ship; shipped units a later on-hand
        -- level already reflects stay settled.
        consumed_at = case when excluded.consumed > reservation.consumed
                           then excluded.consumed_at else reservation.consumed_at end,
        settled = least(reservation.settled, excluded.consumed),
        updated_at = excluded.updated_at
    )
    insert into inventory_change (sku, channel, account_id, order_id)
    select n.sku, n.channel, n.account_id, n.order_id
      from json_to_recordset(${JSON.stringify(notes)}::json) as n(sku text, channel text, account_id text, order_id text)`.execute(
    trx,
  )
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
    })
  }
  for (const row of existing) {
    if (!wanted.has(row.lineId)) wanted.set(row.lineId, { ...row, held: 0 })
  }
  const before = new Map(existing.map((r) => [r.lineId, r]))
  return [...wanted.values()].filter((row) => {
    const old = before.get(row.lineId)
    return !old || old.sku !== row.sku || old.held !== row.held || old.consumed !== row.consumed
  })
}

/** The current reservations of the orders, by order. */
async function reservationsOf(
  trx: Kysely<Database>,
  keys: readonly OrderKey[],
): Promise<Map<string, Row[]>> {
  const byOrder = new Map<string, Row[]>()
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
  }>`
    select r.channel, r.account_id, r.order_id, r.line_id, r.sku, r.held, r.consumed
      from reservation r
      join json_to_recordset(${param}::json) as k(channel text, account_id text, order_id text)
        on r.channel = k.channel and r.account_id = k.account_id and r.order_id = k.order_id`.execute(
    trx,
  )
  for (const r of rows) {
    const k = orderKeyString({
      channel: r.channel,
      accountId: r.account_id,
      externalId: r.order_id,
    })
    const list = byOrder.get(k) ?? []
    list.push({ lineId: r.line_id, sku: r.sku, held: r.held, consumed: r.consumed })
    byOrder.set(k, list)
  }
  return byOrder
}
