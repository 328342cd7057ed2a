/**
 * Stock through TikTok's Product API (API version 202309; specs mirrored in
 * repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/):
 * - `POST /product/202309/products/{product_id}/inventory/update` — Update Inventory
 *   (products/update-inventory.spec.json; channels.md §4 B1): one SKU (`setStock`), or every due
 *   SKU of a product in one call (`setStockMany`).
 * - `POST /product/202309/inventory/search` — Inventory Search, body `{ product_ids }` max 100
 *   (products/inventory-search.spec.json).
 */
import { z } from 'zod'
import { isRecord } from '../shared/http-exchange.js'
import { ChannelApiError } from '../shared/api-error.js'
import type { Answer, ApiCall, TikTokApi, TikTokRecord } from './api-call.js'
import { chunk, uniqueIds } from './request-ids.js'

/** One absolute stock level per warehouse for one SKU. */
export interface TikTokStockUpdate {
  readonly productId: string
  readonly skuId: string
  /**
   * Every warehouse assigned to the SKU, no more and no fewer: TikTok refuses a partial list
   * (error 12019028 / 12052037). Quantities are whole units from 0 to {@link MAX_STOCK_QUANTITY}
   * (0: see `tiktokShopStock.quantityRange`).
   */
  readonly warehouses: readonly { readonly warehouseId: string; readonly quantity: number }[]
}

export interface TikTokStockResult {
  readonly status: 'applied'
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

/**
 * Documented upper bound of Update Inventory's `quantity` ("Valid range: [1, 99,999]",
 * products/update-inventory.spec.json). The push pipeline caps at it before calling
 * (connectors/shared/quantity-range.ts); `setStock` refuses anything above it.
 */
export const MAX_STOCK_QUANTITY = 99_999

const INVENTORY_SEARCH_PATH = '/product/202309/inventory/search'
const INVENTORY_UPDATE_API = '/product/202309/products/{product_id}/inventory/update'
const MAX_INVENTORY_PRODUCT_IDS_PER_CALL = 100

/**
 * Most SKUs one Update Inventory call takes: its SKUs must all be of one product
 * (products/update-inventory.spec.json, `skus[].id`), and "A single product cannot have more than
 * 100 different SKUs" (its error 12052050). Partial Edit Product allows 300 SKUs in BR, EU, JP, MX,
 * UK and US (products/partial-edit-product.spec.json); Update Inventory's own limit is the one used.
 */
export const MAX_SKUS_PER_CALL = 100

function updateCall(productId: string, skuCount: number): ApiCall {
  return {
    operation:
      skuCount === 1
        ? `update inventory of product ${productId}`
        : `update inventory of ${skuCount} skus of product ${productId}`,
    method: 'POST',
    api: INVENTORY_UPDATE_API,
    path: `/product/202309/products/${productId}/inventory/update`,
  }
}

/** The SKU's `skus[]` entry as TikTok takes it, or why it cannot be sent. */
function skuEntry(update: TikTokStockUpdate): { id: string; inventory: object[] } | string {
  if (!/^[A-Za-z0-9_-]+$/.test(update.productId)) return 'product id is not a TikTok id'
  if (update.skuId === '') return 'sku id is empty'
  // TikTok wants every warehouse of the SKU in one call; an empty list cannot be right.
  if (update.warehouses.length === 0) {
    return 'no warehouses listed; list every warehouse assigned to the SKU'
  }
  const seen = new Set<string>()
  const inventory: object[] = []
  for (const { warehouseId, quantity } of update.warehouses) {
    if (warehouseId === '') return 'a warehouse id is empty'
    if (seen.has(warehouseId)) return `warehouse ${warehouseId} is listed twice`
    seen.add(warehouseId)
    if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > MAX_STOCK_QUANTITY) {
      return `quantity ${quantity} for warehouse ${warehouseId} is not a whole number from 0 to ${MAX_STOCK_QUANTITY}`
    }
    // 0 is sent as 0 (why: `tiktokShopStock.quantityRange`). If TikTok refuses it, the refusal
    // (e.g. 12052055 / 12019024) comes back as a permanent error naming this product and SKU.
    inventory.push({ warehouse_id: warehouseId, quantity })
  }
  return { id: update.skuId, inventory }
}

/** Sets absolute per-warehouse stock for one SKU. */
export async function setStock(
  api: TikTokApi,
  update: TikTokStockUpdate,
): Promise<TikTokStockResult> {
  const spec: ApiCall = {
    ...updateCall(update.productId, 1),
    operation: `update inventory of product ${update.productId} sku ${update.skuId}`,
  }
  const entry = skuEntry(update)
  if (typeof entry === 'string') throw api.fail('permanent', spec, `not sent: ${entry}`)
  const answer = await api.call({ ...spec, body: { skus: [entry] } })
  const errors = api.recordsIn(spec, answer, 'errors')
  if (errors.length > 0) throw skuRefusal(api, spec, answer, errors)
  return { status: 'applied' }
}

