/**
 * TikTok Shop Open API client: the reads hydration needs (orders, returns), stock writes, and the
 * inventory read reconciliation will use. Every call is signed (sign-request.ts), carries the
 * seller token in `x-tts-access-token`, is paced per API by a token bucket, has a whole-request
 * deadline and a response size cap, and fails with a classified `ChannelApiError`.
 *
 * Endpoints (all on `credentials.apiBaseUrl`, API version 202309; specs mirrored in
 * repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/):
 * - `GET /order/202309/orders?ids=a,b` — Get Order Detail; `ids` max 50 (orders/get-order-detail.spec.json,
 *   which documents the 202507 path with the same `ids` parameter; the 202309 path is the one
 *   channels.md §4 A5 names), answer `data.orders[]`.
 * - `POST /return_refund/202309/returns/search` — Search Returns, body `{ return_ids }`, query
 *   `page_size` [10, 50] (default 10) and `page_token`; answer `data.return_orders[]`,
 *   `data.next_page_token` (return-and-refund/search-returns.spec.json).
 * - `POST /product/202309/products/{product_id}/inventory/update` — Update Inventory
 *   (products/update-inventory.spec.json; channels.md §4 B1).
 * - `POST /product/202309/inventory/search` — Inventory Search, body `{ product_ids }` max 100
 *   (products/inventory-search.spec.json).
 *
 * Error classification (HTTP status first, then TikTok's `code`):
 * - HTTP 429 → rate-limited (Retry-After if sent, else 1 s); 5xx (503 is platform overload) →
 *   transient (https://partner.tiktokshop.com/docv2/page/rate-limits, mirror
 *   guides/developer-guide/tiktok-shop-api-concepts/rate-limits.md).
 * - Any other non-2xx → the code's kind when the body carries a code listed in TIKTOK_CODE_KINDS,
 *   else 401/403 → unauthorized and the rest → permanent.
 * - HTTP 2xx with `code` ≠ 0 → TIKTOK_CODE_KINDS, permanent for any code not listed.
 * - No answer, a timeout, or a body that is not a JSON envelope → transient.
 */
import { z } from 'zod'
import { errorMessage } from '../../src/errors.js'
import { parseJsonBody } from '../../src/json.js'
import { ChannelApiError, type ChannelApiErrorKind } from '../shared/api-error.js'
import { TokenBucket } from '../shared/rate-limit.js'
import { retryAfterMs } from '../shared/retry-after.js'
import {
  hydrationKey,
  type ChannelClient,
  type ClientContext,
  type HydrationNeed,
} from '../types.js'
import type { TikTokShopCredentials } from './config.js'
import { signedApiQuery } from './sign-request.js'

/** A record as TikTok answered it (ids beyond 2^53 kept as digit strings by `parseJsonBody`). */
export type TikTokRecord = Readonly<Record<string, unknown>>

/** One absolute stock level per warehouse for one SKU. */
export interface TikTokStockUpdate {
  readonly productId: string
  readonly skuId: string
  /**
   * Every warehouse assigned to the SKU, no more and no fewer: TikTok refuses a partial list
   * (error 12019028 / 12052037). Quantities are whole units ≥ 0; see `setStock` for 0 and for
   * values above {@link MAX_STOCK_QUANTITY}.
   */
  readonly warehouses: readonly { readonly warehouseId: string; readonly quantity: number }[]
}

export interface TikTokStockResult {
  readonly status: 'applied'
  /** Warehouses whose quantity was above {@link MAX_STOCK_QUANTITY} and was sent as that maximum. */
  readonly cappedWarehouseIds?: readonly string[]
}

/** One SKU's stock as Inventory Search reports it, per warehouse. */
export interface TikTokSkuInventory {
  readonly productId: string
  readonly skuId: string
  readonly sellerSku?: string
  readonly warehouses: readonly {
    readonly warehouseId: string
    /** Units available for ordering (what Update Inventory sets as `quantity`). */
    readonly availableQuantity: number
    /** Units reserved by existing orders, not available for ordering. */
    readonly committedQuantity: number
  }[]
}

