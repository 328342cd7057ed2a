import { sql, type Kysely } from 'kysely'

/**
 * Subscription pause/resume (issue #7). A paused subscription keeps receiving deliveries from the
 * relay, so nothing published while it is paused is missed, but the deliver step holds them
 * `pending` until an operator resumes it; resume enqueues them in feed-position order.
 *
 * - `paused` joins the subscription status values;
 * - the relay (`hub_publish_events`, src/db/functions/) creates deliveries for paused
 *   subscriptions as well as active ones;
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
}

export async function down(db: Kysely<any>): Promise<void> {
  // Paused subscriptions come back active: the older code has no way to hold their deliveries.
  await sql`update subscription set status = 'active' where status = 'paused'`.execute(db)
  await sql`drop index delivery_pending_by_subscription`.execute(db)
  await sql`alter table subscription drop constraint subscription_status_check`.execute(db)
  await sql`
    alter table subscription add constraint subscription_status_check
      check (status in ('active', 'disabled', 'deleted'))`.execute(db)
}
