/**
 * TikTok Shop Open API client: the reads hydration needs (orders, returns), the order list order
 * sync reads, stock writes, and the inventory read reconciliation will use. How one call is
 * signed, paced, sent and classified is api-call.ts; the Product API's stock calls are
 * inventory.ts, the order list order-list.ts.
 *
 * Endpoints read here (all on `credentials.apiBaseUrl`, API version 202309; specs mirrored in
 * repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/):
 * - `GET /order/202309/orders?ids=a,b` — Get Order Detail; `ids` max 50 (orders/get-order-detail.spec.json,
 *   which documents the 202507 path with the same `ids` parameter; the 202309 path is the one
 *   channels.md §4 A5 names), answer `data.orders[]`.
 * - `POST /order/202309/orders/search` — Get Order List, the orders changed in a window, one page
 *   per call (order-list.ts).
 * - `POST /return_refund/202309/returns/search` — Search Returns, body `{ return_ids }`, query
 *   `page_size` [10, 50] (default 10) and `page_token`; answer `data.return_orders[]`,
 *   `data.next_page_token` (return-and-refund/search-returns.spec.json).
 */
import { hydrationKey, type ClientContext, type HydrationNeed } from '../types.js'
import { unsupportedNeed, type ChannelApiError } from '../shared/api-error.js'
import {
  CHANNEL,
  createTikTokApi,
  type Answer,
  type ApiCall,
  type TikTokRecord,
} from './api-call.js'
import type { TikTokShopCredentials } from './config.js'
import {
  getInventory,
  setStock,
  setStockMany,
  type TikTokSkuInventory,
  type TikTokStockResult,
  type TikTokStockUpdate,
} from './inventory.js'
import { listOrderPage, type ListsOrders } from './order-list.js'
import { chunk, uniqueIds } from './request-ids.js'

export { classifyTikTokCode, TIKTOK_CODE_KINDS, type TikTokRecord } from './api-call.js'
export {
  MAX_SKUS_PER_CALL,
  MAX_STOCK_QUANTITY,
  type TikTokSkuInventory,
  type TikTokStockResult,
  type TikTokStockUpdate,
} from './inventory.js'

export interface TikTokShopClient extends ListsOrders {
  /** Orders by id, in the order asked; any id TikTok does not return fails the call (transient). */
  getOrders(ids: readonly string[]): Promise<ReadonlyMap<string, TikTokRecord>>
  /** Returns by return id, same conventions as `getOrders`. */
  getReturns(ids: readonly string[]): Promise<ReadonlyMap<string, TikTokRecord>>
  /** Sets absolute per-warehouse stock for one SKU. */
  setStock(update: TikTokStockUpdate): Promise<TikTokStockResult>
  /**
   * Sets the stock of many SKUs, one call per product with all its SKUs; per update, in order,
   * undefined when applied, else that SKU's error (inventory.ts `setStockMany`).
   */
  setStockMany(updates: readonly TikTokStockUpdate[]): Promise<(ChannelApiError | undefined)[]>
  /** Current stock of every SKU of the given products. A product TikTok does not list is absent. */
  getInventory(productIds: readonly string[]): Promise<readonly TikTokSkuInventory[]>
}

const ORDERS_PATH = '/order/202309/orders'
const RETURNS_SEARCH_PATH = '/return_refund/202309/returns/search'
const MAX_ORDER_IDS_PER_CALL = 50
/** Search Returns' largest page; the filter is chunked to the same size so one page should do. */
const RETURNS_PAGE_SIZE = 50
/** A guard against a `next_page_token` that never ends; more pages than this is an error. */
const MAX_RETURN_PAGES = 5

