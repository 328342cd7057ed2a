import { sql, type Kysely } from 'kysely'

/**
 * `inventory_item.reserved` is kept by deltas instead of re-summed from every live reservation of
 * the SKU on each settle, which grew with the number of open orders of a best-seller (every 100 ms,
 * a scan of all of them). Each change note now carries what its order's reservations changed the
 * SKU's live units by; whoever holds the SKU's lock takes the notes and adds their deltas. A note
 * written before this migration has no delta: taking one re-sums that SKU once, as before.
 *
 * Settling shipped units a level reflects looks only at reservations with unsettled shipped units,
 * by SKU and shipping time; the partial index keeps that lookup off a best-seller's open orders.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inventory_change add column reserved_delta integer`.execute(db)
  await sql`create index reservation_unsettled on reservation (sku, consumed_at) where consumed > settled`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index reservation_unsettled`.execute(db)
  await sql`alter table inventory_change drop column reserved_delta`.execute(db)
}
