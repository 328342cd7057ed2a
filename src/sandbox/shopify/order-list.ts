/**
 * The emulated store's order list: REST `GET /admin/api/{version}/orders.json`
 * (https://shopify.dev/docs/api/admin-rest/latest/resources/order#get-orders), over the orders the
 * store holds (`state.orders`: the REST Order of records.ts, as its `orders/*` webhooks carry it,
 * `updated_at` moved by a cancellation, orders.ts).
 *
 * - Admission: the access token as for GraphQL (401), the API version (404), then the REST bucket
 *   (429, admission.ts); every answer reports the bucket in `X-Shopify-Shop-Api-Call-Limit`.
 * - Query: `status` (default `open`, which leaves cancelled orders out: a client must ask for
 *   `any`), `updated_at_min` / `updated_at_max` (at or after / at or before, ISO 8601), `limit`
 *   (default 50, at most 250: more is a 400 naming it), `order` (only `updated_at asc`, what the
 *   hub sends: the emulator serves only the hub's requests, as graphql.ts does).
 * - Orders created more than 60 days ago are not listed, as for an app without the
 *   `read_all_orders` scope (https://shopify.dev/docs/api/usage/access-scopes).
 * - Sorted by `updated_at`, then id. Pages are cursor-based, by the `Link` header
 *   (`<…/orders.json?limit=…&page_info=…>; rel="next"`, and `rel="previous"`); a request with
 *   `page_info` may carry only `limit` and `fields`, anything else is 400
 *   `{ errors: { <param>: "<param> cannot be passed when page_info is present." } }`
 *   (https://shopify.dev/docs/api/admin-rest/usage/pagination; the wording as quoted in
 *   https://community.shopify.com/t/order-list-with-rest-api-get-api/178900). Like Shopify's,
 *   `page_info` is base64 JSON of the query and of the row the page ends at (a keyset), so an
 *   order that changes between pages moves none of the others.
 * The wording of the other 400s is the emulator's (Shopify's is unconfirmed).
 */
import type { Context } from 'hono'
import { publicBase } from '../public-base.js'
import type { ChannelState } from '../types.js'
import {
  admitRest,
  API_VERSION,
  INVALID_TOKEN_BODY,
  REST_THROTTLED_BODY,
  tokenAccepted,
} from './admission.js'

export const MAX_LIMIT = 250
const DEFAULT_LIMIT = 50
/** Without `read_all_orders`, an app sees orders created in the last 60 days. */
export const VISIBLE_DAYS = 60
const DAY_MS = 86_400_000

const STATUSES = ['open', 'closed', 'cancelled', 'any'] as const
type Status = (typeof STATUSES)[number]

/** What a first request asks for; a page_info carries it on. */
interface Query {
  readonly status: Status
  /** Epoch ms, inclusive. */
  readonly min?: number
  readonly max?: number
}

/** A row's place in the order: `updated_at` in epoch ms, then the id's digits. */
type Key = readonly [updatedMs: number, id: string]

interface PageInfo {
  readonly query: Query
  readonly direction: 'next' | 'prev'
  /** The row the previous page ended (next) or began (prev) at. */
  readonly key: Key
}

interface Row {
  readonly key: Key
  readonly record: unknown
}