export function createTikTokShopClient(
  credentials: TikTokShopCredentials,
  ctx: ClientContext,
): TikTokShopClient {
  const api = createTikTokApi(credentials, ctx)

  async function getOrders(ids: readonly string[]): Promise<ReadonlyMap<string, TikTokRecord>> {
    const wanted = uniqueIds(ids, 'order')
    const found = new Map<string, TikTokRecord>()
    for (const batch of chunk(wanted, MAX_ORDER_IDS_PER_CALL)) {
      const spec: ApiCall = {
        operation: 'get orders',
        method: 'GET',
        api: ORDERS_PATH,
        path: ORDERS_PATH,
        params: { ids: batch.join(',') },
      }
      const answer = await api.call(spec)
      collect(found, batch, api.recordsIn(spec, answer, 'orders'), 'id')
      throwIfMissing(spec, answer, 'orders', batch, found)
    }
    return inOrder(wanted, found)
  }

  async function getReturns(ids: readonly string[]): Promise<ReadonlyMap<string, TikTokRecord>> {
    const wanted = uniqueIds(ids, 'return')
    const found = new Map<string, TikTokRecord>()
    for (const batch of chunk(wanted, RETURNS_PAGE_SIZE)) {
      let pageToken: string | undefined
      let answer: Answer
      let spec: ApiCall
      let pages = 0
      do {
        spec = {
          operation: 'search returns',
          method: 'POST',
          api: RETURNS_SEARCH_PATH,
          path: RETURNS_SEARCH_PATH,
          params: {
            page_size: String(RETURNS_PAGE_SIZE),
            ...(pageToken === undefined ? {} : { page_token: pageToken }),
          },
          body: { return_ids: batch },
        }
        answer = await api.call(spec)
        pages += 1
        collect(found, batch, api.recordsIn(spec, answer, 'return_orders'), 'return_id')
        const next = answer.data.next_page_token
        pageToken = typeof next === 'string' && next !== '' ? next : undefined
      } while (
        pageToken !== undefined &&
        batch.some((id) => !found.has(id)) &&
        pages < MAX_RETURN_PAGES
      )
      throwIfMissing(spec, answer, 'returns', batch, found)
    }
    return inOrder(wanted, found)
  }

  async function hydrate(needs: readonly HydrationNeed[]): Promise<Record<string, unknown>> {
    const orderIds: string[] = []
    const returnIds: string[] = []
    for (const need of needs) {
      switch (need.kind) {
        case 'order':
          orderIds.push(need.id)
          break
        case 'return':
          returnIds.push(need.id)
          break
        case 'order-items':
        case 'confirm-subscription':
          throw unsupportedNeed(CHANNEL, need)
      }
    }
    const [orders, returns] = await Promise.all([
      orderIds.length > 0 ? getOrders(orderIds) : new Map<string, TikTokRecord>(),
      returnIds.length > 0 ? getReturns(returnIds) : new Map<string, TikTokRecord>(),
    ])
    const hydrated: Record<string, unknown> = {}
    for (const need of needs) {
      hydrated[hydrationKey(need)] = (need.kind === 'order' ? orders : returns).get(need.id)
    }
    return hydrated
  }

  function throwIfMissing(
    spec: ApiCall,
    answer: Answer,
    what: string,
    batch: readonly string[],
    found: ReadonlyMap<string, TikTokRecord>,
  ): void {
    const missing = batch.filter((id) => !found.has(id))
    if (missing.length === 0) return
    // Usually the webhook outran TikTok's read side; the pipeline retries with backoff.
    throw api.fail(
      'transient',
      spec,
      `${what} not visible yet: ${missing.join(', ')} (request_id ${answer.requestId ?? 'unknown'})`,
    )
  }

  return {
    hydrate,
    getOrders,
    getReturns,
    listOrders: (window, page) => listOrderPage(api, window, page),
    setStock: (update) => setStock(api, update),
    setStockMany: (updates) => setStockMany(api, updates),
    getInventory: (productIds) => getInventory(api, productIds),
  }
}

function collect(
  found: Map<string, TikTokRecord>,
  batch: readonly string[],
  records: readonly TikTokRecord[],
  idField: string,
): void {
  for (const record of records) {
    const raw = record[idField]
    const id = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined
    if (id !== undefined && batch.includes(id)) found.set(id, record)
  }
}

function inOrder(
  ids: readonly string[],
  found: ReadonlyMap<string, TikTokRecord>,
): Map<string, TikTokRecord> {
  const ordered = new Map<string, TikTokRecord>()
  for (const id of ids) {
    const record = found.get(id)
    if (record !== undefined) ordered.set(id, record)
  }
  return ordered
}
