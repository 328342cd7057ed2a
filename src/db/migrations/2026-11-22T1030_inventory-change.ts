import { sql, type Kysely } from 'kysely'

/**
 * SKUs whose reservations changed and whose ledger row has not caught up yet. Orders append here
 * instead of updating `inventory_item` themselves, so orders of one best-selling SKU never queue
 * on its row; the relay leader settles each SKU's changes in one transaction (see
 * `settleChangedSkus`). Append-only until settled, so appending never waits on a lock.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table inventory_change (
      id bigint generated always as identity primary key,
      sku text not null,
      channel text not null,
      account_id text not null,
      order_id text not null
    )`.execute(db)
  await sql`create index inventory_change_by_sku on inventory_change (sku, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inventory_change').execute()
}