export interface TikTokShopClient extends ChannelClient {
  /** Orders by id, in the order asked; any id TikTok does not return fails the call (transient). */
  getOrders(ids: readonly string[]): Promise<ReadonlyMap<string, TikTokRecord>>
  /** Returns by return id, same conventions as `getOrders`. */
  getReturns(ids: readonly string[]): Promise<ReadonlyMap<string, TikTokRecord>>
  /** Sets absolute per-warehouse stock for one SKU. */
  setStock(update: TikTokStockUpdate): Promise<TikTokStockResult>
  /** Current stock of every SKU of the given products. A product TikTok does not list is absent. */
  getInventory(productIds: readonly string[]): Promise<readonly TikTokSkuInventory[]>
}

/**
 * Documented upper bound of Update Inventory's `quantity` ("Valid range: [1, 99,999]",
 * products/update-inventory.spec.json).
 */
export const MAX_STOCK_QUANTITY = 99_999

/**
 * TikTok `code` values whose kind is not `permanent`. Every other non-zero code is permanent.
 * Source: https://partner.tiktokshop.com/docv2/page/678e3a45786253031531b942 (Common errors; mirror
 * guides/developer-guide/tiktok-shop-api-concepts/common-errors.md), and for 36009003 the
 * `error_code_list` of the update-inventory, inventory-search and search-returns specs.
 */
export const TIKTOK_CODE_KINDS: Readonly<Record<string, ChannelApiErrorKind>> = {
  /** "Too many requests." */
  '36009002': 'rate-limited',
  /** "Internal error. Please try again." */
  '36009003': 'transient',
  /** "Request timeout." */
  '36009007': 'transient',
  /** "Expired credentials. The access_token or x-tts-access-token header has expired." */
  '105002': 'unauthorized',
  /** "Invalid credentials. The sign query parameter is invalid." (wrong app secret) */
  '106001': 'unauthorized',
  /**
   * Shared by several refusals: missing signature, invalid `x-tts-access-token`, invalid `app_key`,
   * timestamp outside the window (clock skew), unexpected identifier, invalid API version. Most are
   * credential problems and all need an operator, so the whole code is `unauthorized`.
   */
  '36009004': 'unauthorized',
  /** "Invalid query or header": token of the wrong user type or not for this `shop_cipher`. */
  '101000': 'unauthorized',
  /** "Access denied": the app or token lacks the endpoint's scope; the seller must re-authorize. */
  '105005': 'unauthorized',
  /** "Access denied. Your IP address is not in the IP allow list configured for this app." */
  '36009033': 'unauthorized',
}

/** The kind of a non-zero TikTok `code`. */
export function classifyTikTokCode(code: string): ChannelApiErrorKind {
  return TIKTOK_CODE_KINDS[code] ?? 'permanent'
}

const ORDERS_PATH = '/order/202309/orders'
const RETURNS_SEARCH_PATH = '/return_refund/202309/returns/search'
const INVENTORY_SEARCH_PATH = '/product/202309/inventory/search'
const INVENTORY_UPDATE_API = '/product/202309/products/{product_id}/inventory/update'
const MAX_ORDER_IDS_PER_CALL = 50
/** Search Returns' largest page; the filter is chunked to the same size so one page should do. */
const RETURNS_PAGE_SIZE = 50
/** A guard against a `next_page_token` that never ends; more pages than this is an error. */
const MAX_RETURN_PAGES = 5
const MAX_INVENTORY_PRODUCT_IDS_PER_CALL = 100
/** No answer the hub reads comes near this (50 orders); a bigger one is refused, not buffered. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024
/** TikTok documents no Retry-After on 429 (channels.md §4 B2), so this is the fallback wait. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000
const CHANNEL = 'TikTok Shop'

interface ApiCall {
  /** Human label used in error messages, e.g. `get orders`. */
  readonly operation: string
  readonly method: 'GET' | 'POST'
  /** The API's path template: TikTok counts its rate limit per API, so the bucket is keyed by this. */
  readonly api: string
  readonly path: string
  readonly params?: Readonly<Record<string, string>>
  readonly body?: unknown
}

interface Envelope {
  readonly code?: string
  readonly message?: string
  readonly requestId?: string
  readonly data?: unknown
}

