import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type { ContentMode } from '../../events/index.js'
import type { Database, DeliveryStatus, SubscriptionStatus } from '../schema.js'

export interface DeliveryToSend {
  readonly id: string
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly eventId: string
  readonly eventType: string
  /** The webhook the event came from (log correlation); null for the hub's own events. */
  readonly inboxId: string | null
  /** The event envelope exactly as stored (JSON text, without `position` and `dataschema`). */
  readonly envelopeText: string
  readonly position: string | null
  /** When the hub recorded the event (the envelope's `recordedAt`): the start of delivery latency. */
  readonly recordedAt: Date
  readonly subscriptionId: string
  readonly subscriptionStatus: SubscriptionStatus
  readonly url: string
  readonly secret: string
  /** How the subscriber wants the event carried (read with the rest, not per delivery). */
  readonly contentMode: ContentMode
}

/**
 * A delivery's event, looked up by id for each delivery (a lateral subquery): outbox_event is
 * partitioned by day, and a plain join let the planner hash the whole of a partition whose
 * statistics were not yet gathered (a new day's) for a handful of deliveries. Measured in the
 * bench: 3.6 ms a call instead of 0.06 (docs/benchmarks.md, issue 19).
 */
const eventOf = (qc: ExpressionBuilder<Database & { d: Database['delivery'] }, 'd'>) =>
  qc
    .selectFrom('outbox_event as ev')
    .select(['ev.id', 'ev.type', 'ev.inbox_id', 'ev.envelope', 'ev.position', 'ev.recorded_at'])
    .whereRef('ev.id', '=', 'd.event_id')
    .limit(1)
    .as('e')

/** The deliveries with what sending them needs, in no particular order; missing ids are absent. */
export async function getDeliveriesToSend(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<DeliveryToSend[]> {
  if (ids.length === 0) return []
  return db
    .selectFrom('delivery as d')
    .innerJoinLateral(eventOf, (join) => join.onTrue())
    .innerJoin('subscription as s', 's.id', 'd.subscription_id')
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'e.id as eventId',
      'e.type as eventType',
      'e.inbox_id as inboxId',
      sql<string>`e.envelope::text`.as('envelopeText'),
      'e.position',
      'e.recorded_at as recordedAt',
      's.id as subscriptionId',
      's.status as subscriptionStatus',
      's.url',
      's.secret',
      's.content_mode as contentMode',
    ])
    .where('d.id', '=', sql<string>`any(${[...ids]}::bigint[])`)
    .execute()
}

/**
 * What the deliver jobs of these deliveries show an operator (see `deliverJob`), by primary key;
 * missing ids are absent.
 */
