/**
 * getOrders on the emulated Amazon: the orders the seller holds (`state.orders`), selected by
 * their LastUpdateDate, as connectors/amazon/order-list.ts reads them.
 *
 * What Amazon documents (repo:amzn/selling-partner-api-models models/orders-api-model/ordersV0.json):
 * `MarketplaceIds` required (at most 50); `LastUpdatedAfter` and `LastUpdatedBefore` are "after
 * (or at)" and "before (or at)", and `LastUpdatedBefore` must be "equal to or after the
 * LastUpdatedAfter date and at least 2 minutes before current time"; `MaxResultsPerPage` "must be
 * 1 - 100. Default 100."; a request with `NextToken` is answered from the token "instead of other
 * criteria"; bad parameters are 400 `InvalidInput` (the model's TEST_CASE_400). The answer is
 * `{ payload: { Orders, NextToken?, LastUpdatedBefore } }`, orders without items.
 *
 * The emulator's own choices, where Amazon documents nothing: orders come sorted by
 * LastUpdateDate, then AmazonOrderId; a NextToken continues after the last order served (so an
 * order that changes between pages moves later rather than pushing another out of the list), is
 * opaque base64 like getOrderItems' (orders.ts) and is kept for {@link KEPT_CURSORS} tokens;
 * without `LastUpdatedBefore` the list ends {@link AmazonOrderListSettings.settleMs} before now,
 * as that is as late as one may ask. Only `LastUpdatedAfter` windows are served: the hub never
 * lists by creation time, and `CreatedAfter` is refused as unsupported rather than ignored.
 *
 * The two-minute rule is enforced against the marketplace clock (`state.now`); a simulation that
 * compresses time lowers it per state with {@link orderListSettings}.
 */
import type { Context } from 'hono'
import {
  AMAZON_MAX_ORDERS_PER_PAGE,
  AMAZON_ORDER_LIST_SETTLE_MS,
} from '../../../connectors/amazon/index.js'
import type { ChannelState } from '../types.js'
import type { SpApiReply } from './admission.js'
import { newPageToken } from './orders.js'
import { storedOrder } from './records.js'

/** "MarketplaceIds … maxItems: 50". */
const MAX_MARKETPLACES = 50
/** NextTokens kept per seller; the oldest are forgotten beyond this, so a long run stays small. */
const KEPT_CURSORS = 1_000
/** ISO 8601 with a time and an offset, as SP-API takes dates. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

export interface AmazonOrderListSettings {
  /**
   * How long before the request `LastUpdatedBefore` must be: Amazon's two minutes by default. A
   * simulation that runs a day in minutes lowers it, as it lowers every other delay.
   */
  settleMs: number
}

const settingsByState = new WeakMap<ChannelState, AmazonOrderListSettings>()

/** This seller's order-list settings, to read or change. */
export function orderListSettings(state: ChannelState): AmazonOrderListSettings {
  let settings = settingsByState.get(state)
  if (!settings) {
    settings = { settleMs: AMAZON_ORDER_LIST_SETTLE_MS }
    settingsByState.set(state, settings)
  }
  return settings
}

/** Where a listed order sorts: its LastUpdateDate (epoch ms), then its id. */
interface SortKey {
  readonly at: number
  readonly id: string
}

/** What a NextToken stands for: the selection, and the last order served. */
interface Cursor {
  readonly marketplaces: ReadonlySet<string>
  readonly after: number
  readonly before: number
  readonly perPage: number
  readonly last: SortKey
}

const cursorsByState = new WeakMap<ChannelState, Map<string, Cursor>>()

function cursorsOf(state: ChannelState): Map<string, Cursor> {
  let cursors = cursorsByState.get(state)
  if (!cursors) {
    cursors = new Map()
    cursorsByState.set(state, cursors)
  }
  return cursors
}

const invalidInput = (reply: SpApiReply, message: string) =>
  reply.refuse(400, [{ code: 'InvalidInput', message }])

