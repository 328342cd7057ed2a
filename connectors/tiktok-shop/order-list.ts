/**
 * TikTok Shop's order list for order sync and backfill: Get Order List, one page per call.
 *
 * `POST /order/202309/orders/search` (https://partner.tiktokshop.com/docv2/page/get-order-list-202309,
 * mirror repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/orders/get-order-list.spec.json):
 * - query `page_size` "Valid range: [1-100]" (default 20), `page_token` (the previous answer's
 *   `next_page_token`, opaque), `sort_field` `create_time` (default) or `update_time`,
 *   `sort_order` `ASC` or `DESC` (default); signed like every call (sign-request.ts).
 * - body `update_time_ge` ("updated on or after", Unix seconds) and `update_time_lt` ("updated
 *   before"); an absent `update_time_lt` means now.
 * - answer `data.orders[]` (the same order object as Get Order Detail's, items and money
 *   included, so a listed order needs no further read), `data.next_page_token`,
 *   `data.total_count`.
 *
 * Retention: TikTok documents no limit on how far back the list reaches (**unconfirmed**; none
 * found in the Order API overview, Get Order List or the developer guides).
 * {@link TIKTOK_ORDER_RETENTION_MS} is 90 days, chosen short on purpose: the hub refuses a backfill
 * from before it rather than report one complete that TikTok silently cut short; a longer figure
 * is a one-line change once TikTok's is known.
 *
 * Settling: TikTok documents no delay between an order's update and its appearance in the list
 * (**unconfirmed**). A search index commonly lags its source by seconds, so a window closes
 * {@link TIKTOK_ORDER_LIST_SETTLE_MS} in the past rather than at now.
 */
import { DigitId } from '../shared/digit-id.js'
import { isRecord } from '../shared/http-exchange.js'
import type { ChannelClient, ListedOrder, OrderPage, OrderWindow } from '../types.js'
import type { ApiCall, TikTokApi } from './api-call.js'

const SEARCH_PATH = '/order/202309/orders/search'
const DAY_MS = 86_400_000

/** "page_size … Valid range: [1-100]": every page asks for the most. */
export const TIKTOK_MAX_ORDERS_PER_PAGE = 100
/** See the module comment (unconfirmed, chosen short). */
export const TIKTOK_ORDER_RETENTION_MS = 90 * DAY_MS
/** See the module comment (unconfirmed). */
export const TIKTOK_ORDER_LIST_SETTLE_MS = 60_000

/** A client that reads the order list (the TikTok Shop client does). */
export interface ListsOrders extends ChannelClient {
  /**
   * One Get Order List page of the orders last updated in `window`, oldest update first (`page`:
   * the previous page's `next`). Each record is the order as TikTok answered it. TikTok's times
   * are whole seconds, so the window is sent as the seconds whose instants fall in it; one that
   * holds no whole second is answered empty without a call, one that ends before it starts is
   * refused without a call (permanent).
   */
  listOrders(window: OrderWindow, page?: string): Promise<OrderPage>
}

/** One page of Get Order List; see the module comment. */
export async function listOrderPage(
  api: Pick<TikTokApi, 'call' | 'fail' | 'recordsIn'>,
  window: OrderWindow,
  page: string | undefined,
): Promise<OrderPage> {
  const label = { operation: 'list orders', method: 'POST' as const, api: SEARCH_PATH }
  const refuse = (why: string) => api.fail('permanent', label, `not sent: ${why}`)
  const from = window.from.getTime()
  const to = window.to.getTime()
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw refuse('the window has an invalid date')
  if (from > to) throw refuse('the window ends before it starts')
  // An order updated at second s is in [from, to) exactly when ceil(from) ≤ s < ceil(to).
  const ge = Math.ceil(from / 1000)
  const lt = Math.ceil(to / 1000)
  if (page === undefined && ge >= lt) return { orders: [] }

  const spec: ApiCall = {
    ...label,
    path: SEARCH_PATH,
    params: {
      page_size: String(TIKTOK_MAX_ORDERS_PER_PAGE),
      sort_field: 'update_time',
      sort_order: 'ASC',
      ...(page === undefined ? {} : { page_token: page }),
    },
    body: { update_time_ge: ge, update_time_lt: lt },
  }
  const answer = await api.call(spec)
  const orders = api.recordsIn(spec, answer, 'orders').map((record, index): ListedOrder => {
    const listed = listedOrder(record)
    if (typeof listed === 'string') {
      throw api.fail('permanent', spec, `unexpected answer: data.orders.${index}: ${listed}`)
    }
    return listed
  })
  const token = answer.data.next_page_token
  const next = typeof token === 'string' && token !== '' ? token : undefined
  if (next !== undefined && next === page) {
    throw api.fail('permanent', spec, 'the answer repeats the page_token just sent')
  }
  return next === undefined ? { orders } : { orders, next }
}

/** A listed order as a {@link ListedOrder}, or why it cannot be one. */
function listedOrder(record: unknown): ListedOrder | string {
  if (!isRecord(record)) return 'not an object'
  const id = DigitId.safeParse(record.id)
  if (!id.success) return 'no order id as a digit string'
  const updated = record.update_time
  if (typeof updated !== 'number' || !Number.isSafeInteger(updated) || updated < 0) {
    return `order ${id.data} has no update_time in Unix seconds`
  }
  return { id: id.data, updatedAt: new Date(updated * 1000).toISOString(), record }
}