export async function describeDeliveries(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<{ id: string; subscriptionId: string; eventType: string; url: string }[]> {
  if (ids.length === 0) return []
  return db
    .selectFrom('delivery as d')
    .innerJoinLateral(eventOf, (join) => join.onTrue())
    .innerJoin('subscription as s', 's.id', 'd.subscription_id')
    .select(['d.id', 's.id as subscriptionId', 'e.type as eventType', 's.url'])
    .where('d.id', '=', sql<string>`any(${[...ids]}::bigint[])`)
    .execute()
}

export async function getDeliveryToSend(
  db: Kysely<Database>,
  id: string,
): Promise<DeliveryToSend | undefined> {
  return (await getDeliveriesToSend(db, [id]))[0]
}

export interface AttemptRecord {
  readonly attempt: number
  readonly startedAt: Date
  readonly durationMs: number
  readonly statusCode: number | null
  readonly error: string | null
  readonly responseExcerpt: string | null
}

/** One HTTP attempt of a delivery and the delivery's resulting state. */
export interface AttemptOutcome {
  readonly deliveryId: string
  readonly attempt: AttemptRecord
  readonly next: {
    readonly status: DeliveryStatus
    readonly lastError: string | null
    readonly at: Date
  }
}

/**
 * Records HTTP attempts and their deliveries' resulting states in a single statement (atomic
 * without a transaction's extra round trips), however many there are. The rows come as one `json`
 * parameter; the `= any(ids)` beside the join makes the planner find the deliveries by primary key
 * whatever it guesses about json_to_recordset's rows or the table's size (a cached plan made while
 * the table was small would otherwise scan it on every call).
 */
export async function recordAttempts(
  db: Kysely<Database>,
  outcomes: readonly AttemptOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return
  const rows = JSON.stringify(
    outcomes.map((o) => ({
      delivery_id: o.deliveryId,
      attempt: o.attempt.attempt,
      started_at: o.attempt.startedAt,
      duration_ms: o.attempt.durationMs,
      status_code: o.attempt.statusCode,
      error: o.attempt.error,
      response_excerpt: o.attempt.responseExcerpt,
      status: o.next.status,
      last_error: o.next.lastError,
      at: o.next.at,
    })),
  )
  await sql`
    with r as (
      select r.delivery_id, r.attempt, r.started_at, r.duration_ms, r.status_code, r.error,
             r.response_excerpt, r.status, r.last_error, r.at
        from json_to_recordset(${rows}::json) as r(delivery_id bigint, attempt integer,
             started_at timestamptz, duration_ms integer, status_code integer, error text,
             response_excerpt text, status text, last_error text, at timestamptz)
    ), attempts as (
      insert into delivery_attempt (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
      select r.delivery_id, r.attempt, r.started_at, r.duration_ms, r.status_code, r.error, r.response_excerpt
        from r
    )
    update delivery d
       set status = r.status, attempts = d.attempts + 1, last_error = r.last_error, updated_at = r.at,
           delivered_at = case when r.status = 'delivered' then r.at else d.delivered_at end
      from r
     where d.id = any(${outcomes.map((o) => o.deliveryId)}::bigint[]) and d.id = r.delivery_id`.execute(
    db,
  )
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

export interface DeliveryPage {
  readonly subscriptionId: string
  readonly status?: DeliveryStatus
  /** Only deliveries with a smaller id (the `next` of the previous page). */
  readonly before?: string
  readonly limit: number
}

/**
 * One subscription's deliveries, newest first, each with its event's type and subject. There is
 * no index by subscription (migration 2026-12-02T0910 dropped it to keep webhook writes lean): the
 * query walks the primary key newest first, which finds a page at once for the handful of
 * subscriptions a hub has, each with a large share of the deliveries.
 */
export async function listSubscriptionDeliveries(db: Kysely<Database>, page: DeliveryPage) {
  let q = db
    .selectFrom('delivery as d')
    .innerJoin('outbox_event as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.status',
      'd.attempts',
      'd.last_error',
      'd.created_at',
      'd.updated_at',
      'd.delivered_at',
      'e.id as event_id',
      'e.type as event_type',
      'e.subject as event_subject',
    ])
    .where('d.subscription_id', '=', page.subscriptionId)
    .orderBy('d.id', 'desc')
    .limit(page.limit)
  if (page.status !== undefined) q = q.where('d.status', '=', page.status)
  if (page.before !== undefined) q = q.where('d.id', '<', page.before)
  return q.execute()
}

/** Every recorded HTTP attempt of these deliveries, in attempt order. */
export async function listAttemptsOf(db: Kysely<Database>, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return []
  return db
    .selectFrom('delivery_attempt')
    .select(['delivery_id', 'attempt', 'started_at', 'duration_ms', 'status_code', 'error'])
    .where('delivery_id', '=', sql<string>`any(${[...deliveryIds]}::bigint[])`)
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute()
}

/**
 * A failed HTTP attempt: no answer, or one outside 2xx. The partial index
 * `delivery_attempt_failed_recent` (migration 2026-12-05T0930) has these rows only, with this
 * very predicate, so successful attempts cost it nothing.
 */
const FAILED_ATTEMPT = sql`(status_code is null or status_code < 200 or status_code >= 300)`

/** Failed delivery attempts per minute since `since`: a range of the partial index. */
export async function failedAttemptsByMinute(
  db: Kysely<Database>,
  since: Date,
): Promise<{ readonly minute: Date; readonly failed: number }[]> {
  const { rows } = await sql<{ minute: Date; failed: string }>`
    select date_trunc('minute', started_at) as minute, count(*) as failed
      from delivery_attempt
     where ${FAILED_ATTEMPT} and started_at >= ${since}
     group by 1 order by 1`.execute(db)
  return rows.map((r) => ({ minute: r.minute, failed: Number(r.failed) }))
}
