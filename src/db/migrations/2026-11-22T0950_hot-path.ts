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
 *   and its statements are planned once per session instead of on every batch.
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

  // Locking: the feed_head row is locked until the calling transaction ends, so publishing is
  // serialized even if two relays ever run at once. The publishing statement is a separate
  // statement after the lock; in READ COMMITTED each statement of a (volatile) function takes a
  // new snapshot, so it sees everything the previous lock holder committed. Positions continue
  // from the head without gaps, and an event that commits late simply gets a later position.
  await sql`
    create function hub_publish_events(batch_size integer)
    returns table (relayed integer, delivery_ids text[])
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
        returning o.id, o.type, o.position
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
             coalesce((select array_agg(d.id::text order by d.id) from deliveries d), '{}'::text[]);
    end
    $$`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function hub_publish_events(integer)`.execute(db)
  await sql`drop function hub_event_type_matches(text, text)`.execute(db)
  await sql`drop trigger outbox_event_notify on outbox_event`.execute(db)
  await sql`drop function hub_notify_outbox()`.execute(db)
  await sql`alter table inbox_message alter column raw_body set compression default`.execute(db)
  await sql`alter table outbox_event alter column envelope set compression default`.execute(db)
  await sql`alter table sales_order alter column snapshot set compression default`.execute(db)
}
