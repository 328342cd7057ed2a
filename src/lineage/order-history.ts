import type { Kysely } from 'kysely'
import type { Database, OrderFoundBy } from '../db/schema.js'
import { foundBy } from '../pipeline/order-sync-rows.js'
import { inTimeOrder, iso, link, type HistoryEntry } from './entries.js'
import {
  MAX_ORDER_MESSAGES,
  readDeliveries,
  readOrder,
  readOrderEvents,
  readOrderMessages,
  readOrderSkuChanges,
  readPushesAfter,
  readReservations,
  type MessageRow,
  type OrderKey,
} from './order-rows.js'
import { pushEntry } from './push-entry.js'

export type { OrderKey } from './order-rows.js'

export interface OrderHistory {
  readonly order: {
    readonly channel: string
    readonly account: string
    readonly id: string
    readonly status: string
    readonly foundBy: OrderFoundBy
    readonly createdAt: string
    readonly updatedAt: string
  }
  /** Every step, oldest first. */
  readonly entries: HistoryEntry[]
  /** More than `MAX_ORDER_MESSAGES` messages named the order: the history lists the first ones. */
  readonly truncated: boolean
}

/**
 * What happened to one channel order, in time order: each webhook (or order sync read) about it
 * and its normalization, the events it produced with their feed positions, each delivery to a
 * subscriber and every attempt, the order's reservations, the SKU changes they made and the stock
 * pushes that carried them. Undefined when the hub has no such order.
 */
export async function orderHistory(
  db: Kysely<Database>,
  key: OrderKey,
): Promise<OrderHistory | undefined> {
  const order = await readOrder(db, key)
  if (!order) return undefined
  const read = await readOrderMessages(db, key, order.last_inbox_id)
  const truncated = read.length > MAX_ORDER_MESSAGES
  const messages = read.slice(0, MAX_ORDER_MESSAGES)
  const events = await readOrderEvents(
    db,
    key.orderId,
    messages.map((m) => m.id),
  )
  const reservations = await readReservations(db, key)
  const skus = [...new Set(reservations.map((r) => r.sku))]
  const normalizedAt = messages.flatMap((m) => (m.processed_at ? [m.processed_at] : []))
  const changes = await readOrderSkuChanges(db, key, skus, normalizedAt)
  const { deliveries, attempts } = await readDeliveries(db, [
    ...events.map((e) => e.id),
    ...changes.map((e) => e.id),
  ])
  const pushes = await readPushesAfter(db, [
    ...changes.map((c) => ({ sku: c.sku, at: c.recorded_at })),
    ...reservations.map((r) => ({ sku: r.sku, at: r.updated_at })),
  ])

  const entries: HistoryEntry[] = []
  if (order.found_by !== 'webhook')
    entries.push({
      at: iso(order.created_at),
      kind: 'poll',
      summary: `Order ${key.orderId} was first found by order ${order.found_by === 'backfill' ? 'backfill' : 'sync'} (the channel's order list), not by a webhook.`,
      ids: { order: order.id },
      links: { orderSync: link.orderSync(key.channel, key.accountId) },
    })
  for (const m of messages) entries.push(...messageEntries(key, m))
  const eventById = new Map([...events, ...changes].map((e) => [e.id, e]))
  for (const e of events)
    entries.push({
      at: iso(e.recorded_at),
      kind: 'event',
      summary: `${e.type} about ${e.subject} was recorded${positioned(e.position)}.`,
      ids: { event: e.id, ...(e.inbox_id ? { inbox: e.inbox_id } : {}), ...posId(e.position) },
      links: {
        ...(e.inbox_id ? { inbox: link.inbox(e.inbox_id) } : {}),
        ...(e.position ? { feed: link.feedAt(e.position) } : {}),
      },
    })
  for (const c of changes)
    entries.push({
      at: iso(c.recorded_at),
      kind: 'event',
      summary: `${c.sku}'s available-to-sell went from ${c.previous_ats} to ${c.ats} (${c.reserved} reserved), by this order's reservations${positioned(c.position)}.`,
      ids: { event: c.id, sku: c.sku, ...posId(c.position) },
      links: {
        ...(c.position ? { feed: link.feedAt(c.position) } : {}),
        inventory: link.inventory(c.sku),
        skuHistory: link.skuHistory(c.sku),
      },
    })
  for (const d of deliveries) {
    const event = eventById.get(d.event_id)
    entries.push({
      at: iso(d.created_at),
      kind: 'delivery',
      summary: `${event?.type ?? 'The event'} is owed to subscription ${d.subscription_id}: ${d.status} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}.`,
      ids: { delivery: d.id, event: d.event_id, subscription: d.subscription_id },
      links: {
        delivery: link.delivery(d.subscription_id, d.id),
        subscription: link.subscription(d.subscription_id),
      },
    })
  }
  const subscriptionOf = new Map(deliveries.map((d) => [d.id, d.subscription_id]))
  for (const a of attempts) {
    const subscription = subscriptionOf.get(a.delivery_id)!
    const answer =
      a.status_code !== null ? `answered ${a.status_code}` : `failed (${a.error ?? 'no answer'})`
    entries.push({
      at: iso(a.started_at),
      kind: 'delivery_attempt',
      summary: `Attempt ${a.attempt} of delivery ${a.delivery_id} to subscription ${subscription} ${answer} in ${a.duration_ms} ms.`,
      ids: { attempt: a.id, delivery: a.delivery_id, subscription },
      links: { delivery: link.delivery(subscription, a.delivery_id) },
    })
  }
  for (const r of reservations)
    entries.push({
      at: iso(r.updated_at),
      kind: 'reservation',
      summary: `Line ${r.line_id} holds ${r.held} of ${r.sku} and has shipped ${r.consumed}${r.location ? ` from ${r.location}` : ''} (as last changed).`,
      ids: { line: r.line_id, sku: r.sku },
      links: { inventory: link.inventory(r.sku), skuHistory: link.skuHistory(r.sku) },
    })
  for (const p of pushes) entries.push(pushEntry(p))
  return {
    order: {
      channel: key.channel,
      account: key.accountId,
      id: key.orderId,
      status: order.status,
      foundBy: order.found_by,
      createdAt: iso(order.created_at),
      updatedAt: iso(order.updated_at),
    },
    entries: inTimeOrder(entries),
    truncated,
  }
}