/** getOrders: one page of the selection the query (or its NextToken) names. */
export function getOrders(state: ChannelState, c: Context, reply: SpApiReply): Response {
  const marketplaces = (c.req.queries('MarketplaceIds') ?? [])
    .flatMap((value) => value.split(','))
    .filter((id) => id !== '')
  if (marketplaces.length === 0) return invalidInput(reply, 'MarketplaceIds is required')
  if (marketplaces.length > MAX_MARKETPLACES) {
    return invalidInput(reply, `MarketplaceIds takes at most ${MAX_MARKETPLACES} values`)
  }
  const nextToken = c.req.query('NextToken')
  let selection: Omit<Cursor, 'last'> & { readonly last?: SortKey }
  if (nextToken !== undefined) {
    const cursor = cursorsOf(state).get(nextToken)
    if (!cursor) return invalidInput(reply, 'Invalid NextToken')
    selection = cursor
  } else {
    const chosen = selectionOf(state, c, new Set(marketplaces))
    if (typeof chosen === 'string') return invalidInput(reply, chosen)
    selection = chosen
  }

  const matching = listed(state, selection)
  const page = matching.slice(0, selection.perPage)
  const payload: Record<string, unknown> = {
    Orders: page.map((entry) => entry.order),
    LastUpdatedBefore: new Date(selection.before).toISOString(),
  }
  const last = page.at(-1)
  if (last && matching.length > page.length) {
    const token = newPageToken()
    const cursors = cursorsOf(state)
    cursors.set(token, { ...selection, last: last.key })
    if (cursors.size > KEPT_CURSORS) cursors.delete(cursors.keys().next().value!)
    payload.NextToken = token
  }
  return reply.json({ payload })
}

/** The selection a first request names, or why Amazon would refuse it. */
function selectionOf(
  state: ChannelState,
  c: Context,
  marketplaces: ReadonlySet<string>,
): Omit<Cursor, 'last'> | string {
  if (c.req.query('CreatedAfter') !== undefined || c.req.query('CreatedBefore') !== undefined) {
    return 'the emulator lists orders by LastUpdatedAfter only, not by creation time'
  }
  const afterText = c.req.query('LastUpdatedAfter')
  if (afterText === undefined) return 'Either CreatedAfter or LastUpdatedAfter is required'
  const after = isoTime(afterText)
  if (after === undefined) return `LastUpdatedAfter ${afterText} is not an ISO 8601 date`
  const latest = state.now().getTime() - orderListSettings(state).settleMs
  const beforeText = c.req.query('LastUpdatedBefore')
  let before = latest
  if (beforeText !== undefined) {
    const parsed = isoTime(beforeText)
    if (parsed === undefined) return `LastUpdatedBefore ${beforeText} is not an ISO 8601 date`
    if (parsed < after) return 'LastUpdatedBefore must be equal to or after LastUpdatedAfter'
    if (parsed > latest) {
      const seconds = orderListSettings(state).settleMs / 1000
      return `LastUpdatedBefore must be at least ${seconds} s before the current time`
    }
    before = parsed
  }
  const perPageText = c.req.query('MaxResultsPerPage')
  const perPage = perPageText === undefined ? AMAZON_MAX_ORDERS_PER_PAGE : Number(perPageText)
  if (!/^\d+$/.test(perPageText ?? '1') || perPage < 1 || perPage > AMAZON_MAX_ORDERS_PER_PAGE) {
    return `MaxResultsPerPage must be 1 - ${AMAZON_MAX_ORDERS_PER_PAGE}, got ${perPageText}`
  }
  return { marketplaces, after, before, perPage }
}

/** The seller's orders in the selection, after its last order served, in list order. */
function listed(
  state: ChannelState,
  selection: Omit<Cursor, 'last'> & { readonly last?: SortKey },
): { readonly order: Readonly<Record<string, unknown>>; readonly key: SortKey }[] {
  const out: { order: Readonly<Record<string, unknown>>; key: SortKey }[] = []
  for (const id of state.orders.keys()) {
    const order = storedOrder(state.orders, id)?.order
    // Records a test stored without the fields the list selects by are not listed.
    const at = typeof order?.LastUpdateDate === 'string' ? isoTime(order.LastUpdateDate) : undefined
    if (!order || at === undefined || !selection.marketplaces.has(String(order.MarketplaceId))) {
      continue
    }
    const key = { at, id }
    if (at < selection.after || at > selection.before) continue
    if (selection.last && compareKeys(key, selection.last) <= 0) continue
    out.push({ order, key })
  }
  return out.sort((a, b) => compareKeys(a.key, b.key))
}

function compareKeys(a: SortKey, b: SortKey): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

function isoTime(text: string): number | undefined {
  const ms = ISO_8601.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(ms) ? undefined : ms
}
