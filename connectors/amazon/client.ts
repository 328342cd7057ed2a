/**
 * Amazon Selling Partner API client: the order reads hydration and order sync need, stock writes,
 * and the listing read reconciliation will use. LWA tokens and the calls made with them are
 * auth.ts; how one request is paced, sent and classified is api-call.ts.
 *
 * Endpoints (on the regional SP-API host, or `apiBaseUrl`):
 * - `GET /orders/v0/orders?MarketplaceIds=&LastUpdatedAfter=&LastUpdatedBefore=` — getOrders, one
 *   page of the orders changed in a window (order-list.ts).
 * - `GET /orders/v0/orders/{orderId}` — getOrder, answer `{ payload: Order }`.
 * - `GET /orders/v0/orders/{orderId}/orderItems[?NextToken=]` — getOrderItems, answer
 *   `{ payload: { AmazonOrderId, OrderItems: [...], NextToken? } }`; pages are followed with
 *   `NextToken` until it is absent. While an order is `Pending`, items come without prices
 *   (both: repo:amzn/selling-partner-api-models models/orders-api-model/ordersV0.json).
 * - `PATCH /listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds=` — patchListingsItem,
 *   body `{ productType, patches: [{ op, path, value: [...] }] }`, answer
 *   `ListingsItemSubmissionResponse { sku, status: ACCEPTED | INVALID | VALID, submissionId,
 *   issues[] }`.
 * - `GET /listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds=&includedData=` —
 *   getListingsItem, answer `Item { sku, fulfillmentAvailability?: [{ fulfillmentChannelCode,
 *   quantity? }] }` (both: models/listings-items-api-model/listingsItems_2021-08-01.json).
 *
 * The Listings Items model limits `marketplaceIds` to one value (`maxItems: 1`) on every
 * operation, so a stock write is sent once per marketplace, and a read names one marketplace.
 * Path segments and query values are percent-encoded strictly
 * (https://developer-docs.amazon.com/sp-api/docs/url-encoding).
 */
import { z } from 'zod'
import { unsupportedNeed } from '../shared/api-error.js'
import type { CallLabel } from '../shared/call-errors.js'
import { isRecord } from '../shared/http-exchange.js'
import { mapBounded } from '../shared/map-bounded.js'
import { percentEncode } from '../shared/percent-encode.js'
import { hydrationKey, type ClientContext, type HydrationNeed, type OrderWindow } from '../types.js'
import { CHANNEL, type ApiCall } from './api-call.js'
import { createAmazonApi } from './auth.js'
import type { AmazonCredentials } from './config.js'
import {
  describeIssue as describeFeedIssue,
  listingsFeeds,
  MAX_FEED_MESSAGES,
  type FeedQuantity,
} from './feeds.js'
import { listOrderPage, type ListsOrders } from './order-list.js'

export { DEFAULT_RATE_LIMIT_WAIT_MS, DEFAULT_RATE_LIMITS } from './api-call.js'
export { TOKEN_REFRESH_MARGIN_MS } from './auth.js'

/** A record as Amazon answered it (integers beyond 2^53 kept as digit strings). */
export type AmazonRecord = Readonly<Record<string, unknown>>

/**
 * What `hydrate` hands the normalizer for an `order` need, under `hydrationKey(need)`
 * (`order:<AmazonOrderId>`): getOrder's `payload` and every page's `OrderItems`, in Amazon's
 * order, both exactly as Amazon answered them.
 */
export interface AmazonHydratedOrder {
  readonly order: AmazonRecord
  readonly orderItems: readonly AmazonRecord[]
}

/**
 * What `hydrate` hands the normalizer for an `order-items` need (`order-items:<AmazonOrderId>`):
 * the `OrderItems` of every getOrderItems page, in Amazon's order, exactly as Amazon answered them.
 */
export interface AmazonHydratedOrderItems {
  readonly orderItems: readonly AmazonRecord[]
}