/**
 * Sets the stock of many SKUs: one Update Inventory call per product with all its SKUs (at most
 * {@link MAX_SKUS_PER_CALL} per call), products one after another. For each update, in order:
 * undefined when TikTok applied it, else the error of that SKU alone — one TikTok names in
 * `data.errors[].detail.sku_id`, one that cannot be sent, a repeated SKU, or a refusal of its
 * product's whole call that names no SKU (e.g. 12052032, the product does not exist). A call
 * that is rate limited, fails transiently or is unauthorized is thrown, whatever was applied
 * before it: the writes are absolute, so sending them all again is harmless.
 */
export async function setStockMany(
  api: TikTokApi,
  updates: readonly TikTokStockUpdate[],
): Promise<(ChannelApiError | undefined)[]> {
  const outcomes: (ChannelApiError | undefined)[] = updates.map(() => undefined)
  const byProduct = new Map<
    string,
    { index: number; entry: { id: string; inventory: object[] } }[]
  >()
  const seen = new Set<string>()
  updates.forEach((update, index) => {
    const spec = {
      ...updateCall(update.productId, 1),
      operation: `update inventory of product ${update.productId} sku ${update.skuId}`,
    }
    const entry = skuEntry(update)
    const key = `${update.productId}/${update.skuId}`
    if (typeof entry === 'string' || seen.has(key)) {
      const why = typeof entry === 'string' ? entry : `sku ${update.skuId} is listed twice`
      outcomes[index] = api.fail('permanent', spec, `not sent: ${why}`)
      return
    }
    seen.add(key)
    byProduct.set(update.productId, [...(byProduct.get(update.productId) ?? []), { index, entry }])
  })
  for (const [productId, entries] of byProduct) {
    for (const batch of chunk(entries, MAX_SKUS_PER_CALL)) {
      const spec = updateCall(productId, batch.length)
      let answer: Answer
      try {
        answer = await api.call({ ...spec, body: { skus: batch.map((b) => b.entry) } })
      } catch (err) {
        // A refusal of this product's call is its SKUs' answer; anything a retry can fix is the batch's.
        if (err instanceof ChannelApiError && err.kind === 'permanent') {
          for (const { index } of batch) outcomes[index] = err
          continue
        }
        throw err
      }
      const errors = api.recordsIn(spec, answer, 'errors')
      const bySku = new Map<string, TikTokRecord[]>()
      const unnamed: TikTokRecord[] = []
      for (const error of errors) {
        const skuId = skuIdOf(error)
        if (skuId !== undefined && batch.some((b) => b.entry.id === skuId)) {
          bySku.set(skuId, [...(bySku.get(skuId) ?? []), error])
        } else unnamed.push(error)
      }
      for (const { index, entry } of batch) {
        const own = [...(bySku.get(entry.id) ?? []), ...unnamed]
        if (own.length > 0) {
          const skuSpec = {
            ...spec,
            operation: `update inventory of product ${productId} sku ${entry.id}`,
          }
          outcomes[index] = skuRefusal(api, skuSpec, answer, own)
        }
      }
    }
  }
  return outcomes
}

/** The permanent error of SKU refusals in an answer's `data.errors[]`, with the first code. */
function skuRefusal(
  api: TikTokApi,
  spec: ApiCall,
  answer: Answer,
  errors: readonly TikTokRecord[],
): ChannelApiError {
  const first = errors[0]?.code
  return api.fail(
    'permanent',
    spec,
    `TikTok refused the SKU update (request_id ${answer.requestId ?? 'unknown'}): ${errors
      .map((e) => api.redact(describeSkuError(e)))
      .join('; ')}`,
    {
      status: 200,
      code: typeof first === 'number' || typeof first === 'string' ? String(first) : undefined,
    },
  )
}

function skuIdOf(error: TikTokRecord): string | undefined {
  const detail = isRecord(error.detail) ? error.detail : {}
  const id = detail.sku_id
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined
}

/** Current stock of every SKU of the given products. A product TikTok does not list is absent. */
export async function getInventory(
  api: TikTokApi,
  productIds: readonly string[],
): Promise<TikTokSkuInventory[]> {
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
    const answer = await api.call(spec)
    const parsed = InventorySearchData.safeParse(answer.data)
    if (!parsed.success) {
      throw api.fail('permanent', spec, `unexpected answer: ${z.prettifyError(parsed.error)}`)
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
