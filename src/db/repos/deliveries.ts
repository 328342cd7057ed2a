import { sql, type Kysely } from 'kysely'
import type { Database, DeliveryStatus, SubscriptionStatus } from '../schema.js'

export interface DeliveryToSend {
  readonly id: string
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly eventId: string
  /** The webhook the event came from (log correlation); null for the hub's own events. */
  readonly inboxId: string | null
  /** The event envelope exactly as stored (JSON text, without `position`). */
  readonly envelopeText: string
  readonly position: string | null
  /** When the hub recorded the event (the envelope's `recordedAt`): the start of delivery latency. */
  readonly recordedAt: Date
  readonly subscriptionId: string
  readonly subscriptionStatus: SubscriptionStatus
  readonly url: string
  readonly secret: string
}

export async function getDeliveryToSend(
  db: Kysely<Database>,
  id: string,
): Promise<DeliveryToSend | undefined> {
  const row = await db
    .selectFrom('delivery as d')
    .innerJoin('outbox_event as e', 'e.id', 'd.event_id')
    .innerJoin('subscription as s', 's.id', 'd.subscription_id')
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'e.id as eventId',
      'e.inbox_id as inboxId',
      sql<string>`e.envelope::text`.as('envelopeText'),
      'e.position',
      'e.recorded_at as recordedAt',
      's.id as subscriptionId',
      's.status as subscriptionStatus',
      's.url',
      's.secret',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst()
  return row
}

export interface AttemptRecord {
  readonly attempt: number
  readonly startedAt: Date
  readonly durationMs: number
  readonly statusCode: number | null
  readonly error: string | null
  readonly responseExcerpt: string | null
}

/**
 * Records one HTTP attempt and the delivery's resulting state in a single statement (atomic
 * without a transaction's extra round trips).
 */
export async function recordAttempt(
  db: Kysely<Database>,
  deliveryId: string,
  attempt: AttemptRecord,
  next: { readonly status: DeliveryStatus; readonly lastError: string | null; readonly at: Date },
): Promise<void> {
  await db
    .with('attempt', (qb) =>
      qb.insertInto('delivery_attempt').values({
        delivery_id: deliveryId,
        attempt: attempt.attempt,
        started_at: attempt.startedAt,
        duration_ms: attempt.durationMs,
        status_code: attempt.statusCode,
        error: attempt.error,
        response_excerpt: attempt.responseExcerpt,
      }),
    )
    .updateTable('delivery')
    .set((eb) => ({
      status: next.status,
      attempts: eb('attempts', '+', 1),
      last_error: next.lastError,
      updated_at: next.at,
      ...(next.status === 'delivered' ? { delivered_at: next.at } : {}),
    }))
    .where('id', '=', deliveryId)
    .execute()
}

export async function cancelDelivery(
  db: Kysely<Database>,
  id: string,
  reason: string,
): Promise<void> {
  await db
    .updateTable('delivery')
    .set({ status: 'cancelled', last_error: reason, updated_at: new Date() })
    .where('id', '=', id)
    .execute()
}

/**
 * Pending deliveries created before `before`, in id order after `afterId` (the sweeper's cursor).
 * Those of paused subscriptions are left out: they wait on purpose, and resuming enqueues them.
 */
export async function listPendingDeliveries(
  db: Kysely<Database>,
  opts: { readonly before: Date; readonly afterId: string; readonly limit: number },
): Promise<string[]> {
  const rows = await db
    .selectFrom('delivery')
    .select('id')
    .where('status', '=', 'pending')
    .where('id', '>', opts.afterId)
    .where('created_at', '<', opts.before)
    // A handful of subscriptions: planned as one hashed subplan, not a lookup per delivery.
    .where('subscription_id', 'not in', (qb) =>
      qb.selectFrom('subscription').select('id').where('status', '=', 'paused'),
    )
    .orderBy('id')
    .limit(opts.limit)
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Every pending delivery of one subscription, in feed-position order (what resume enqueues). Read
 * in one statement through the partial index `delivery_pending_by_subscription`; the ids of even
 * a long pause (100,000 events) are a few megabytes.
 */
export async function pendingDeliveriesInFeedOrder(
  db: Kysely<Database>,
  subscriptionId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('delivery as d')
    .innerJoin('outbox_event as e', 'e.id', 'd.event_id')
    .select('d.id')
    .where('d.subscription_id', '=', subscriptionId)
    .where('d.status', '=', 'pending')
    .orderBy('e.position')
    .execute()
  return rows.map((r) => r.id)
}