/** An absolute quantity for one SKU and fulfillment channel, in every marketplace listed. */
export interface AmazonStockUpdate {
  readonly sku: string
  /** Whole units ≥ 0. */
  readonly quantity: number
  /** `DEFAULT` (merchant-fulfilled, the default) or another channel code of the listing. */
  readonly fulfillmentChannelCode?: string
  /**
   * The listing's Amazon product type. Default `PRODUCT`, as in channels.md §2 B1's example;
   * that Amazon accepts it for a listing of another type is unconfirmed (an INVALID says so).
   */
  readonly productType?: string
  /** Default: the account's `marketplaceIds`. One PATCH is sent per marketplace. */
  readonly marketplaceIds?: readonly string[]
}

/** One ACCEPTED submission. */
export interface AmazonSubmission {
  readonly marketplaceId: string
  readonly submissionId: string
  /** Issues Amazon reported while accepting (warnings), as it answered them; usually none. */
  readonly issues: readonly AmazonRecord[]
}

/**
 * `queued`: Amazon accepted the change for processing; it shows minutes later, or fails then
 * (`ACCEPTED` is not applied: channels.md §2 B1). `submissionId` is the first marketplace's.
 */
export interface AmazonStockResult {
  readonly status: 'queued'
  readonly submissionId: string
  readonly submissions: readonly AmazonSubmission[]
}

export interface AmazonListingQuery {
  readonly sku: string
  /** Default: the account's first marketplace. */
  readonly marketplaceId?: string
}

export interface AmazonListingQuantity {
  readonly sku: string
  readonly marketplaceId: string
  /**
   * Quantity by fulfillment channel code (`DEFAULT`, `AMAZON_NA`, …) as getListingsItem reports
   * it; `null` for a channel listed without a quantity. A channel not listed is absent.
   */
  readonly quantities: Readonly<Record<string, number | null>>
}

/** What became of one update of {@link AmazonClient.setStockMany}. */
export type AmazonFeedItemResult =
  | { readonly ok: true; readonly feedIds: readonly string[] }
  /** Refused before sending, or an ERROR issue in a marketplace's report (`code`: the first). */
  | { readonly ok: false; readonly reason: string; readonly code?: string }

export interface AmazonClient extends ListsOrders {
  /** getOrder's `payload` (the Order). Not found yet → transient. */
  getOrder(orderId: string): Promise<AmazonRecord>
  /** Every `OrderItems` entry of every page. Not found yet → transient. */
  getOrderItems(orderId: string): Promise<AmazonRecord[]>
  /** patchListingsItem (`merge` on `fulfillment_availability`) in each marketplace. */
  setStock(update: AmazonStockUpdate): Promise<AmazonStockResult>
  /**
   * The same writes as `setStock` for many SKUs, as one JSON_LISTINGS_FEED per marketplace
   * (feeds.ts), each awaited until Amazon has processed it. One result per update, in order; an
   * update is ok when every marketplace it names accepted it. At most {@link MAX_FEED_MESSAGES}
   * updates per marketplace. A failure of a whole feed (429, FATAL, no report in time) is thrown.
   */
  setStockMany(updates: readonly AmazonStockUpdate[]): Promise<AmazonFeedItemResult[]>
  /** getListingsItem with `includedData=fulfillmentAvailability`. Unknown SKU (404) → permanent. */
  getListingQuantity(query: AmazonListingQuery): Promise<AmazonListingQuantity>
}

/** Orders hydrated at once (each is two or more sequential reads). */
const HYDRATE_CONCURRENCY = 4
/** A guard against a `NextToken` that never ends; more pages than this is an error. */
const MAX_ORDER_ITEM_PAGES = 50
const LISTINGS_ITEM_API = '/listings/2021-08-01/items/{sellerId}/{sku}'

const SubmissionAnswer = z.object({
  status: z.string(),
  submissionId: z.string().optional(),
  issues: z.array(z.record(z.string(), z.unknown())).default([]),
})

