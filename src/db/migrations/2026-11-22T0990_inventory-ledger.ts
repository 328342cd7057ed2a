import { sql, type Kysely } from 'kysely'

/**
 * The inventory ledger (DESIGN.md §6): per SKU on-hand, reserved and available-to-sell; the
 * reservations of channel order lines; applied adjustments by idempotency key; and listings, each
 * a SKU's unit at one channel account with what was last pushed, reported and found there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table inventory_item (
      sku text primary key,
      on_hand integer not null default 0,
      -- the as-of time of the last absolute level; an older one changes nothing
      on_hand_as_of timestamptz,
      safety_stock integer not null default 0 check (safety_stock >= 0),
      -- cached sum of live reservations, kept in the same transactions that change them
      reserved integer not null default 0 check (reserved >= 0),
      ats integer not null default 0 check (ats >= 0),
      ats_changed_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`
    create table inventory_adjustment (
      idempotency_key text primary key,
      sku text not null,
      delta integer not null,
      reason text,
      on_hand_after integer not null,
      applied_at timestamptz not null default now()
    )`.execute(db)
  await sql`
    create table reservation (
      channel text not null,
      account_id text not null,
      order_id text not null,
      line_id text not null,
      sku text not null,
      -- units reserved and not shipped
      held integer not null check (held >= 0),
      -- units shipped; they keep counting until an on-hand level dated after consumed_at arrives
      consumed integer not null check (consumed >= 0),
      settled integer not null default 0 check (settled >= 0 and settled <= consumed),
      consumed_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (channel, account_id, order_id, line_id)
    )`.execute(db)
  await sql`create index reservation_live_by_sku on reservation (sku) where held > 0 or consumed > settled`.execute(
    db,
  )
  await sql`
    create table listing (
      id bigint generated always as identity primary key,
      sku text not null,
      channel text not null,
      account_id text not null,
      unit jsonb not null,
      unit_key text not null,
      -- the SKU the channel puts on order lines, when it differs from ours
      channel_sku text,
      policy jsonb not null default '{}',
      inventory_source boolean not null default false,
      last_pushed_quantity integer,
      last_pushed_at timestamptz,
      last_push_attempt_at timestamptz,
      last_push_status text,
      last_push_error text,
      last_reported_quantity integer,
      last_reported_at timestamptz,
      last_report_echo boolean,
      last_checked_quantity integer,
      last_checked_at timestamptz,
      last_drift integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (channel, account_id, unit_key)
    )`.execute(db)
  await sql`create index listing_by_sku on listing (sku)`.execute(db)
  await sql`create index listing_by_channel_sku on listing (channel, account_id, channel_sku)`.execute(
    db,
  )
  await sql`create unique index listing_one_inventory_source on listing (sku) where inventory_source`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['listing', 'reservation', 'inventory_adjustment', 'inventory_item'])
    await db.schema.dropTable(table).execute()
}
