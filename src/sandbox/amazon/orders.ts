/**
 * Buyers' orders on the emulated Amazon: placing one takes stock and records the order before its
 * ORDER_CHANGE is built, so the order is readable when the hub hydrates the notification; the
 * Orders API v0 reads (getOrder, getOrderItems) serve the record.
 *
 * Simplification: a real order is Pending first (payment not yet authorized) and becomes
 * Unshipped later, with a notification for each; the emulator places it Unshipped at once and
 * sends one.
 */
import { randomInt } from 'node:crypto'
import type { ChannelState, PlacedLine, PlaceOrderResult, SignedWebhook } from '../types.js'
import { cancelledRecord, itemLines, newOrderRecord, storedOrder } from './records.js'
import type { SpApiReply } from './admission.js'
import { orderChangeWebhook } from './webhooks.js'
import { returnStock, takeStock } from '../buyer-stock.js'

/**
 * Order numbering per emulator state: a random run number in the middle group, so a sandbox
 * restarted against the same hub database never reuses an AmazonOrderId, and a sequence.
 */
const numbering = new WeakMap<ChannelState, { readonly run: number; seq: number }>()

function nextOrderIds(state: ChannelState): { orderId: string; itemIdPrefix: string } {
  let n = numbering.get(state)
  if (n === undefined) {
    n = { run: randomInt(0, 10_000_000), seq: 0 }
    numbering.set(state, n)
  }
  n.seq += 1
  const run = String(n.run).padStart(7, '0')
  const seq = String(n.seq).padStart(7, '0')
  // 3-7-7 like Amazon's ids; item ids are 14 digits like Amazon's (5 + 7 + the line's 2).
  return { orderId: `113-${run}-${seq}`, itemIdPrefix: `${run.slice(-5)}${seq}` }
}

export function placeOrder(
  state: ChannelState,
  lines: readonly PlacedLine[],
  at: Date,
): PlaceOrderResult {
  const refused = takeStock(state, lines)
  if (refused !== undefined) return { accepted: false, reason: refused }
  const { orderId, itemIdPrefix } = nextOrderIds(state)
  const record = newOrderRecord(orderId, itemIdPrefix, lines, at)
  state.orders.set(orderId, record)
  state.stats.ordersAccepted += 1
  return { accepted: true, orderId, webhooks: [orderChangeWebhook(state, record, at)] }
}

/** Cancels an open order and returns its stock; an unknown or already cancelled one sends nothing. */
export function cancelOrder(state: ChannelState, orderId: string, at: Date): SignedWebhook[] {
  const record = storedOrder(state.orders, orderId)
  if (record === undefined || record.order.OrderStatus === 'Canceled') return []
  for (const line of itemLines(record)) returnStock(state, line.sku, line.quantity)
  const cancelled = cancelledRecord(record, at)
  state.orders.set(orderId, cancelled)
  return [orderChangeWebhook(state, cancelled, at)]
}

/**
 * 404 for an order the seller does not have. A real order can be briefly unreadable after its
 * notification, which the client treats as "not visible yet"; the emulator records orders first,
 * so here it means an unknown id.
 */
function notFound(reply: SpApiReply, orderId: string): Response {
  return reply.refuse(404, [{ code: 'NotFound', message: `Order ${orderId} not found` }])
}

/** getOrder: `{ payload: Order }`. */
export function getOrder(state: ChannelState, orderId: string, reply: SpApiReply): Response {
  const record = storedOrder(state.orders, orderId)
  return record === undefined ? notFound(reply, orderId) : reply.json({ payload: record.order })
}

/** getOrderItems: `{ payload: { AmazonOrderId, OrderItems } }`, one page (no NextToken). */
export function getOrderItems(state: ChannelState, orderId: string, reply: SpApiReply): Response {
  const record = storedOrder(state.orders, orderId)
  if (record === undefined) return notFound(reply, orderId)
  return reply.json({ payload: { AmazonOrderId: orderId, OrderItems: record.orderItems } })
}
