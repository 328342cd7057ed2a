import { sql, type Kysely } from 'kysely'

/**
 * Order sync (issue #16): per channel account, the scheduled sync's watermark and the run in
 * progress of each kind (`sync`: the scheduled poll; `backfill`: from a date an operator gave),
 * with the page cursor committed after every page so a run whose process died resumes there.
 * `lease_until` keeps two processes from running the same run at once.
 *
 * `sales_order.found_by`: how the order first reached the hub: `webhook`, or through the
 * channel's list API by the scheduled `sync` or a `backfill`; the partial index keeps counting
 * the polled ones cheap however many orders there are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table order_sync (
      channel text not null,
      account_id text not null,
      kind text not null check (kind in ('sync', 'backfill')),
      -- sync: every order last updated before this was read into the inbox (less the overlap)
      watermark timestamptz,
      -- the run in progress: its window, the cursor of its next page (null: the first), progress
      window_from timestamptz,
      window_to timestamptz,
      page text,
      pages integer not null default 0,
      orders_read integer not null default 0,
      -- the latest update time among the orders read so far (the list is read oldest first)
      reached timestamptz,
      started_at timestamptz,
      requested_by text,
      lease_owner text,
      lease_until timestamptz,
      -- the last run that ended
      finished_at timestamptz,
      last_orders_read integer,
      last_error text,
      last_error_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (channel, account_id, kind)
    )`.execute(db)
  await sql`
    alter table sales_order add column found_by text not null default 'webhook'
      check (found_by in ('webhook', 'sync', 'backfill'))`.execute(db)
  await sql`
    create index sales_order_found_by_polling on sales_order (channel, account_id, found_by, created_at)
      where found_by <> 'webhook'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index sales_order_found_by_polling`.execute(db)
  await sql`alter table sales_order drop column found_by`.execute(db)
  await db.schema.dropTable('order_sync').execute()
}
