/**
 * One page of the store's orders changed in a window: REST
 * `GET /admin/api/{version}/orders.json`
 * (https://shopify.dev/docs/api/admin-rest/latest/resources/order#get-orders), sent by
 * rest-call.ts.
 *
 * - First page: `status=any` (the default, `open`, leaves cancelled and closed orders out),
 *   `updated_at_min` / `updated_at_max` ("at or after" / "at or before"), `limit=250` (the most a
 *   page holds) and `order=updated_at asc`. The bounds go to the second, floored, in Shopify's
 *   documented form (`2014-04-25T16:15:47-04:00`, here in UTC): Shopify stamps orders to the
 *   second, and flooring both ends puts every instant of [from, to) within the bounds of this
 *   window or the next (an order at a bound may come in both: the inbox dedupes it).
 * - Next pages: the cursor is the `page_info` of the answer's `Link` header, `rel="next"`
 *   (https://shopify.dev/docs/api/admin-rest/usage/pagination). It carries the query, and Shopify
 *   refuses filters beside it, so a next page sends only `limit` and `page_info`. Only the
 *   page_info is read from the link, never its URL: every request goes to the account's own API
 *   base, whatever host a header names.
 *
 * Each order is the REST Order as listed (parsed losslessly, ids beyond 2^53 kept as digits), the
 * shape `orders/updated` carries, with its id and `updated_at` (as ISO 8601 UTC). `updated_at` can
 * fall just outside the window (a bound's second, see above). An order without a readable id or
 * `updated_at` fails the page as permanent, naming it: the hub could neither key nor order it.
 */
import { z } from 'zod'
import { DigitId } from '../shared/digit-id.js'
import { isRecord } from '../shared/http-exchange.js'
import type { ListedOrder, OrderPage, OrderWindow } from '../types.js'
import type { ShopifyRest } from './rest-call.js'

/**
 * The most orders one page holds: `limit` is 50 by default and 250 at most (the order resource's
 * `limit`, link above; also https://community.shopify.com/c/Technical-Q-A/Rest-API/m-p/1137540).
 */
export const ORDERS_PER_PAGE = 250

const RESOURCE = '/orders.json'

/** What the hub reads of a listed order itself; the rest is the normalizer's. */
const ListedShopifyOrder = z.looseObject({
  id: DigitId,
  updated_at: z.iso.datetime({ offset: true }),
})

export async function listOrderPage(
  rest: ShopifyRest,
  window: OrderWindow,
  page: string | undefined,
): Promise<OrderPage> {
  const operation =
    page === undefined
      ? `list orders updated ${instant(window.from)} to ${instant(window.to)}`
      : 'list the next page of orders'
  const spec = rest.label({ operation, resource: RESOURCE })
  const refuse = (why: string) => rest.fail('permanent', spec, `not sent: ${why}`)

  let query: string
  if (page === undefined) {
    const [from, to] = [window.from.getTime(), window.to.getTime()]
    if (Number.isNaN(from) || Number.isNaN(to)) throw refuse('the window has an invalid time')
    if (from > to) throw refuse('the window ends before it begins')
    if (from === to) return { orders: [] }
    query = [
      'status=any',
      `updated_at_min=${encodeURIComponent(shopifySecond(window.from))}`,
      `updated_at_max=${encodeURIComponent(shopifySecond(window.to))}`,
      `limit=${ORDERS_PER_PAGE}`,
      `order=${encodeURIComponent('updated_at asc')}`,
    ].join('&')
  } else {
    if (!/^[\x21-\x7e]+$/.test(page)) throw refuse('the page cursor is not a Shopify page_info')
    query = `limit=${ORDERS_PER_PAGE}&page_info=${encodeURIComponent(page)}`
  }

  const answer = await rest.get({ operation, resource: RESOURCE, query })
  const unexpected = (what: string) =>
    rest.fail('permanent', spec, `unexpected answer: ${what}`, { status: 200 })
  const list = isRecord(answer.value) ? answer.value.orders : undefined
  if (!Array.isArray(list)) throw unexpected('no `orders` list')
  const orders = list.map((record: unknown, index): ListedOrder => {
    const parsed = ListedShopifyOrder.safeParse(record)
    if (!parsed.success) {
      const id = isRecord(record) ? record.id : undefined
      const named = typeof id === 'string' || typeof id === 'number' ? ` (order ${id})` : ''
      throw unexpected(`orders.${index}${named}: ${issuesOf(parsed.error)}`)
    }
    const { id, updated_at } = parsed.data
    return { id, updatedAt: new Date(updated_at).toISOString(), record }
  })
  const next = nextPageInfo(answer.header('link'))
  if (next === null) throw unexpected('the Link header’s rel="next" URL has no page_info')
  return next === undefined ? { orders } : { orders, next }
}

/** An instant floored to its second, as Shopify writes times: `2026-11-22T12:00:05+00:00`. */
function shopifySecond(at: Date): string {
  return new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, '+00:00')
}

/**
 * The `page_info` of the `rel="next"` link: undefined when there is no next page, null when the
 * link names none.
 */
function nextPageInfo(link: string | undefined): string | undefined | null {
  if (link === undefined) return undefined
  for (const part of link.split(/,\s*(?=<)/)) {
    const match = /^\s*<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part)
    if (match?.[2]?.trim() !== 'next') continue
    try {
      return new URL(match[1]!).searchParams.get('page_info') || null
    } catch {
      return null
    }
  }
  return undefined
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(order)'}: ${issue.message}`)
    .join('; ')
}

/** An instant for a message; an invalid Date must not throw before it is refused. */
function instant(at: Date): string {
  return Number.isNaN(at.getTime()) ? 'an invalid time' : at.toISOString()
}
