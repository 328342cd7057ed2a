/**
 * One page of the seller's purchase orders changed in a window: All orders, `GET /v3/orders`
 * (https://developer.walmart.com/us-marketplace/reference/getallorders; parameters as mirrored in
 * repo:highsidelabs/walmart-api-php docs/Apis/MP/US/OrdersApi.md), sent with the account's token
 * (auth.ts) and paced by the API's own bucket (api-call.ts), as every Walmart call is.
 *
 * - First page: `lastModifiedStartDate` / `lastModifiedEndDate`, the window in ISO 8601 UTC to the
 *   millisecond; `createdStartDate` {@link CREATED_DAYS_BACK} days back, because without it Walmart
 *   lists only orders created in the last 7 days ("Default is current date - 7 days") and it
 *   lists none created more than 180 days ago ("Only orders created in last 180 days"): the
 *   day's margin keeps a clock apart from Walmart's from asking beyond that (whether Walmart
 *   refuses such a date is unconfirmed); `limit` 200, the most a page holds ("Cannot be larger
 *   than 200").
 * - Next pages: `list.meta.nextCursor` is the next page's query string, beginning with `?` and
 *   repeating the filters; the next page is `GET /v3/orders` with it appended, exactly
 *   (https://developer.walmart.com/ca-marketplace/reference/getallorders). A cursor that is not
 *   such a string is refused unsent, so no caller can make the client request another path.
 * - No order at all is answered 404 `CONTENT_NOT_FOUND` (repo:fulfilio/python-walmart PR #14,
 *   repo:fillup/walmart-partner-api-sdk-php PR #6): an empty last page. A 404 naming
 *   `URI_NOT_FOUND` (a wrong base URL) stays an error.
 *
 * Each order is the `order` object as listed, the shape Get an order answers (parsed losslessly),
 * with its purchase order id and update time (payloads.ts `orderUpdatedAt`). Walmart's own
 * bounds are unconfirmed to be inclusive or not, and its idea of a modification may differ from
 * that time, so an order is never dropped for a time outside the window. An order without a
 * readable id or times fails the page as permanent, naming it: the hub could neither key nor
 * order it.
 */
import { z } from 'zod'
import { ChannelApiError } from '../shared/api-error.js'
import { isRecord } from '../shared/http-exchange.js'
import type { ListedOrder, OrderPage, OrderWindow } from '../types.js'
import type { ApiCall } from './api-call.js'
import type { WalmartApi } from './auth.js'
import { orderUpdatedAt, WalmartId, WalmartTime } from './payloads.js'

/**
 * The most orders one page holds ("The number of orders to be returned. Cannot be larger than
 * 200."; "The page limit continues to be 200",
 * https://developer.walmart.com/us/whats-new/order-limit-increased-to-50000/).
 */
export const ORDERS_PER_PAGE = 200
/** How far back orders are asked for by creation (see the module comment). */
export const CREATED_DAYS_BACK = 179
const DAY_MS = 86_400_000

/** What the hub reads of a listed order itself; the rest is the normalizer's. */
const ListedWalmartOrder = z.looseObject({
  purchaseOrderId: WalmartId,
  orderDate: WalmartTime,
  orderLines: z.looseObject({
    orderLine: z.array(z.looseObject({ statusDate: WalmartTime.nullish() })),
  }),
})

export async function listOrderPage(
  api: WalmartApi,
  now: Date,
  window: OrderWindow,
  page: string | undefined,
): Promise<OrderPage> {
  const spec: ApiCall = {
    operation:
      page === undefined
        ? `list orders modified ${instant(window.from)} to ${instant(window.to)}`
        : 'list the next page of orders',
    method: 'GET',
    api: '/v3/orders',
    path: '/v3/orders',
  }
  const refuse = (why: string) => api.fail('permanent', spec, `not sent: ${why}`)

  let path: string
  if (page === undefined) {
    const [from, to] = [window.from.getTime(), window.to.getTime()]
    if (Number.isNaN(from) || Number.isNaN(to)) throw refuse('the window has an invalid time')
    if (from > to) throw refuse('the window ends before it begins')
    if (from === to) return { orders: [] }
    const createdFrom = new Date(now.getTime() - CREATED_DAYS_BACK * DAY_MS)
    path = `/v3/orders?${[
      `createdStartDate=${createdFrom.toISOString()}`,
      `lastModifiedStartDate=${window.from.toISOString()}`,
      `lastModifiedEndDate=${window.to.toISOString()}`,
      `limit=${ORDERS_PER_PAGE}`,
    ].join('&')}`
  } else {
    if (!/^\?[\x21-\x22\x24-\x7e]*$/.test(page))
      throw refuse('the page cursor is not a query string Walmart gave (nextCursor)')
    path = `/v3/orders${page}`
  }

  let value: unknown
  try {
    ;({ value } = await api.call({ ...spec, path }))
  } catch (err) {
    const none =
      err instanceof ChannelApiError &&
      err.details.status === 404 &&
      err.details.code?.startsWith('CONTENT_NOT_FOUND') === true
    if (none) return { orders: [] }
    throw err
  }

  const unexpected = (what: string) =>
    api.fail('permanent', spec, `unexpected answer: ${what}`, { status: 200 })
  const list = isRecord(value) ? value.list : undefined
  if (!isRecord(list)) throw unexpected('no `list` object')
  const elements = isRecord(list.elements) ? list.elements.order : undefined
  if (elements !== undefined && elements !== null && !Array.isArray(elements))
    throw unexpected('`list.elements.order` is not a list')
  const orders = (elements ?? []).map((record: unknown, index): ListedOrder => {
    const parsed = ListedWalmartOrder.safeParse(record)
    if (!parsed.success) {
      const id = isRecord(record) ? record.purchaseOrderId : undefined
      const named =
        typeof id === 'string' || typeof id === 'number' ? ` (purchase order ${id})` : ''
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(order)'}: ${issue.message}`)
        .join('; ')
      throw unexpected(`list.elements.order.${index}${named}: ${issues}`)
    }
    return { id: parsed.data.purchaseOrderId, updatedAt: orderUpdatedAt(parsed.data), record }
  })
  const meta = isRecord(list.meta) ? list.meta : {}
  const next = meta.nextCursor
  if (next === undefined || next === null || next === '') return { orders }
  if (typeof next !== 'string' || !next.startsWith('?'))
    throw unexpected('`list.meta.nextCursor` is not a query string')
  // A next page after an empty one would ask the same question again.
  return orders.length === 0 ? { orders } : { orders, next }
}

/** An instant for a message; an invalid Date must not throw before it is refused. */
function instant(at: Date): string {
  return Number.isNaN(at.getTime()) ? 'an invalid time' : at.toISOString()
}
