/**
 * The relay's core, `hub_publish_events(batch_size)`: the one definition of it. The migrator
 * (../migrate.ts) installs it after the versioned migrations whenever the database holds another
 * version, so changing the relay is an edit of this file, not a copy in a new migration.
 *
 * Publishes the next `batch_size` committed, unpublished events in one transaction: gives them
 * gap-free feed positions in publication order, creates one delivery per matching active or paused
 * subscription (a paused one holds its deliveries until resumed, so nothing published meanwhile is
 * missed), and returns how many it published, the new deliveries' ids and the subjects of the
 * `inventory.changed.v1` events among them (the SKUs whose stock pushes the relay then enqueues).
 *
 * Locking: the feed_head row is locked until the calling transaction ends, so publishing is
 * serialized even if two relays ever run at once. The publishing statement is a separate statement
 * after the lock; in READ COMMITTED each statement of a (volatile) function takes a new snapshot,
 * so it sees everything the previous lock holder committed. Positions continue from the head
 * without gaps, and an event that commits late simply gets a later position. Each event is picked
 * once (it leaves `position is null` in the statement that picks it), so its deliveries are created
 * once: delivery, partitioned by day, has no (event, subscription) uniqueness to lean on (migration
 * 2026-12-04T1000_time-partitions). The update matches the whole key (id, recorded_at), the
 * outbox's primary key, so each event is one index probe of its own day's partition.
 *
 * Depends on: outbox_event, feed_head, subscription, delivery, and hub_event_type_matches
 * (migration 2026-11-22T0950_hot-path), which must agree with src/subscriptions/event-filter.ts.
 */
export const hubPublishEvents = {
  signature: 'hub_publish_events(integer)',
  create: `
create function hub_publish_events(batch_size integer)
returns table (relayed integer, delivery_ids text[], stock_subjects text[])
language plpgsql as $body$
begin
  perform 1 from feed_head where id = 1 for update;
  return query
  with picked as (
    select e.id, e.recorded_at, e.type, e.seq from outbox_event e
     where e.position is null order by e.seq limit batch_size
  ), numbered as (
    select p.id, p.recorded_at, (select h.position from feed_head h where h.id = 1)
                 + row_number() over (order by p.seq) as pos
      from picked p
  ), assigned as (
    update outbox_event o set position = n.pos, published_at = now()
      from numbered n where o.id = n.id and o.recorded_at = n.recorded_at
    returning o.id, o.type, o.subject, o.position
  ), advanced as (
    update feed_head h set position = (select max(a.position) from assigned a)
     where h.id = 1 and exists (select 1 from assigned)
  ), deliveries as (
    insert into delivery (event_id, subscription_id)
    select a.id, s.id
      from assigned a
      join subscription s
        on s.status in ('active', 'paused')
       and exists (select 1 from unnest(s.event_types) f where hub_event_type_matches(f, a.type))
    returning delivery.id
  )
  select (select count(*) from assigned)::integer,
         coalesce((select array_agg(d.id::text order by d.id) from deliveries d), '{}'::text[]),
         coalesce((select array_agg(distinct a.subject) from assigned a
                    where a.type = 'inventory.changed.v1'), '{}'::text[]);
end
$body$`,
} as const
