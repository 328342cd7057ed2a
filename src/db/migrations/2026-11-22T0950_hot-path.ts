import { sql, type Kysely } from 'kysely'

/**
 * Moves three things into the database that the hot path otherwise pays round trips or CPU for:
 * - raw bodies, event envelopes and order snapshots compressed with lz4 instead of pglz (about
 *   half the insert cost of a 7.5 KB body, measured; see docs/benchmarks.md), where the server
 *   was built with lz4;
 * - NOTIFY on outbox inserts by a statement trigger, so appending events needs no extra query;
 * - the subscription filter as an SQL function, so the relay matches subscriptions in the same
 *   statement that creates deliveries. It must agree with src/subscriptions/event-filter.ts;
 * - publishing (feed positions and deliveries) as one function, so the relay costs one round trip
 *   and its statements are planned once per session instead of on every batch. That function,
 *   `hub_publish_events`, is defined in src/db/functions/hub-publish-events.ts and installed after
 *   the migrations (src/db/migrate.ts), not here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      alter table inbox_message alter column raw_body set compression lz4;
      alter table outbox_event alter column envelope set compression lz4;
      alter table sales_order alter column snapshot set compression lz4;
    exception when feature_not_supported then
      raise notice 'lz4 is not available in this PostgreSQL build; raw bodies stay pglz-compressed';
    end
    $$`.execute(db)

  await sql`
    create function hub_notify_outbox() returns trigger language plpgsql as $$
    begin
      perform pg_notify('hub_outbox', '');
      return null;
    end
    $$`.execute(db)
  await sql`
    create trigger outbox_event_notify after insert on outbox_event
    for each statement execute function hub_notify_outbox()`.execute(db)

  // "order.*" matches any type starting "order."; "*" matches all; anything else matches exactly.
  await sql`
    create function hub_event_type_matches(pattern text, event_type text) returns boolean
    language sql immutable parallel safe return
      pattern = '*'
      or pattern = event_type
      or (right(pattern, 2) = '.*' and left(event_type, length(pattern) - 1) = left(pattern, -1))`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists hub_publish_events(integer)`.execute(db)
  await sql`drop function hub_event_type_matches(text, text)`.execute(db)
  await sql`drop trigger outbox_event_notify on outbox_event`.execute(db)
  await sql`drop function hub_notify_outbox()`.execute(db)
  await sql`alter table inbox_message alter column raw_body set compression default`.execute(db)
  await sql`alter table outbox_event alter column envelope set compression default`.execute(db)
  await sql`alter table sales_order alter column snapshot set compression default`.execute(db)
}
