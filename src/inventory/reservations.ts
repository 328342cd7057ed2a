import { sql, type Kysely } from 'kysely'
import { changeNotes } from '../db/repos/inventory.js'
import { internalSkus } from '../db/repos/listings.js'
import type { OrderKey } from '../db/repos/orders.js'
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

/**
 * Brings the order's reservations in line with its stored snapshot, inside the caller's
 * transaction (which holds the order's row lock), and notes the SKUs whose reservations changed.
 * Their `reserved` and ats are brought up to date by {@link settleChangedSkus}, outside this
 * transaction: an order never waits on its SKU's row, which every order of a best-seller would
 * otherwise queue for (one at a time, commit included). Lines without a SKU reserve nothing; a
 * line gone from the snapshot releases what it held.
 */
export async function reserveOrder(
  trx: Kysely<Database>,
  key: OrderKey,
  snapshot: OrderSnapshot,
  /** False for an order inserted by this transaction: it has no reservations yet to read. */
  known = true,
): Promise<void> {
  const skuLines = snapshot.lines.filter((l): l is OrderLine & { sku: string } => l.sku !== null)
  const existing = known
    ? await trx
        .selectFrom('reservation')
        .select(['line_id', 'sku', 'held', 'consumed'])
        .where('channel', '=', key.channel)
        .where('account_id', '=', key.accountId)
        .where('order_id', '=', key.externalId)
        .execute()
    : []
  if (skuLines.length === 0 && existing.length === 0) return
  const mapped = await internalSkus(
    trx,
    key,
    skuLines.map((l) => l.sku),
  )
  const wanted = new Map<string, Row>()
  for (const line of skuLines) {
    const prev = wanted.get(line.externalLineId)
    const hold = lineHold(snapshot.status, line)
    // A channel that repeats a line id: the units add up.
    wanted.set(line.externalLineId, {
      lineId: line.externalLineId,
      sku: mapped.get(line.sku) ?? line.sku,
      held: hold.held + (prev?.held ?? 0),
      consumed: hold.consumed + (prev?.consumed ?? 0),
    })
  }
  for (const row of existing) {
    if (!wanted.has(row.line_id))
      wanted.set(row.line_id, {
        lineId: row.line_id,
        sku: row.sku,
        held: 0,
        consumed: row.consumed,
      })
  }
  const before = new Map(existing.map((r) => [r.line_id, r]))
  const changed = [...wanted.values()].filter((row) => {
    const old = before.get(row.lineId)
    return !old || old.sku !== row.sku || old.held !== row.held || old.consumed !== row.consumed
  })
  if (changed.length === 0) return
  const skus = changed.flatMap((row) => [row.sku, before.get(row.lineId)?.sku ?? row.sku])
  const at = new Date(snapshot.updatedAt)
  // One statement (a round trip saved on the hot path): the reservations, and the note that
  // their SKUs' ledger rows are due a settle.
  await trx
    .with('reserved', (qc) =>
      qc
        .insertInto('reservation')
        .values(
          changed.map((row) => ({
            channel: key.channel,
            account_id: key.accountId,
            order_id: key.externalId,
            line_id: row.lineId,
            sku: row.sku,
            held: row.held,
            consumed: row.consumed,
            consumed_at: row.consumed > 0 ? at : null,
            updated_at: new Date(),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['channel', 'account_id', 'order_id', 'line_id']).doUpdateSet({
            sku: (eb) => eb.ref('excluded.sku'),
            held: (eb) => eb.ref('excluded.held'),
            consumed: (eb) => eb.ref('excluded.consumed'),
            // The consumption time moves only when more units ship; shipped units a later on-hand
            // level already reflects stay settled.
            consumed_at: sql`case when excluded.consumed > reservation.consumed then excluded.consumed_at else reservation.consumed_at end`,
            settled: sql`least(reservation.settled, excluded.consumed)`,
            updated_at: (eb) => eb.ref('excluded.updated_at'),
          }),
        ),
    )
    .insertInto('inventory_change')
    .values(changeNotes(skus, key))
    .execute()
}
