/**
 * Amazon's order list for order sync and backfill: getOrders, one page per call.
 *
 * `GET /orders/v0/orders` (repo:amzn/selling-partner-api-models models/orders-api-model/ordersV0.json):
 * - `MarketplaceIds` is required (at most 50, comma-separated as the model's array parameters
 *   are); `LastUpdatedAfter` and `LastUpdatedBefore` select orders "last updated after (or at)"
 *   and "before (or at)" those ISO 8601 times, an update being "any change in order status,
 *   including the creation of a new order". `LastUpdatedBefore` "should be … at least 2 minutes
 *   before current time": hence {@link AMAZON_ORDER_LIST_SETTLE_MS}.
 * - `MaxResultsPerPage` "must be 1 - 100. Default 100."
 * - The answer is `{ payload: { Orders: [Order], NextToken?, LastUpdatedBefore? } }`; "if
 *   NextToken is present, that will be used to retrieve the orders instead of other criteria", so
 *   a next page sends `NextToken` and the (required) `MarketplaceIds` only.
 * - Listed orders carry no items: the normalizer asks for them alone (an `order-items` need).
 * - "The Orders API supports orders that are two years old or less" (JP, AU and SG from 2016):
 *   {@link AMAZON_ORDER_RETENTION_MS}.
 * - Usage plan 0.0167 requests/s, burst 20 (api-call.ts `DEFAULT_RATE_LIMITS.getOrders`).
 *
 * Times are sent to the millisecond (`toISOString`). That Amazon compares them at that precision
 * is unconfirmed; its own times are whole seconds.
 */
import { isRecord } from '../shared/http-exchange.js'
import { percentEncode } from '../shared/percent-encode.js'
import type { Clock } from '../../src/clock.js'
import type { ChannelClient, ListedOrder, OrderPage, OrderWindow } from '../types.js'
import type { ApiCall } from './api-call.js'
import type { AmazonApi } from './auth.js'
import { AmazonTime } from './payloads.js'

const LIST_API = '/orders/v0/orders'
const DAY_MS = 86_400_000

/** `LastUpdatedBefore` must be at least two minutes before the time of the request. */
export const AMAZON_ORDER_LIST_SETTLE_MS = 120_000
/**
 * Two years, counted as 730 days so that it never reaches past what Amazon keeps ("two years old
 * or less"); longer for JP, AU and SG, which this single figure does not use.
 */
export const AMAZON_ORDER_RETENTION_MS = 730 * DAY_MS
/** "MaxResultsPerPage … Value must be 1 - 100": every page asks for the most. */
export const AMAZON_MAX_ORDERS_PER_PAGE = 100
/** `MarketplaceIds` "maxItems": 50. */
const MAX_MARKETPLACES = 50

/** A client that reads the order list (the Amazon client does). */
export interface ListsOrders extends ChannelClient {
  /**
   * One getOrders page of the orders last updated in `window` (`page`: the previous page's
   * `next`). Each record is `{ order: <Order as Amazon answered it> }`. A window ending less than
   * two minutes ago, or ending before it starts, is refused without a call (permanent); an empty
   * one is answered empty without a call.
   */
  listOrders(window: OrderWindow, page?: string): Promise<OrderPage>
}

/** One page of getOrders; see the module comment. */
export async function listOrderPage(
  api: Pick<AmazonApi, 'call' | 'fail'>,
  marketplaceIds: readonly string[],
  clock: Clock,
  window: OrderWindow,
  page: string | undefined,
  settleMs = AMAZON_ORDER_LIST_SETTLE_MS,
): Promise<OrderPage> {
  const label = { operation: 'list orders', method: 'GET' as const, api: LIST_API }
  const refuse = (why: string) => api.fail('permanent', label, `not sent: ${why}`)
  const from = window.from.getTime()
  const to = window.to.getTime()
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw refuse('the window has an invalid date')
  if (marketplaceIds.length === 0) throw refuse('no marketplace listed')
  if (marketplaceIds.length > MAX_MARKETPLACES) {
    throw refuse(
      `${marketplaceIds.length} marketplaces, getOrders takes at most ${MAX_MARKETPLACES}`,
    )
  }
  // Amazon would refuse it (400), after spending a call of a plan that refills one a minute.
  const latest = clock.now().getTime() - settleMs
  if (to > latest) {
    throw refuse(
      `the window ends at ${window.to.toISOString()}, less than ${settleMs / 1000} s ago; ` +
        `LastUpdatedBefore must be at least ${settleMs / 1000} s before now`,
    )
  }
  if (from > to) throw refuse('the window ends before it starts')
  if (page === undefined && from === to) return { orders: [] }

  const marketplaces = `MarketplaceIds=${marketplaceIds.map(percentEncode).join(',')}`
  const query =
    page === undefined
      ? [
          marketplaces,
          `LastUpdatedAfter=${percentEncode(window.from.toISOString())}`,
          `LastUpdatedBefore=${percentEncode(window.to.toISOString())}`,
          `MaxResultsPerPage=${AMAZON_MAX_ORDERS_PER_PAGE}`,
        ]
      : [marketplaces, `NextToken=${percentEncode(page)}`]
  const spec: ApiCall = {
    ...label,
    operationId: 'getOrders',
    path: `${LIST_API}?${query.join('&')}`,
  }
  const { value } = await api.call(spec)
  const payload = isRecord(value) ? value.payload : undefined
  const list = isRecord(payload) ? payload.Orders : undefined
  if (!isRecord(payload) || !Array.isArray(list)) {
    throw api.fail('permanent', spec, 'unexpected answer: no `payload.Orders` list')
  }
  const orders: ListedOrder[] = []
  list.forEach((entry: unknown, index) => {
    const listed = listedOrder(entry)
    if (typeof listed === 'string') {
      throw api.fail('permanent', spec, `unexpected answer: payload.Orders.${index}: ${listed}`)
    }
    // LastUpdatedBefore includes its instant, the window does not: an order updated exactly at
    // `to` is the next window's, whose LastUpdatedAfter (also inclusive) lists it.
    if (Date.parse(listed.updatedAt) < to) orders.push(listed)
  })
  const token = payload.NextToken
  const next = typeof token === 'string' && token !== '' ? token : undefined
  if (next !== undefined && next === page) {
    throw api.fail('permanent', spec, 'the answer repeats the NextToken just sent')
  }
  return next === undefined ? { orders } : { orders, next }
}

/** A listed Order as a {@link ListedOrder}, or why it cannot be one. */
function listedOrder(entry: unknown): ListedOrder | string {
  if (!isRecord(entry)) return 'not an object'
  const id = entry.AmazonOrderId
  if (typeof id !== 'string' || id === '') return 'no AmazonOrderId'
  const updated = AmazonTime.safeParse(entry.LastUpdateDate)
  if (!updated.success) return `order ${id} has no ISO 8601 LastUpdateDate`
  return { id, updatedAt: updated.data, record: { order: entry } }
}