/** A message's arrival (a webhook, or an order sync read) and its normalization. */
function messageEntries(key: OrderKey, m: MessageRow): HistoryEntry[] {
  const how = foundBy(m)
  const ids = { inbox: m.id }
  const links = { inbox: link.inbox(m.id) }
  const arrived: HistoryEntry =
    how === 'webhook'
      ? {
          at: iso(m.received_at),
          kind: 'webhook',
          summary: `A ${key.channel} ${m.topic} webhook about order ${key.orderId} was received.`,
          ids,
          links,
        }
      : {
          at: iso(m.received_at),
          kind: 'poll',
          summary: `Order ${how} read order ${key.orderId} from ${key.channel}'s order list.`,
          ids,
          links: { ...links, orderSync: link.orderSync(key.channel, key.accountId) },
        }
  if (!m.processed_at) return [arrived]
  return [
    arrived,
    {
      at: iso(m.processed_at),
      kind: 'normalization',
      summary: `Message ${m.id} was ${m.status}${outcomeText(m.outcome)}.`,
      ids,
      links,
    },
  ]
}

function outcomeText(outcome: MessageRow['outcome']): string {
  if (!outcome) return ''
  if ('events' in outcome)
    return `: ${outcome.events} event${outcome.events === 1 ? '' : 's'} produced`
  if ('reason' in outcome) return `: ${outcome.reason}`
  return `: ${outcome.issues.slice(0, 3).join('; ')}`
}

function positioned(position: string | null): string {
  return position ? ` at feed position ${position}` : ', not yet in the feed'
}

function posId(position: string | null): Record<string, string> {
  return position ? { position } : {}
}
