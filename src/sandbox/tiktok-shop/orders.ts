/**
 * Buyers on the emulated TikTok shop, and the order reads of its API. Orders placed and cancelled
 * are kept as Get Order Detail records (records.ts; the type-1 webhook is thin, the hub fetches the
 * order, channels.md §4 A5). Specs mirrored in repo:lazykern/ecommerce-api-docs
 * data/raw/tiktok/api-reference/:
 * - Get Order Detail (orders/get-order-detail.spec.json): `ids`, at most 50; an order the shop
 *   does not have is left out of `data.orders`, and an empty list is left out of the answer.
 * - Search Returns (return-and-refund/search-returns.spec.json): filters `return_ids` and
 *   `order_ids`; `page_size` within [10, 50], default 10, else 25001001 ("An invalid request
 *   parameter was passed"); results in `create_time` order (the default sort, ascending), with an
 *   opaque `next_page_token` while more remain, and `total_count`.
 */
import { returnStock, takeStock } from '../buyer-stock.js'
import type { ChannelState, PlaceOrderResult, PlacedLine, SignedWebhook } from '../types.js'
import type { Outcome } from './admission.js'
import { orderRecord, returnsOf, type EmulatedOrder } from './records.js'
import { freshId } from './seller.js'
import { tiktokWebhook, unixSeconds } from './webhooks.js'

/** Type 1 ORDER_STATUS_CHANGE (connectors/tiktok-shop/topics.ts). */
const ORDER_STATUS_CHANGE = 1
const MAX_ORDER_IDS = 50
const MIN_PAGE_SIZE = 10
const MAX_PAGE_SIZE = 50
/** Not a documented TikTok code: the answer to parameters the docs say nothing more about. */
export const INVALID_PARAMETER = 40_006
/** Search Returns' "An invalid request parameter was passed." */
const INVALID_RETURNS_PARAMETER = 25_001_001

export function placeOrder(
  state: ChannelState,
  lines: readonly PlacedLine[],
  at: Date,
): PlaceOrderResult {
  const refused = takeStock(state, lines)
  if (refused !== undefined) return { accepted: false, reason: refused }
  const orderId = freshId('57', at)
  const time = unixSeconds(at)
  state.orders.set(orderId, orderRecord(orderId, lines, time))
  state.stats.ordersAccepted += 1
  // The buyer paid at once: TikTok announces the order as AWAITING_SHIPMENT.
  const data = {
    order_id: orderId,
    order_status: 'AWAITING_SHIPMENT',
    is_on_hold_order: false,
    update_time: time,
  }
  return {
    accepted: true,
    orderId,
    webhooks: [tiktokWebhook(state, ORDER_STATUS_CHANGE, data, at)],
  }
}

export function cancelOrder(
  state: ChannelState,
  orderId: string,
  at: Date,
): readonly SignedWebhook[] {
  const order = state.orders.get(orderId) as EmulatedOrder | undefined
  if (order === undefined || order.status === 'CANCELLED') return []
  for (const item of order.line_items) {
    returnStock(state, item.seller_sku, 1)
    item.display_status = 'CANCELLED'
  }
  const time = unixSeconds(at)
  order.status = 'CANCELLED'
  // The order list selects and sorts by update_time, in whole seconds: a change within the second
  // of the one before is still dated after it (how TikTok dates that case is unconfirmed).
  order.update_time = Math.max(time, order.update_time + 1)
  order.cancel_time = time
  order.cancel_reason = 'No longer needed'
  order.cancellation_initiator = 'BUYER'
  // The type-1 webhook spells the status CANCEL; the order record says CANCELLED (channels.md §4 A4).
  const data = {
    order_id: orderId,
    order_status: 'CANCEL',
    is_on_hold_order: false,
    update_time: order.update_time,
  }
  return [tiktokWebhook(state, ORDER_STATUS_CHANGE, data, at)]
}

/** Get Order Detail for the comma-separated `ids`. */
export function getOrders(state: ChannelState, ids: string): Outcome {
  const wanted = ids.split(',').filter((id) => id !== '')
  if (wanted.length === 0 || wanted.length > MAX_ORDER_IDS) {
    const message = `ids: 1 to ${MAX_ORDER_IDS} order ids, got ${wanted.length}`
    return { code: INVALID_PARAMETER, message }
  }
  const orders = wanted.flatMap((id) => {
    const order = state.orders.get(id)
    return order === undefined ? [] : [order]
  })
  return { data: orders.length === 0 ? {} : { orders } }
}

/** What Search Returns reads from its query and body. */
export interface ReturnsSearch {
  readonly pageSize: string | null
  readonly pageToken: string | null
  readonly filter: Readonly<Record<string, unknown>>
}

export function searchReturns(state: ChannelState, search: ReturnsSearch): Outcome {
  const pageSize = Number(search.pageSize ?? MIN_PAGE_SIZE)
  if (!Number.isInteger(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
    const message = `page_size must be within [${MIN_PAGE_SIZE}, ${MAX_PAGE_SIZE}]`
    return { code: INVALID_RETURNS_PARAMETER, message }
  }
  const offset = search.pageToken ? offsetOf(search.pageToken) : 0
  if (offset === undefined) {
    return { code: INVALID_RETURNS_PARAMETER, message: 'page_token is not one this API issued' }
  }
  const returnIds = idList(search.filter.return_ids)
  const orderIds = idList(search.filter.order_ids)
  const matched = [...returnsOf(state).values()]
    .filter((r) => !returnIds || returnIds.includes(String(r.return_id)))
    .filter((r) => !orderIds || orderIds.includes(String(r.order_id)))
    .sort((a, b) => Number(a.create_time ?? 0) - Number(b.create_time ?? 0))
  const end = offset + pageSize
  return {
    data: {
      return_orders: matched.slice(offset, end),
      total_count: matched.length,
      next_page_token: end < matched.length ? returnsPageToken(end) : '',
    },
  }
}

/**
 * The `next_page_token` the emulator issues for the page starting at `offset`: opaque to a caller,
 * as TikTok's are (base64 text, like the spec's example).
 */
export function returnsPageToken(offset: number): string {
  return Buffer.from(`returns:${offset}`, 'utf8').toString('base64')
}

function offsetOf(token: string): number | undefined {
  const match = /^returns:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'))
  return match ? Number(match[1]) : undefined
}

/** A filter's id list; undefined when the filter is absent (no filtering on it). */
function idList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined
}