export function listOrders(c: Context, state: ChannelState): Response {
  state.stats.calls += 1
  const refuse = (status: 400 | 401 | 404, body: object) => {
    state.stats.rejected += 1
    return c.json(body, status)
  }
  if (!tokenAccepted(c.req.header('x-shopify-access-token'))) return refuse(401, INVALID_TOKEN_BODY)
  const version = c.req.param('version') ?? ''
  if (!API_VERSION.test(version)) return refuse(404, { errors: 'Not Found' })
  const admitted = admitRest(state)
  c.header('X-Shopify-Shop-Api-Call-Limit', admitted.callLimit)
  if (!admitted.ok) {
    state.stats.throttled += 1
    c.header('Retry-After', '2.0')
    return c.json(REST_THROTTLED_BODY, 429)
  }

  const params = new URL(c.req.url).searchParams
  const invalid = (field: string, message: string) => refuse(400, { errors: { [field]: message } })
  const limitText = params.get('limit')
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return invalid('limit', `must be a whole number from 1 to ${MAX_LIMIT}, not ${limitText}`)
  }

  let page: Pick<PageInfo, 'query'> & Partial<PageInfo>
  const pageInfo = params.get('page_info')
  if (pageInfo !== null) {
    for (const name of params.keys()) {
      if (name !== 'page_info' && name !== 'limit' && name !== 'fields')
        return invalid(name, `${name} cannot be passed when page_info is present.`)
    }
    const decoded = decodePageInfo(pageInfo)
    if (!decoded) return invalid('page_info', 'Invalid value.')
    page = decoded
  } else {
    const status = params.get('status') ?? 'open'
    if (!(STATUSES as readonly string[]).includes(status))
      return invalid('status', `must be one of ${STATUSES.join(', ')}`)
    const order = params.get('order')
    if (order !== 'updated_at asc')
      return invalid('order', 'the emulator serves only the hub’s order=updated_at asc')
    const bounds: { min?: number; max?: number } = {}
    for (const [name, bound] of [
      ['updated_at_min', 'min'],
      ['updated_at_max', 'max'],
    ] as const) {
      const text = params.get(name)
      if (text === null) continue
      const ms = isoTime(text)
      if (ms === undefined) return invalid(name, `must be an ISO 8601 time, not ${text}`)
      bounds[bound] = ms
    }
    page = { query: { status: status as Status, ...bounds } }
  }

  const rows = listed(state, page.query)
  const { from, to } = slice(rows, page, limit)
  const shown = rows.slice(from, to)
  const links: string[] = []
  const url = (p: PageInfo) =>
    `<${publicBase(c, 'shopify')}/admin/api/${version}/orders.json?limit=${limit}&page_info=${encodePageInfo(p)}>`
  const [first, last] = [shown[0], shown[shown.length - 1]]
  if (first && from > 0)
    links.push(`${url({ query: page.query, direction: 'prev', key: first.key })}; rel="previous"`)
  if (last && to < rows.length)
    links.push(`${url({ query: page.query, direction: 'next', key: last.key })}; rel="next"`)
  if (links.length > 0) c.header('Link', links.join(', '))
  return c.json({ orders: shown.map((row) => row.record) })
}

/** The orders `query` selects, in list order. */
function listed(state: ChannelState, query: Query): Row[] {
  const visibleFrom = state.now().getTime() - VISIBLE_DAYS * DAY_MS
  const rows: Row[] = []
  for (const record of state.orders.values()) {
    const order = record as Readonly<Record<string, unknown>>
    const id = typeof order.id === 'number' || typeof order.id === 'string' ? String(order.id) : ''
    const updated = isoTime(order.updated_at)
    const created = isoTime(order.created_at)
    // Only records of records.ts's shape are listed (a test may hold other stand-ins).
    if (!/^\d+$/.test(id) || updated === undefined || created === undefined) continue
    if (created < visibleFrom) continue
    const cancelled = order.cancelled_at !== null && order.cancelled_at !== undefined
    const closed = order.closed_at !== null && order.closed_at !== undefined
    const wanted = {
      any: true,
      open: !cancelled && !closed,
      cancelled,
      closed,
    }[query.status]
    if (!wanted) continue
    if (query.min !== undefined && updated < query.min) continue
    if (query.max !== undefined && updated > query.max) continue
    rows.push({ key: [updated, id], record })
  }
  return rows.sort((a, b) => compareKeys(a.key, b.key))
}

/** The rows `[from, to)` of the page `page` names. */
function slice(
  rows: readonly Row[],
  page: Partial<PageInfo>,
  limit: number,
): { from: number; to: number } {
  if (!page.key) return { from: 0, to: Math.min(limit, rows.length) }
  const key = page.key
  if (page.direction === 'prev') {
    const to = rows.filter((row) => compareKeys(row.key, key) < 0).length
    return { from: Math.max(0, to - limit), to }
  }
  const from = rows.filter((row) => compareKeys(row.key, key) <= 0).length
  return { from, to: Math.min(rows.length, from + limit) }
}

function compareKeys(a: Key, b: Key): number {
  if (a[0] !== b[0]) return a[0] - b[0]
  const [x, y] = [BigInt(a[1]), BigInt(b[1])]
  return x < y ? -1 : x > y ? 1 : 0
}

/** An ISO 8601 time with a date and a time of day, as epoch ms; undefined for anything else. */
function isoTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

function encodePageInfo(page: PageInfo): string {
  return Buffer.from(JSON.stringify(page), 'utf8').toString('base64url')
}

function decodePageInfo(text: string): PageInfo | undefined {
  try {
    const page = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageInfo
    const { query, direction, key } = page
    const ok =
      (direction === 'next' || direction === 'prev') &&
      Array.isArray(key) &&
      typeof key[0] === 'number' &&
      typeof key[1] === 'string' &&
      /^\d+$/.test(key[1]) &&
      (STATUSES as readonly string[]).includes(query.status) &&
      ['min', 'max'].every((b) => {
        const bound = (query as unknown as Record<string, unknown>)[b]
        return bound === undefined || typeof bound === 'number'
      })
    return ok ? page : undefined
  } catch {
    return undefined
  }
}