const ListingAnswer = z.object({
  fulfillmentAvailability: z
    .array(
      z.object({
        fulfillmentChannelCode: z.string().min(1),
        quantity: z.int().nullable().optional(),
      }),
    )
    .default([]),
})

export function createAmazonClient(
  credentials: AmazonCredentials,
  ctx: ClientContext,
): AmazonClient {
  const { call: apiCall, fail, redact } = createAmazonApi(credentials, ctx)
  const sellerSegment = percentEncode(credentials.sellerId)
  const listingPath = (skuSegment: string, query: string) =>
    `/listings/2021-08-01/items/${sellerSegment}/${skuSegment}?${query}`

  /**
   * getOrder. A 404 is transient: the notification can reach us before the order is readable
   * through the Orders API, and the pipeline retries with backoff, then marks the item failed, so
   * an id that never appears still ends.
   */
  async function getOrder(orderId: string): Promise<AmazonRecord> {
    const label = {
      operation: `get order ${orderId}`,
      method: 'GET' as const,
      api: '/orders/v0/orders/{orderId}',
    }
    const spec: ApiCall = {
      ...label,
      operationId: 'getOrder',
      path: `/orders/v0/orders/${orderSegment(orderId, label)}`,
      notFoundIsTransient: true,
    }
    const { value } = await apiCall(spec)
    const payload = isRecord(value) ? value.payload : undefined
    if (!isRecord(payload)) throw fail('permanent', spec, 'unexpected answer: no `payload` object')
    return payload
  }

  /** getOrderItems, every page. A 404 is transient, as for getOrder. */
  async function getOrderItems(orderId: string): Promise<AmazonRecord[]> {
    const label = {
      operation: `get items of order ${orderId}`,
      method: 'GET' as const,
      api: '/orders/v0/orders/{orderId}/orderItems',
    }
    const base: ApiCall = {
      ...label,
      operationId: 'getOrderItems',
      path: `/orders/v0/orders/${orderSegment(orderId, label)}/orderItems`,
      notFoundIsTransient: true,
    }
    const items: AmazonRecord[] = []
    const seen = new Set<string>()
    let nextToken: string | undefined
    for (let page = 1; ; page++) {
      const spec: ApiCall =
        nextToken === undefined
          ? base
          : { ...base, path: `${base.path}?NextToken=${percentEncode(nextToken)}` }
      const { value } = await apiCall(spec)
      const payload = isRecord(value) ? value.payload : undefined
      const list = isRecord(payload) ? payload.OrderItems : undefined
      if (!isRecord(payload) || !Array.isArray(list) || !list.every(isRecord)) {
        throw fail('permanent', spec, 'unexpected answer: no `payload.OrderItems` list')
      }
      items.push(...list)
      const next = payload.NextToken
      nextToken = typeof next === 'string' && next !== '' ? next : undefined
      if (nextToken === undefined) return items
      if (seen.has(nextToken)) {
        throw fail('permanent', spec, `page ${page} repeats an earlier NextToken`)
      }
      if (page >= MAX_ORDER_ITEM_PAGES) {
        throw fail('permanent', spec, `more than ${MAX_ORDER_ITEM_PAGES} pages of items`)
      }
      seen.add(nextToken)
    }
  }

  /**
   * `order` needs → {@link AmazonHydratedOrder} records (getOrder, then getOrderItems);
   * `order-items` needs (an order the list answered, which has no items) →
   * {@link AmazonHydratedOrderItems} (getOrderItems alone, so a listed order costs one read, not
   * two). Any other kind is refused (permanent): Amazon's normalizer asks for none, so a request
   * for one is a bug upstream that no retry can fix.
   */
  async function hydrate(needs: readonly HydrationNeed[]): Promise<Record<string, unknown>> {
    const orderIds = new Set<string>()
    const itemIds = new Set<string>()
    for (const need of needs) {
      if (need.kind === 'order') orderIds.add(need.id)
      else if (need.kind === 'order-items') itemIds.add(need.id)
      else throw unsupportedNeed(CHANNEL, need)
    }
    // Items asked for alone of an order also asked for whole come with the whole order.
    const reads = [
      ...[...orderIds].map((id) => ({ id, whole: true })),
      ...[...itemIds].filter((id) => !orderIds.has(id)).map((id) => ({ id, whole: false })),
    ]
    const records = await mapBounded(
      reads,
      HYDRATE_CONCURRENCY,
      async ({ id, whole }): Promise<AmazonHydratedOrder | AmazonHydratedOrderItems> => {
        if (!whole) return { orderItems: await getOrderItems(id) }
        const order = await getOrder(id)
        return { order, orderItems: await getOrderItems(id) }
      },
    )
    const whole = new Map<string, AmazonHydratedOrder>()
    const items = new Map<string, AmazonHydratedOrderItems>()
    reads.forEach(({ id }, i) => {
      const record = records[i]!
      if ('order' in record) whole.set(id, record)
      items.set(id, { orderItems: record.orderItems })
    })
    const hydrated: Record<string, unknown> = {}
    for (const need of needs) {
      hydrated[hydrationKey(need)] = (need.kind === 'order' ? whole : items).get(need.id)
    }
    return hydrated
  }

  async function setStock(update: AmazonStockUpdate): Promise<AmazonStockResult> {
    const channelCode = update.fulfillmentChannelCode ?? 'DEFAULT'
    const productType = update.productType ?? 'PRODUCT'
    const marketplaceIds = update.marketplaceIds ?? credentials.marketplaceIds
    const label = `patch quantity of sku ${update.sku} (${channelCode})`
    const refuse = (why: string) =>
      fail(
        'permanent',
        { operation: label, method: 'PATCH', api: LISTINGS_ITEM_API },
        `not sent: ${why}`,
      )
    const skuSegment = encodeSku(update.sku, refuse)
    if (!Number.isSafeInteger(update.quantity) || update.quantity < 0) {
      throw refuse(`quantity ${update.quantity} is not a whole number ≥ 0`)
    }
    if (channelCode.trim() === '') throw refuse('fulfillment channel code is empty')
    if (productType.trim() === '') throw refuse('product type is empty')
    checkMarketplaces(marketplaceIds, refuse)

    const body = {
      productType,
      patches: [
        {
          op: 'merge',
          path: '/attributes/fulfillment_availability',
          // An array even for one entry: a bare object is refused (channels.md §2 pitfalls).
          value: [{ fulfillment_channel_code: channelCode, quantity: update.quantity }],
        },
      ],
    }
    const submissions: AmazonSubmission[] = []
    // One marketplace per request (maxItems 1). A failure after some were queued fails the call;
    // a retry sends the same absolute quantity to all of them again, which is harmless.
    for (const marketplaceId of marketplaceIds) {
      const spec: ApiCall = {
        operation: `${label} in ${marketplaceId}`,
        operationId: 'patchListingsItem',
        method: 'PATCH',
        api: LISTINGS_ITEM_API,
        path: listingPath(skuSegment, `marketplaceIds=${percentEncode(marketplaceId)}`),
        body,
      }
      const { value, requestId } = await apiCall(spec)
      const parsed = SubmissionAnswer.safeParse(value)
      if (!parsed.success) {
        throw fail('permanent', spec, `unexpected answer: ${z.prettifyError(parsed.error)}`)
      }
      const { status, submissionId, issues } = parsed.data
      const queuedBefore =
        submissions.length === 0
          ? ''
          : ` (already queued in ${submissions.map((s) => s.marketplaceId).join(', ')})`
      if (status === 'INVALID') {
        const first = issues[0]?.code
        throw fail(
          'permanent',
          spec,
          `Amazon refused the submission as INVALID${queuedBefore}: ${redact(
            issues.map(describeIssue).join('; ') || 'no issues listed',
          )}${requestId === undefined ? '' : ` (request id ${requestId})`}`,
          { status: 200, ...(typeof first === 'string' ? { code: first } : {}) },
        )
      }
      if (status !== 'ACCEPTED' || submissionId === undefined) {
        const missing = submissionId === undefined ? ', no submissionId' : ''
        throw fail(
          'permanent',
          spec,
          `unexpected answer: status ${status}${missing}${queuedBefore}`,
          {
            status: 200,
          },
        )
      }
      submissions.push({ marketplaceId, submissionId, issues })
    }
    const [first] = submissions
    if (first === undefined) throw refuse('no marketplace listed')
    return { status: 'queued', submissionId: first.submissionId, submissions }
  }

  async function getListingQuantity(query: AmazonListingQuery): Promise<AmazonListingQuantity> {
    const marketplaceId = query.marketplaceId ?? credentials.marketplaceIds[0] ?? ''
    const label = `get listing of sku ${query.sku} in ${marketplaceId}`
    const refuse = (why: string) =>
      fail(
        'permanent',
        { operation: label, method: 'GET', api: LISTINGS_ITEM_API },
        `not sent: ${why}`,
      )
    const skuSegment = encodeSku(query.sku, refuse)
    checkMarketplaces([marketplaceId], refuse)
    const spec: ApiCall = {
      operation: label,
      operationId: 'getListingsItem',
      method: 'GET',
      api: LISTINGS_ITEM_API,
      path: listingPath(
        skuSegment,
        `marketplaceIds=${percentEncode(marketplaceId)}&includedData=fulfillmentAvailability`,
      ),
    }
    const { value } = await apiCall(spec)
    const parsed = ListingAnswer.safeParse(value)
    if (!parsed.success) {
      throw fail('permanent', spec, `unexpected answer: ${z.prettifyError(parsed.error)}`)
    }
    const quantities: Record<string, number | null> = {}
    for (const entry of parsed.data.fulfillmentAvailability) {
      quantities[entry.fulfillmentChannelCode] = entry.quantity ?? null
    }
    return { sku: query.sku, marketplaceId, quantities }
  }

  /** The order id as a path segment; an empty or unencodable one is refused (permanent). */
  function orderSegment(orderId: string, label: CallLabel): string {
    if (orderId.trim() === '') throw fail('permanent', label, 'not sent: empty order id')
    try {
      return percentEncode(orderId)
    } catch {
      throw fail('permanent', label, 'not sent: order id is not valid Unicode')
    }
  }

  const submitFeed = listingsFeeds(
    credentials.sellerId,
    { call: apiCall, fail, redact },
    ctx,
    credentials.requestTimeoutMs,
  )

  async function setStockMany(
    updates: readonly AmazonStockUpdate[],
  ): Promise<AmazonFeedItemResult[]> {
    const results: (AmazonFeedItemResult | undefined)[] = updates.map((update) => {
      const why = refusal(update)
      return why === undefined ? undefined : { ok: false, reason: `not sent: ${why}` }
    })
    // Feeds by marketplace: the update's index and message, in the order given.
    const byMarketplace = new Map<string, { index: number; message: FeedQuantity }[]>()
    updates.forEach((update, index) => {
      if (results[index] !== undefined) return
      for (const marketplaceId of update.marketplaceIds ?? credentials.marketplaceIds) {
        const list = byMarketplace.get(marketplaceId) ?? []
        list.push({
          index,
          message: {
            sku: update.sku,
            quantity: update.quantity,
            fulfillmentChannelCode: update.fulfillmentChannelCode ?? 'DEFAULT',
            productType: update.productType ?? 'PRODUCT',
          },
        })
        byMarketplace.set(marketplaceId, list)
      }
    })
    for (const [marketplaceId, list] of byMarketplace) {
      if (list.length > MAX_FEED_MESSAGES) {
        throw fail(
          'permanent',
          { operation: 'create listings feed', method: 'POST', api: '/feeds/2021-06-30/feeds' },
          `not sent: ${list.length} messages for ${marketplaceId}, at most ${MAX_FEED_MESSAGES} per feed`,
        )
      }
    }
    const feedIds = updates.map((): string[] => [])
    for (const [marketplaceId, list] of byMarketplace) {
      const outcome = await submitFeed(
        marketplaceId,
        list.map((entry) => entry.message),
      )
      outcome.messages.forEach((message, i) => {
        const { index } = list[i]!
        feedIds[index]!.push(outcome.feedId)
        if (message.accepted || results[index] !== undefined) return
        results[index] = {
          ok: false,
          reason: `Amazon refused it in ${marketplaceId} (feed ${outcome.feedId}): ${redact(
            message.issues.map(describeFeedIssue).join('; '),
          )}`,
          ...(message.issues[0]?.code === undefined ? {} : { code: message.issues[0].code }),
        }
      })
    }
    return results.map((result, index) => result ?? { ok: true, feedIds: feedIds[index]! })
  }

  const listOrders = (window: OrderWindow, page?: string) =>
    listOrderPage(
      { call: apiCall, fail },
      credentials.marketplaceIds,
      ctx.clock,
      window,
      page,
      credentials.orderListSettleMs,
    )

  return {
    hydrate,
    getOrder,
    getOrderItems,
    listOrders,
    setStock,
    setStockMany,
    getListingQuantity,
  }
}

