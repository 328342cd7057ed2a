import { sql, type Kysely } from 'kysely'

/**
 * Lineage (issue #18): what the history of an order or a SKU reads.
 * - `stock_push`: one row per stock push outcome the hub recorded (a write sent: applied, queued,
 *   or failed), appended by the statement that records the outcome on the listing, so it costs no
 *   round trip. Before this only the listing's `last_pushed_*` columns kept the latest one.
 *   Append-only; its retention comes with issue #19. No foreign key: a push stays on record after
 *   its listing is removed, and an insert checks nothing.
 * - `inventory_adjustment (sku, applied_at)`: a SKU's adjustments, newest first, without a scan.
 * - `outbox_event (subject, recorded_at)` for `sku/…` subjects only (inventory and listing events
 *   naming a seller SKU): a SKU's events in time order. Partial, so order events (the bulk of the
 *   outbox, one or more per webhook) add no index entry.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table stock_push (
      id bigint generated always as identity primary key,
      listing_id bigint not null,
      sku text not null,
      channel text not null,
      account_id text not null,
      status text not null,
      -- what the channel was told; null when the push failed
      quantity integer,
      error text,
      -- what it was computed from: the SKU's available-to-sell and the quantity the allocation
      -- and policy planned (before the channel's read and range), when the pusher knew them
      ats integer,
      planned integer,
      at timestamptz not null
    )`.execute(db)
  await sql`create index stock_push_by_sku on stock_push (sku, at)`.execute(db)
  await sql`create index inventory_adjustment_by_sku on inventory_adjustment (sku, applied_at)`.execute(
    db,
  )
  await sql`
    create index outbox_event_sku_subject on outbox_event (subject, recorded_at)
     where subject like 'sku/%'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_event_sku_subject`.execute(db)
  await sql`drop index inventory_adjustment_by_sku`.execute(db)
  await db.schema.dropTable('stock_push').execute()
}
