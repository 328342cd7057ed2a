/**
 * All orders: `GET /v3/orders` (https://developer.walmart.com/us-marketplace/reference/getallorders;
 * parameters as mirrored in repo:highsidelabs/walmart-api-php docs/Apis/MP/US/OrdersApi.md), over
 * the purchase orders the seller holds (`state.orders`, the records of orders.ts).
 *
 * - Query: `createdStartDate` (default now − 7 days) and `createdEndDate` (default now),
 *   `lastModifiedStartDate` / `lastModifiedEndDate` (both inclusive here; Walmart's bounds are
 *   unconfirmed), each a date (`2020-03-16`, midnight UTC) or an ISO 8601 time; `limit` (default
 *   100, at most 200: more is a 400 naming it). Other filters (status, sku, shipNodeType, …) are
 *   not served: the hub sends none.
 * - Only orders created in the last 180 days are listed, whatever createdStartDate says ("Only
 *   orders created in last 180 days … can be fetched", same page).
 * - An order's modification time is the latest of its lines' `statusDate` (its `orderDate` when no
 *   line has one): the order record has no time of its own for it, and every change the emulator
 *   makes (a cancellation) moves a line's statusDate. What Walmart itself counts as a modification
 *   is unconfirmed; connectors/walmart reads the same time off each listed record.
 * - Sorted by that time, then purchase order id. The answer is
 *   `{ list: { meta: { totalCount, limit, nextCursor }, elements: { order: [...] } } }`, where
 *   `totalCount` counts every match and `nextCursor` is the query string of the next page,
 *   beginning with `?`, which the caller appends to `/v3/orders` (null on the last page; the
 *   appending: https://developer.walmart.com/ca-marketplace/reference/getallorders). As Walmart's
 *   does in the answers public client code records, it repeats the filters and carries
 *   `hasMoreElements`, `soIndex` (the total), `poIndex` (rows so far), `partnerId` and an opaque
 *   `cursor`; here that cursor is the row the page ended at (a keyset), so an order that changes
 *   between pages moves none of the others.
 * - No match at all is 404 `CONTENT_NOT_FOUND.GMP_ORDER_API`, as Walmart answers an empty list
 *   (repo:fulfilio/python-walmart PR #14, repo:fillup/walmart-partner-api-sdk-php PR #6).
 */
import type { Context } from 'hono'
import type { ChannelState } from '../types.js'
import { decodedQuery, refuse } from './admission.js'
import type { WalmartOrderRecord } from './records.js'
import { PARTNER_ID } from './seller.js'

export const MAX_LIMIT = 200
const DEFAULT_LIMIT = 100
/** Walmart lists orders created this many days back at most. */
export const LISTED_DAYS = 180
/** createdStartDate when the request names none. */
const DEFAULT_CREATED_DAYS = 7
const DAY_MS = 86_400_000

/** A row's place in the list: modification time in epoch ms, then the purchase order id. */
type Key = readonly [modifiedMs: number, purchaseOrderId: string]

interface Row {
  readonly key: Key
  readonly order: WalmartOrderRecord
}