/** Why an update cannot be sent, as `setStock` would refuse it; undefined when it can. */
function refusal(update: AmazonStockUpdate): string | undefined {
  if (update.sku.trim() === '') return 'sku is empty'
  try {
    percentEncode(update.sku) // a lone surrogate cannot be sent
  } catch {
    return 'sku is not valid Unicode'
  }
  if (!Number.isSafeInteger(update.quantity) || update.quantity < 0) {
    return `quantity ${update.quantity} is not a whole number ≥ 0`
  }
  if (update.fulfillmentChannelCode?.trim() === '') return 'fulfillment channel code is empty'
  if (update.productType?.trim() === '') return 'product type is empty'
  const ids = update.marketplaceIds
  if (ids !== undefined) {
    if (ids.length === 0) return 'no marketplace listed'
    if (ids.some((id) => id.trim() === '')) return 'a marketplace id is empty'
    if (new Set(ids).size !== ids.length) return 'a marketplace is listed twice'
  }
  return undefined
}

function encodeSku(sku: string, refuse: (why: string) => Error): string {
  if (sku.trim() === '') throw refuse('sku is empty')
  try {
    return percentEncode(sku)
  } catch {
    throw refuse('sku is not valid Unicode')
  }
}

function checkMarketplaces(ids: readonly string[], refuse: (why: string) => Error): void {
  if (ids.length === 0) throw refuse('no marketplace listed')
  if (ids.some((id) => id.trim() === '')) throw refuse('a marketplace id is empty')
  if (new Set(ids).size !== ids.length) throw refuse('a marketplace is listed twice')
}

/** `90220 "'size' is required but not supplied." (ERROR; attributes size)`. */
function describeIssue(issue: Readonly<Record<string, unknown>>): string {
  const code = typeof issue.code === 'string' ? issue.code : 'issue'
  const parts = [code]
  if (typeof issue.message === 'string') parts.push(JSON.stringify(issue.message))
  const extra: string[] = []
  if (typeof issue.severity === 'string') extra.push(issue.severity)
  if (Array.isArray(issue.attributeNames) && issue.attributeNames.length > 0) {
    extra.push(`attributes ${issue.attributeNames.map(String).join(', ')}`)
  }
  if (extra.length > 0) parts.push(`(${extra.join('; ')})`)
  return parts.join(' ')
}
