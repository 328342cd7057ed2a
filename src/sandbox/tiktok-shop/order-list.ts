/**
 * Get Order List on the emulated TikTok shop (`POST /order/202309/orders/search`): the orders the
 * shop holds (`state.orders`, Get Order Detail records), selected by their times, as
 * connectors/tiktok-shop/order-list.ts reads them.
 *
 * What TikTok documents (https://partner.tiktokshop.com/docv2/page/get-order-list-202309, mirror
 * repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/orders/get-order-list.spec.json):
 * query `page_size` "Valid range: [1-100]", default 20; `sort_field` `create_time` (default) or
 * `update_time`; `sort_order` `ASC` or `DESC` (default); `page_token` from the previous
 * `next_page_token`. Body filters `update_time_ge` / `update_time_lt` and `create_time_ge` /
 * `create_time_lt` (Unix seconds; an absent bound does not filter) and
 * `order_status`. Answer `data.orders[]`, `data.next_page_token`, `data.total_count`.
 *
 * The emulator's own choices, where TikTok documents nothing: ties in the sort field are broken by
 * order id, in the same direction; a `page_token` (opaque base64) continues after the last order
 * served, so an order that changes between pages moves rather than pushing another out, and is
 * refused for a search other than the one that issued it; the last page's `next_page_token` is
 * empty, as Search Returns' (orders.ts). A parameter outside its documented range is refused with
 * {@link INVALID_PARAMETER} and HTTP 400: TikTok documents neither the code nor the status for it
 * (unconfirmed), and the client refuses it permanently either way. Other body filters
 * (`shipping_type`, `buyer_user_id`, …) are not emulated and are ignored.
 */
import type { ChannelState } from '../types.js'
import type { AdmittedCall, Outcome } from './admission.js'
import { INVALID_PARAMETER } from './orders.js'

/** "Valid range: [1-100]", "Default: 20". */
const MAX_PAGE_SIZE = 100
const DEFAULT_PAGE_SIZE = 20
const SORT_FIELDS = ['create_time', 'update_time'] as const
type SortField = (typeof SORT_FIELDS)[number]
const TIME_FILTERS = ['create_time_ge', 'create_time_lt', 'update_time_ge', 'update_time_lt']

/** The fields of a held order the list reads. */
interface ListedRecord {
  readonly id: string
  readonly status?: unknown
  readonly create_time: number
  readonly update_time: number
}

/** What a page token stands for: the search it continues, and the last order served. */
interface PageToken {
  readonly search: string
  readonly value: number
  readonly id: string
}

const refused = (message: string): Outcome => ({ code: INVALID_PARAMETER, message, status: 400 })

export function searchOrders(state: ChannelState, call: AdmittedCall): Outcome {
  const { query } = call
  const pageSizeText = query.get('page_size') ?? String(DEFAULT_PAGE_SIZE)
  const pageSize = Number(pageSizeText)
  if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return refused(`page_size must be within [1, ${MAX_PAGE_SIZE}], got ${pageSizeText}`)
  }
  const field = query.get('sort_field') ?? 'create_time'
  if (!isSortField(field)) return refused(`sort_field must be create_time or update_time`)
  const order = query.get('sort_order') ?? 'DESC'
  if (order !== 'ASC' && order !== 'DESC') return refused('sort_order must be ASC or DESC')
  const filter = call.body === '' ? {} : call.json
  if (!isObject(filter)) return refused('the body must be a JSON object of filters')
  for (const name of TIME_FILTERS) {
    const value = filter[name]
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      return refused(`${name} must be a Unix time in seconds`)
    }
  }
  // The search a page token belongs to: everything but the page size and the token.
  const search = JSON.stringify([field, order, TIME_FILTERS.map((n) => filter[n] ?? null)])
  const tokenText = query.get('page_token')
  const after = tokenText ? readToken(tokenText) : undefined
  if (tokenText && after?.search !== search) {
    return refused('page_token is not one this API issued for this search')
  }

  // An absent bound does not filter: "now" as a bound would leave out this second's orders.
  const within = (value: number, ge: unknown, lt: unknown) =>
    value >= ((ge as number | undefined) ?? 0) &&
    value < ((lt as number | undefined) ?? Number.POSITIVE_INFINITY)
  const status = typeof filter.order_status === 'string' ? filter.order_status : undefined
  const direction = order === 'ASC' ? 1 : -1
  const matched = heldOrders(state)
    .filter((o) => within(o.update_time, filter.update_time_ge, filter.update_time_lt))
    .filter((o) => within(o.create_time, filter.create_time_ge, filter.create_time_lt))
    .filter((o) => status === undefined || o.status === status)
    .sort((a, b) => direction * compare(a[field], a.id, b[field], b.id))
  const rest = after
    ? matched.filter((o) => direction * compare(o[field], o.id, after.value, after.id) > 0)
    : matched
  const page = rest.slice(0, pageSize)
  const last = page.at(-1)
  return {
    data: {
      orders: page,
      total_count: matched.length,
      next_page_token:
        last && rest.length > page.length ? token({ search, value: last[field], id: last.id }) : '',
    },
  }
}

/** The held orders the list can select: those with an id and both times (a test's may lack them). */
function heldOrders(state: ChannelState): ListedRecord[] {
  return [...state.orders.values()].filter(
    (o): o is ListedRecord =>
      isObject(o) &&
      typeof o.id === 'string' &&
      Number.isSafeInteger(o.create_time) &&
      Number.isSafeInteger(o.update_time),
  )
}

/** By time, then by id (digit strings: the shorter is the smaller number). */
function compare(aValue: number, aId: string, bValue: number, bId: string): number {
  return aValue - bValue || aId.length - bId.length || (aId < bId ? -1 : aId > bId ? 1 : 0)
}

function token(page: PageToken): string {
  return Buffer.from(JSON.stringify(page), 'utf8').toString('base64')
}

function readToken(text: string): PageToken | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64').toString('utf8'))
    return isObject(value) &&
      typeof value.search === 'string' &&
      typeof value.value === 'number' &&
      typeof value.id === 'string'
      ? { search: value.search, value: value.value, id: value.id }
      : undefined
  } catch {
    return undefined
  }
}

function isSortField(value: string): value is SortField {
  return (SORT_FIELDS as readonly string[]).includes(value)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
