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
  // The relay now also returns the SKUs whose available-to-sell changed in the batch, so it can
  // enqueue their stock pushes after the batch commits.
  await sql`drop function hub_publish_events(integer)`.execute(db)
  await sql`
    create function hub_publish_events(batch_size integer)
    returns table (relayed integer, delivery_ids text[], stock_subjects text[])
    language plpgsql as $$
    begin
      perform 1 from feed_head where id = 1 for update;
      return query
      with picked as (
        select e.id, e.type, e.seq from outbox_event e
         where e.position is null order by e.seq limit batch_size
      ), numbered as (
        select p.id, (select h.position from feed_head h where h.id = 1)
                     + row_number() over (order by p.seq) as pos
          from picked p
      ), assigned as (
        update outbox_event o set position = n.pos, published_at = now()
          from numbered n where o.id = n.id
        returning o.id, o.type, o.subject, o.position
      ), advanced as (
        update feed_head h set position = (select max(a.position) from assigned a)
         where h.id = 1 and exists (select 1 from assigned)
      ), deliveries as (
        insert into delivery (event_id, subscription_id)
        select a.id, s.id
          from assigned a
          join subscription s
            on s.status = 'active'
           and exists (select 1 from unnest(s.event_types) f where hub_event_type_matches(f, a.type))
        on conflict (event_id, subscription_id) do nothing
        returning delivery.id
      )
      select (select count(*) from assigned)::integer,
             coalesce((select array_agg(d.id::text order by d.id) from deliveries d), '{}'::text[]),
             coalesce((select array_agg(distinct a.subject) from assigned a
                        where a.type = 'inventory.changed.v1'), '{}'::text[]);
    end
    $$`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function hub_publish_events(integer)`.execute(db)
  for (const table of ['listing', 'reservation', 'inventory_adjustment', 'inventory_item'])
    await db.schema.dropTable(table).execute()
}
