import { sql, type Kysely } from 'kysely'
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
  const row = await trx
    .selectFrom('reservation')
    .select(sql<string>`coalesce(sum(held + consumed - settled), 0)`.as('units'))
    .where('sku', '=', sku)
    .where((eb) => eb.or([eb('held', '>', 0), eb('consumed', '>', eb.ref('settled'))]))
    .executeTakeFirstOrThrow()
  return Number(row.units)
}

/**
 * Shipped units an on-hand level as of `asOf` already reflects stop counting as reserved. The
 * caller holds the SKU's item lock.
 */
export async function settleConsumed(
  trx: Kysely<Database>,
  sku: string,
  asOf: Date,
): Promise<void> {
  await trx
    .updateTable('reservation')
    .set({ settled: sql`consumed`, updated_at: sql`now()` })
    .where('sku', '=', sku)
    .where('consumed', '>', sql<number>`settled`)
    .where('consumed_at', '<', asOf)
    .execute()
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

export async function readItem(
  db: Kysely<Database>,
  sku: string,
): Promise<InventoryItem | undefined> {
  return db.selectFrom('inventory_item').selectAll().where('sku', '=', sku).executeTakeFirst()
}
