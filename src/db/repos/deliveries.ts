import { sql, type Kysely } from 'kysely'
import type { Database, DeliveryStatus } from '../schema.js'

export interface DeliveryToSend {
  readonly id: string
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly eventId: string
  /** The event envelope exactly as stored (JSON text, without `position`). */
  readonly envelopeText: string
  readonly position: string | null
  readonly subscriptionId: string
  readonly subscriptionStatus: string
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
      sql<string>`e.envelope::text`.as('envelopeText'),
      'e.position',
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

/** Pending deliveries created before `before`, in id order after `afterId` (the sweeper's cursor). */
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
    .orderBy('id')
    .limit(opts.limit)
    .execute()
  return rows.map((r) => r.id)
}
