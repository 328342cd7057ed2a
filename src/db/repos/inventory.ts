import { sql, type Kysely } from 'kysely'
import type { Database, InventoryItem } from '../schema.js'
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

/** Shipped units an on-hand level as of `asOf` already reflects stop counting as reserved. */
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

/** {@link settleConsumed} for one order's lines of a SKU. */
export async function settleOrderConsumed(
  trx: Kysely<Database>,
  order: OrderKey,
  sku: string,
  asOf: Date,
): Promise<void> {
  await trx
    .updateTable('reservation')
    .set({ settled: sql`consumed` })
    .where('channel', '=', order.channel)
    .where('account_id', '=', order.accountId)
    .where('order_id', '=', order.externalId)
    .where('sku', '=', sku)
    .where('consumed', '>', sql<number>`settled`)
    .where('consumed_at', '<', asOf)
    .execute()
}

export async function readItem(
  db: Kysely<Database>,
  sku: string,
): Promise<InventoryItem | undefined> {
  return db.selectFrom('inventory_item').selectAll().where('sku', '=', sku).executeTakeFirst()
}