interface Answer {
  readonly data: TikTokRecord
  readonly requestId?: string
}

export function createTikTokShopClient(
  credentials: TikTokShopCredentials,
  ctx: ClientContext,
): TikTokShopClient {
  const baseUrl = credentials.apiBaseUrl.replace(/\/+$/, '')
  const firstSecret = credentials.appSecrets[0]
  if (firstSecret === undefined) throw new Error('TikTok Shop credentials list no app secret')
  const appSecret: string = firstSecret
  // Burst = the per-second rate, but at least one call: a bucket holding less than one token
  // would refuse even the first call of a slow (< 1/s) plan.
  const limit = {
    perSecond: credentials.rateLimitPerSecond,
    burst: Math.max(1, credentials.rateLimitPerSecond),
  }
  const buckets = new Map<string, TokenBucket>()
  // Credentials never appear in messages, even if TikTok were to echo one back.
  const secrets = [credentials.accessToken, ...credentials.appSecrets].filter((s) => s.length >= 4)
  const redact = (text: string) =>
    secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text)

  function bucketFor(api: string): TokenBucket {
    let bucket = buckets.get(api)
    if (!bucket) {
      bucket = new TokenBucket(limit, ctx.clock)
      buckets.set(api, bucket)
    }
    return bucket
  }

  function fail(
    kind: ChannelApiErrorKind,
    spec: ApiCall,
    what: string,
    details: ConstructorParameters<typeof ChannelApiError>[2] = {},
    cause?: unknown,
  ): ChannelApiError {
    return new ChannelApiError(
      kind,
      `${CHANNEL} ${spec.operation} (${spec.method} ${spec.api}): ${what}`,
      details,
      cause === undefined ? undefined : { cause },
    )
  }

  function describe(status: number, envelope: Envelope | undefined): string {
    const parts = [`HTTP ${status}`]
    if (envelope?.code !== undefined) parts.push(`code ${envelope.code}`)
    if (envelope?.message) parts.push(`"${redact(envelope.message)}"`)
    if (envelope?.requestId) parts.push(`request_id ${envelope.requestId}`)
    return parts.join(', ')
  }

  async function call(spec: ApiCall): Promise<Answer> {
    await bucketFor(spec.api).take(`${CHANNEL} ${spec.operation}`)
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body)
    const query = signedApiQuery({
      appKey: credentials.appKey,
      appSecret,
      shopCipher: credentials.shopCipher,
      now: ctx.clock.now(),
      path: spec.path,
      params: spec.params,
      body,
    })
    const timeoutMs = credentials.requestTimeoutMs
    const unanswered = (err: unknown) =>
      fail(
        'transient',
        spec,
        isTimeout(err)
          ? `no complete answer within ${timeoutMs} ms`
          : `request failed: ${redact(errorMessage(err))}`,
        {},
        err,
      )

    let status: number
    let text: string
    let retryAfterHeader: string | undefined
    try {
      const res = await ctx.transport(`${baseUrl}${spec.path}?${query.toString()}`, {
        method: spec.method,
        headers: {
          'content-type': 'application/json',
          'x-tts-access-token': credentials.accessToken,
        },
        body,
        timeoutMs,
      })
      status = res.status
      retryAfterHeader = res.header('retry-after')
      text = await res.text(MAX_RESPONSE_BYTES + 1)
    } catch (err) {
      throw unanswered(err)
    }

    const tooLarge = Buffer.byteLength(text, 'utf8') > MAX_RESPONSE_BYTES
    const envelope = tooLarge ? undefined : readEnvelope(text)
    const code = envelope?.code
    const summary = describe(status, envelope)

    const ok = status >= 200 && status < 300
    let kind: ChannelApiErrorKind | undefined
    if (status === 429) kind = 'rate-limited'
    else if (status >= 500) kind = 'transient'
    else if (!ok) {
      const known = code === undefined ? undefined : TIKTOK_CODE_KINDS[code]
      kind = known ?? (status === 401 || status === 403 ? 'unauthorized' : 'permanent')
    } else if (tooLarge) {
      throw fail('permanent', spec, `answer larger than ${MAX_RESPONSE_BYTES} bytes`, { status })
    } else if (!envelope || code === undefined) {
      throw fail('transient', spec, `answer is not a TikTok JSON envelope (HTTP ${status})`, {
        status,
      })
    } else if (code !== '0') kind = classifyTikTokCode(code)

    if (kind !== undefined) {
      const waitMs =
        kind === 'rate-limited'
          ? (retryAfterMs(retryAfterHeader, ctx.clock.now()) ?? DEFAULT_RATE_LIMIT_WAIT_MS)
          : undefined
      throw fail(
        kind,
        spec,
        `${kind === 'rate-limited' ? 'rate limited' : kind === 'transient' ? 'failed' : 'refused'} (${summary})`,
        {
          status,
          ...(code === undefined ? {} : { code }),
          ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }),
        },
      )
    }
    return { data: isRecord(envelope?.data) ? envelope.data : {}, requestId: envelope?.requestId }
  }

  /** The objects in `data[field]`; an absent field is an empty list (TikTok omits empty lists). */
  function recordsIn(spec: ApiCall, answer: Answer, field: string): TikTokRecord[] {
    const value = answer.data[field]
    if (value === undefined || value === null) return []
    if (Array.isArray(value) && value.every(isRecord)) return value
    throw fail('permanent', spec, `unexpected answer: data.${field} is not a list of objects`)
  }

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
      const answer = await call(spec)
      collect(found, batch, recordsIn(spec, answer, 'orders'), 'id')
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
        answer = await call(spec)
        pages += 1
        collect(found, batch, recordsIn(spec, answer, 'return_orders'), 'return_id')
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

  async function setStock(update: TikTokStockUpdate): Promise<TikTokStockResult> {
    const spec: ApiCall = {
      operation: `update inventory of product ${update.productId} sku ${update.skuId}`,
      method: 'POST',
      api: INVENTORY_UPDATE_API,
      path: `/product/202309/products/${update.productId}/inventory/update`,
    }
    const refuse = (why: string) => fail('permanent', spec, `not sent: ${why}`)
    if (!/^[A-Za-z0-9_-]+$/.test(update.productId)) throw refuse('product id is not a TikTok id')
    if (update.skuId === '') throw refuse('sku id is empty')
    // TikTok wants every warehouse of the SKU in one call; an empty list cannot be right.
    if (update.warehouses.length === 0) {
      throw refuse('no warehouses listed; list every warehouse assigned to the SKU')
    }
    const capped: string[] = []
    const seen = new Set<string>()
    const inventory = update.warehouses.map(({ warehouseId, quantity }) => {
      if (warehouseId === '') throw refuse('a warehouse id is empty')
      if (seen.has(warehouseId)) throw refuse(`warehouse ${warehouseId} is listed twice`)
      seen.add(warehouseId)
      if (!Number.isSafeInteger(quantity) || quantity < 0) {
        throw refuse(`quantity ${quantity} for warehouse ${warehouseId} is not a whole number ≥ 0`)
      }
      // Above the documented maximum we send the maximum: TikTok then shows fewer units than we
      // hold, which cannot oversell, whereas refusing would leave an older, possibly far lower,
      // level in place. Reconciliation must read MAX_STOCK_QUANTITY on TikTok as "at least".
      if (quantity > MAX_STOCK_QUANTITY) capped.push(warehouseId)
      // 0 is sent as 0. The documented range starts at 1, but whether TikTok refuses 0 is
      // unconfirmed (channels.md §4 B1); if it does, the refusal (e.g. 12052055 / 12019024) comes
      // back as a permanent error whose message names this product and SKU.
      return { warehouse_id: warehouseId, quantity: Math.min(quantity, MAX_STOCK_QUANTITY) }
    })
    const answer = await call({ ...spec, body: { skus: [{ id: update.skuId, inventory }] } })
    const errors = recordsIn(spec, answer, 'errors')
    if (errors.length > 0) {
      const first = errors[0]?.code
      throw fail(
        'permanent',
        spec,
        `TikTok refused the SKU update (request_id ${answer.requestId ?? 'unknown'}): ${errors
          .map((e) => redact(describeSkuError(e)))
          .join('; ')}`,
        {
          status: 200,
          code: typeof first === 'number' || typeof first === 'string' ? String(first) : undefined,
        },
      )
    }
    return capped.length > 0
      ? { status: 'applied', cappedWarehouseIds: capped }
      : { status: 'applied' }
  }

  async function getInventory(productIds: readonly string[]): Promise<TikTokSkuInventory[]> {
    const wanted = uniqueIds(productIds, 'product')
    const result: TikTokSkuInventory[] = []
    for (const batch of chunk(wanted, MAX_INVENTORY_PRODUCT_IDS_PER_CALL)) {
      const spec: ApiCall = {
        operation: 'search inventory',
        method: 'POST',
        api: INVENTORY_SEARCH_PATH,
        path: INVENTORY_SEARCH_PATH,
        body: { product_ids: batch },
      }
      const answer = await call(spec)
      const parsed = InventorySearchData.safeParse(answer.data)
      if (!parsed.success) {
        throw fail('permanent', spec, `unexpected answer: ${z.prettifyError(parsed.error)}`)
      }
      for (const product of parsed.data.inventory) {
        for (const sku of product.skus) {
          result.push({
            productId: product.product_id,
            skuId: sku.id,
            ...(sku.seller_sku === undefined ? {} : { sellerSku: sku.seller_sku }),
            warehouses: sku.warehouse_inventory.map((w) => ({
              warehouseId: w.warehouse_id,
              availableQuantity: w.available_quantity,
              committedQuantity: w.committed_quantity,
            })),
          })
        }
      }
    }
    return result
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
    throw fail(
      'transient',
      spec,
      `${what} not visible yet: ${missing.join(', ')} (request_id ${answer.requestId ?? 'unknown'})`,
    )
  }

  function uniqueIds(ids: readonly string[], what: string): string[] {
    for (const id of ids) {
      if (id === '' || id.includes(',')) {
        throw new ChannelApiError(
          'permanent',
          `${CHANNEL}: invalid ${what} id ${JSON.stringify(id)}`,
        )
      }
    }
    return [...new Set(ids)]
  }

  return { hydrate, getOrders, getReturns, setStock, getInventory }
}