export function listOrders(c: Context, state: ChannelState): Response {
  const query = decodedQuery(c.req.url)
  const invalid = (field: string, description: string) =>
    refuse(c, state, 400, { code: 'INVALID_REQUEST_PARAM.GMP_ORDER_API', field, description })

  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit)
  if (!Number.isInteger(limit) || limit < 1) return invalid('limit', 'limit must be a whole number')
  if (limit > MAX_LIMIT) return invalid('limit', `limit cannot be larger than ${MAX_LIMIT}`)

  const now = state.now().getTime()
  const dates: Record<string, number> = {}
  const defaults: Record<string, number | undefined> = {
    createdStartDate: now - DEFAULT_CREATED_DAYS * DAY_MS,
    createdEndDate: now,
    lastModifiedStartDate: undefined,
    lastModifiedEndDate: undefined,
  }
  for (const [name, fallback] of Object.entries(defaults)) {
    const text = query[name]
    if (text === undefined) {
      if (fallback !== undefined) dates[name] = fallback
      continue
    }
    const ms = walmartDate(text)
    if (ms === undefined) {
      return invalid(name, `${name} must be a date (yyyy-MM-dd) or an ISO 8601 time, not ${text}`)
    }
    dates[name] = ms
  }
  let after: Key | undefined
  if (query.cursor !== undefined) {
    after = decodeCursor(query.cursor)
    if (!after) return invalid('cursor', 'cursor is not one this API gave')
  }

  const createdFrom = Math.max(dates.createdStartDate!, now - LISTED_DAYS * DAY_MS)
  const rows: Row[] = []
  for (const record of state.orders.values()) {
    const order = record as WalmartOrderRecord
    const modified = modifiedAt(order)
    if (modified === undefined || !/^\d+$/.test(order.purchaseOrderId)) continue
    if (order.orderDate < createdFrom || order.orderDate > dates.createdEndDate!) continue
    const { lastModifiedStartDate: start, lastModifiedEndDate: end } = dates
    if ((start !== undefined && modified < start) || (end !== undefined && modified > end)) continue
    rows.push({ key: [modified, order.purchaseOrderId], order })
  }
  rows.sort((a, b) => compareKeys(a.key, b.key))

  const before = after ? rows.filter((row) => compareKeys(row.key, after) <= 0).length : 0
  const shown = rows.slice(before, before + limit)
  const last = shown[shown.length - 1]
  if (!last) {
    return refuse(c, state, 404, {
      code: 'CONTENT_NOT_FOUND.GMP_ORDER_API',
      field: 'data',
      description: 'No Orders found',
    })
  }
  const more = before + shown.length < rows.length
  const cursor = (key: Key) =>
    [
      `?limit=${limit}`,
      'hasMoreElements=true',
      `soIndex=${rows.length}`,
      `poIndex=${before + shown.length}`,
      `partnerId=${PARTNER_ID}`,
      ...Object.entries(dates).map(([name, ms]) => `${name}=${new Date(ms).toISOString()}`),
      `cursor=${encodeCursor(key)}`,
    ].join('&')
  return c.json({
    list: {
      meta: { totalCount: rows.length, limit, nextCursor: more ? cursor(last.key) : null },
      elements: { order: shown.map((row) => row.order) },
    },
  })
}

/**
 * When the order last changed: its lines' latest statusDate, else its orderDate (see the module
 * comment); undefined for a record without Walmart's times (a test's stand-in for Get an order).
 */
export function modifiedAt(order: WalmartOrderRecord): number | undefined {
  const lines: unknown = order.orderLines?.orderLine
  if (typeof order.orderDate !== 'number' || !Array.isArray(lines)) return undefined
  const statusDates = (lines as readonly { readonly statusDate?: unknown }[]).flatMap((line) =>
    typeof line.statusDate === 'number' ? [line.statusDate] : [],
  )
  return statusDates.length > 0 ? Math.max(...statusDates) : order.orderDate
}

/** `2020-03-16` (midnight UTC) or an ISO 8601 time with an offset, as epoch ms. */
function walmartDate(text: string): number | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)
      ? text
      : undefined
  const ms = iso === undefined ? NaN : Date.parse(iso)
  return Number.isNaN(ms) ? undefined : ms
}

function compareKeys(a: Key, b: Key): number {
  if (a[0] !== b[0]) return a[0] - b[0]
  const [x, y] = [BigInt(a[1]), BigInt(b[1])]
  return x < y ? -1 : x > y ? 1 : 0
}

function encodeCursor(key: Key): string {
  return Buffer.from(`${key[0]}:${key[1]}`, 'utf8').toString('base64url')
}

function decodeCursor(text: string): Key | undefined {
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(text, 'base64url').toString('utf8'))
  return match ? [Number(match[1]), match[2]!] : undefined
}
