import { sql, type Kysely } from 'kysely'

/**
 * Subscription pause/resume (issue #7). A paused subscription keeps receiving deliveries from the
 * relay, so nothing published while it is paused is missed, but the deliver step holds them
 * `pending` until an operator resumes it; resume enqueues them in feed-position order.
 *
 * - `paused` joins the subscription status values;
 * - `hub_publish_events` is redefined from 2026-11-22T0990 (same columns, same return type) with
 *   one change: it creates deliveries for paused subscriptions as well as active ones;
 * - a partial index finds one subscription's pending deliveries (resume, and the per-subscription
 *   backlog gauges of /metrics) without walking every pending delivery of every subscription.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table subscription drop constraint subscription_status_check`.execute(db)
  await sql`
    alter table subscription add constraint subscription_status_check
      check (status in ('active', 'paused', 'disabled', 'deleted'))`.execute(db)
  await sql`
    create index delivery_pending_by_subscription on delivery (subscription_id, created_at)
     where status = 'pending'`.execute(db)
  await publishEvents(db, ['active', 'paused'])
}

export async function down(db: Kysely<any>): Promise<void> {
  // Paused subscriptions come back active: the older code has no way to hold their deliveries.
  await sql`update subscription set status = 'active' where status = 'paused'`.execute(db)
  await publishEvents(db, ['active'])
  await sql`drop index delivery_pending_by_subscription`.execute(db)
  await sql`alter table subscription drop constraint subscription_status_check`.execute(db)
  await sql`
    alter table subscription add constraint subscription_status_check
      check (status in ('active', 'disabled', 'deleted'))`.execute(db)
}

/**
 * The definition of 2026-11-22T0990_inventory-ledger, copied (a migration never imports another's
 * code), with the subscription statuses that get deliveries as the only variable. See
 * 2026-11-22T0950_hot-path for the locking.
 */
async function publishEvents(db: Kysely<any>, statuses: readonly string[]): Promise<void> {
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
            on s.status in (${sql.join(statuses.map((s) => sql.lit(s)))})
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