const TikTokId = z.union([z.string().min(1), z.int().transform(String)])

const InventorySearchData = z.object({
  inventory: z
    .array(
      z.object({
        product_id: TikTokId,
        skus: z
          .array(
            z.object({
              id: TikTokId,
              seller_sku: z.string().optional(),
              warehouse_inventory: z
                .array(
                  z.object({
                    warehouse_id: TikTokId,
                    available_quantity: z.int(),
                    committed_quantity: z.int().default(0),
                  }),
                )
                .default([]),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
})

function readEnvelope(text: string): Envelope | undefined {
  let value: unknown
  try {
    value = parseJsonBody(text)
  } catch {
    return undefined
  }
  if (!isRecord(value)) return undefined
  const { code, message, request_id: requestId, data } = value
  return {
    code: typeof code === 'number' || typeof code === 'string' ? String(code) : undefined,
    message: typeof message === 'string' ? message : undefined,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    data,
  }
}

/** `sku 1729…: code 12052990 "Check failed" [warehouse 7068…: code 12052097 "…"]`. */
function describeSkuError(error: TikTokRecord): string {
  const detail = isRecord(error.detail) ? error.detail : {}
  const extra = Array.isArray(detail.extra_errors) ? detail.extra_errors.filter(isRecord) : []
  const sku = typeof detail.sku_id === 'string' ? detail.sku_id : 'unknown'
  const warehouses = extra.map(
    (e) => `warehouse ${String(e.warehouse_id)}: code ${String(e.code)} "${String(e.message)}"`,
  )
  const head = `sku ${sku}: code ${String(error.code)} "${String(error.message)}"`
  return warehouses.length > 0 ? `${head} [${warehouses.join('; ')}]` : head
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

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function isRecord(value: unknown): value is TikTokRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isTimeout(err: unknown): boolean {
  return (
    err instanceof Error && (err.name === 'TimeoutError' || /timeout|timed out/i.test(err.message))
  )
}
