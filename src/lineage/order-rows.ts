import { sql, type Kysely } from 'kysely'
import type { Database, InboxOutcome, InboxStatus } from '../db/schema.js'
import { getOrder } from '../db/repos/orders.js'
import type { ChannelId } from '../events/index.js'
import type { PushRow } from './push-entry.js'

// The reads behind an order's history. Each goes through an index (named on it) and has a bound,
// so an order with an unusual history costs a page of rows, never a scan.

/** The most messages one order's history reads; more is `truncated`. */
export const MAX_ORDER_MESSAGES = 200
/** How long after a message was normalized the SKU changes it caused are looked for. */
const SETTLE_WINDOW = '2 minutes'

export interface OrderKey {
  readonly channel: ChannelId
  readonly accountId: string
  readonly orderId: string
}

/** The order (`sales_order_key`). */
export function readOrder(db: Kysely<Database>, key: OrderKey) {
  return getOrder(db, { channel: key.channel, accountId: key.accountId, externalId: key.orderId })
}

export interface MessageRow {
  readonly id: string
  readonly topic: string
  readonly dedupe_key: string
  readonly received_at: Date
  readonly processed_at: Date | null
  readonly status: InboxStatus
  readonly outcome: InboxOutcome | null
}

/**
 * The account's messages about the order, oldest first: those its normalization indexed under the
 * order id (`inbox_subject` primary key), and the one that last changed it.
 */
export async function readOrderMessages(
  db: Kysely<Database>,
  key: OrderKey,
  lastInboxId: string | null,
): Promise<MessageRow[]> {
  return db
    .selectFrom('inbox_message')
    .select(['id', 'topic', 'dedupe_key', 'received_at', 'processed_at', 'status', 'outcome'])
    .where('channel', '=', key.channel)
    .where('account_id', '=', key.accountId)
    .where((eb) =>
      eb.or([
        eb(
          'id',
          'in',
          eb
            .selectFrom('inbox_subject')
            .select('inbox_id')
            .where('kind', '=', 'order')
            .where('value', '=', key.orderId),
        ),
        ...(lastInboxId === null ? [] : [eb('id', '=', lastInboxId)]),
      ]),
    )
    .orderBy('id')
    .limit(MAX_ORDER_MESSAGES + 1)
    .execute()
}

export interface EventRow {
  readonly id: string
  readonly type: string
  readonly subject: string
  readonly position: string | null
  readonly recorded_at: Date
  readonly inbox_id: string | null
}

/** The events the messages produced about the order (`outbox_event_inbox`). */
export async function readOrderEvents(
  db: Kysely<Database>,
  orderId: string,
  inboxIds: readonly string[],
): Promise<EventRow[]> {
  if (inboxIds.length === 0) return []
  return db
    .selectFrom('outbox_event')
    .select(['id', 'type', 'subject', 'position', 'recorded_at', 'inbox_id'])
    .where('inbox_id', '=', sql<string>`any(${inboxIds}::bigint[])`)
    .where('subject', '=', `order/${orderId}`)
    .execute()
}

export interface SkuChangeRow extends EventRow {
  readonly sku: string
  readonly ats: number
  readonly previous_ats: number
  readonly reserved: number
}

/**
 * The `inventory.changed.v1` events whose cause names the order, among those recorded within a
 * short window after each of its messages was normalized (`outbox_event_sku_subject`). A change
 * settled together with a later order's is named by that order, and is not among them.
 */
export async function readOrderSkuChanges(
  db: Kysely<Database>,
  key: OrderKey,
  skus: readonly string[],
  normalizedAt: readonly Date[],
): Promise<SkuChangeRow[]> {
  if (skus.length === 0 || normalizedAt.length === 0) return []
  const { rows } = await sql<SkuChangeRow>`
    select distinct e.id, e.type, e.subject, e.position, e.recorded_at, e.inbox_id,
           e.envelope -> 'data' ->> 'sku' as sku,
           (e.envelope -> 'data' ->> 'ats')::integer as ats,
           (e.envelope -> 'data' ->> 'previousAts')::integer as previous_ats,
           (e.envelope -> 'data' ->> 'reserved')::integer as reserved
      from unnest(${normalizedAt.map((d) => d.toISOString())}::timestamptz[]) as m(at)
      join outbox_event e
        on e.subject = any(${skus.map((s) => `sku/${s}`)}::text[]) and e.subject like 'sku/%'
       and e.recorded_at >= m.at and e.recorded_at < m.at + ${SETTLE_WINDOW}::interval
     where e.type = 'inventory.changed.v1'
       and e.envelope -> 'data' -> 'cause' ->> 'reference' = ${key.orderId}
       and e.envelope -> 'data' -> 'cause' ->> 'channel' = ${key.channel}
       and e.envelope -> 'data' -> 'cause' ->> 'account' = ${key.accountId}`.execute(db)
  return rows
}

/** Deliveries of the events (`delivery_event_subscription`), with their attempts. */
export async function readDeliveries(db: Kysely<Database>, eventIds: readonly string[]) {
  if (eventIds.length === 0) return { deliveries: [], attempts: [] }
  const deliveries = await db
    .selectFrom('delivery')
    .select(['id', 'event_id', 'subscription_id', 'status', 'attempts', 'created_at'])
    .where('event_id', '=', sql<string>`any(${eventIds}::text[])`)
    .execute()
  const attempts =
    deliveries.length === 0
      ? []
      : await db
          .selectFrom('delivery_attempt')
          .select([
            'id',
            'delivery_id',
            'attempt',
            'started_at',
            'duration_ms',
            'status_code',
            'error',
          ])
          .where('delivery_id', '=', sql<string>`any(${deliveries.map((d) => d.id)}::bigint[])`)
          .execute()
  return { deliveries, attempts }
}

/** The order's reservation rows (the reservation primary key). */
export function readReservations(db: Kysely<Database>, key: OrderKey) {
  return db
    .selectFrom('reservation')
    .select(['line_id', 'sku', 'held', 'consumed', 'location', 'updated_at'])
    .where('channel', '=', key.channel)
    .where('account_id', '=', key.accountId)
    .where('order_id', '=', key.orderId)
    .orderBy('line_id')
    .execute()
}

/** How long after a change the push that carried it is looked for (a throttled queue waits). */
const PUSH_WINDOW = '15 minutes'

/**
 * For each (SKU, time), the first push of each of the SKU's listings at or after it, within
 * `PUSH_WINDOW` (`stock_push_by_sku`): the pushes that carried a change made then. Pushes are
 * coalesced, so one push may carry several orders' changes.
 */
export async function readPushesAfter(
  db: Kysely<Database>,
  anchors: ReadonlyArray<{ readonly sku: string; readonly at: Date }>,
): Promise<PushRow[]> {
  if (anchors.length === 0) return []
  const { rows } = await sql<PushRow>`
    select distinct p.*
      from unnest(${anchors.map((a) => a.sku)}::text[], ${anchors.map((a) => a.at.toISOString())}::timestamptz[]) as a(sku, at)
      join listing l on l.sku = a.sku
      cross join lateral (
        select s.* from stock_push s
         where s.sku = a.sku and s.at >= a.at and s.at < a.at + ${PUSH_WINDOW}::interval
           and s.listing_id = l.id
         order by s.at limit 1
      ) p`.execute(db)
  return rows
}
