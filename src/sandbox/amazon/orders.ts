/**
 * Buyers' orders on the emulated Amazon: placing one takes stock and records the order before its
 * ORDER_CHANGE is built, so the order is readable when the hub hydrates the notification; the
 * Orders API v0 reads (getOrder, getOrderItems) serve the record.
 *
 * Simplification: a real order is Pending first (payment not yet authorized) and becomes
 * Unshipped later, with a notification for each; the emulator places it Unshipped at once and
 * sends one.
 *
 * getOrderItems pages by `NextToken` (repo:amzn/selling-partner-api-models
 * models/orders-api-model/ordersV0.json: "When present and not empty, pass this string token in
 * the next request to return the next response page"). Amazon documents no page size; the
 * emulator's is {@link DEFAULT_ORDER_ITEMS_PER_PAGE} unless configured. Its tokens are opaque
 * base64 text holding `+`, `/` and `=`, as Amazon's do, so a client must percent-encode them in
 * the query (https://developer-docs.amazon.com/sp-api/docs/url-encoding); one sent raw, or for
 * another order, is refused 400 `InvalidInput`.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { returnStock, takeStock } from '../buyer-stock.js'
import type { ChannelState, PlacedLine, PlaceOrderResult, SignedWebhook } from '../types.js'
import type { SpApiReply } from './admission.js'
import { cancelledRecord, itemLines, newOrderRecord, storedOrder } from './records.js'
import { orderMarketplace, type AmazonSeller } from './seller.js'
import { orderChangeWebhook } from './webhooks.js'

/** Order items per getOrderItems page unless configured (undocumented; the emulator's choice). */
export const DEFAULT_ORDER_ITEMS_PER_PAGE = 100
/** Page tokens kept per seller; the oldest are forgotten beyond this, so a long run stays small. */
const KEPT_PAGE_TOKENS = 1_000

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
  seller: AmazonSeller,
  lines: readonly PlacedLine[],
  at: Date,
): PlaceOrderResult {
  const refused = takeStock(state, lines)
  if (refused !== undefined) return { accepted: false, reason: refused }
  const { orderId, itemIdPrefix } = nextOrderIds(state)
  const record = newOrderRecord(orderId, itemIdPrefix, orderMarketplace(seller), lines, at)
  state.orders.set(orderId, record)
  state.stats.ordersAccepted += 1
  return { accepted: true, orderId, webhooks: [orderChangeWebhook(state, seller, record, at)] }
}

/** Cancels an open order and returns its stock; an unknown or already cancelled one sends nothing. */
export function cancelOrder(
  state: ChannelState,
  seller: AmazonSeller,
  orderId: string,
  at: Date,
): SignedWebhook[] {
  const record = storedOrder(state.orders, orderId)
  if (record === undefined || record.order.OrderStatus === 'Canceled') return []
  for (const line of itemLines(record)) returnStock(state, line.sku, line.quantity)
  const cancelled = cancelledRecord(record, at)
  state.orders.set(orderId, cancelled)
  return [orderChangeWebhook(state, seller, cancelled, at)]
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

/** Where each page token issued for a seller continues: the order and the first item's index. */
const pageTokens = new WeakMap<ChannelState, Map<string, { orderId: string; offset: number }>>()

/**
 * An opaque token: base64 of bytes chosen to give `+/+/` and `==`, then random ones (the order
 * list's tokens too, order-list.ts).
 */
export function newPageToken(): string {
  return Buffer.concat([Buffer.from([0xfb, 0xff, 0xbf]), randomBytes(13)]).toString('base64')
}

/**
 * getOrderItems: `{ payload: { AmazonOrderId, OrderItems, NextToken? } }`, `perPage` items a
 * page, from the page `nextToken` (as the query decodes it) points to.
 */
export function getOrderItems(
  state: ChannelState,
  orderId: string,
  nextToken: string | undefined,
  perPage: number,
  reply: SpApiReply,
): Response {
  const record = storedOrder(state.orders, orderId)
  if (record === undefined) return notFound(reply, orderId)
  let tokens = pageTokens.get(state)
  if (tokens === undefined) {
    tokens = new Map()
    pageTokens.set(state, tokens)
  }
  let offset = 0
  if (nextToken !== undefined) {
    const page = tokens.get(nextToken)
    if (page?.orderId !== orderId) {
      return reply.refuse(400, [{ code: 'InvalidInput', message: 'Invalid NextToken' }])
    }
    offset = page.offset
  }
  const end = Math.min(record.orderItems.length, offset + perPage)
  const payload: Record<string, unknown> = {
    AmazonOrderId: orderId,
    OrderItems: record.orderItems.slice(offset, end),
  }
  if (end < record.orderItems.length) {
    const token = newPageToken()
    tokens.set(token, { orderId, offset: end })
    if (tokens.size > KEPT_PAGE_TOKENS) tokens.delete(tokens.keys().next().value!)
    payload.NextToken = token
  }
  return reply.json({ payload })
}
