import { sql, type Kysely } from 'kysely'

/**
 * Stock per location (issue #15). `inventory_item` stays the SKU's totals (its `on_hand` is the
 * sum of its locations'), so everything that reads it keeps working; each location's own on-hand
 * and the as-of of its last absolute level live in `inventory_location_level`. Existing SKUs move
 * to the one location every hub has, `default` (src/config/locations.ts names it; a migration
 * never imports app code, so the name is written out here), with their on-hand and as-of.
 *
 * - `inventory_adjustment.location`: which location an adjustment changed (`default` before).
 * - `reservation.location`: the location an order line names, as the channel names it (a hub
 *   location or one of its `channelIds`); null when the channel names none. Mapped when read.
 * - `listing.locations`: the hub locations a listing draws from; null: all of its SKU's.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table inventory_location_level (
      sku text not null,
      location text not null,
      on_hand integer not null default 0,
      -- the as-of time of the location's last absolute level; an older one changes nothing
      on_hand_as_of timestamptz,
      updated_at timestamptz not null default now(),
      primary key (sku, location)
    )`.execute(db)
  await sql`
    insert into inventory_location_level (sku, location, on_hand, on_hand_as_of)
    select sku, 'default', on_hand, on_hand_as_of from inventory_item`.execute(db)
  await sql`alter table inventory_adjustment add column location text not null default 'default'`.execute(
    db,
  )
  await sql`alter table reservation add column location text`.execute(db)
  await sql`alter table listing add column locations text[]`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table listing drop column locations`.execute(db)
  await sql`alter table reservation drop column location`.execute(db)
  await sql`alter table inventory_adjustment drop column location`.execute(db)
  await db.schema.dropTable('inventory_location_level').execute()
}
