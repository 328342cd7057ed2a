/**
 * Stock through TikTok's Product API (API version 202309; specs mirrored in
 * repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/):
 * - `POST /product/202309/products/{product_id}/inventory/update` — Update Inventory
 *   (products/update-inventory.spec.json; channels.md §4 B1).
 * - `POST /product/202309/inventory/search` — Inventory Search, body `{ product_ids }` max 100
 *   (products/inventory-search.spec.json).
 */
import { z } from 'zod'
import { isRecord } from '../shared/http-exchange.js'
import type { ApiCall, TikTokApi, TikTokRecord } from './api-call.js'
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

/** Sets absolute per-warehouse stock for one SKU. */
export async function setStock(
  api: TikTokApi,
  update: TikTokStockUpdate,
): Promise<TikTokStockResult> {
  const spec: ApiCall = {
    operation: `update inventory of product ${update.productId} sku ${update.skuId}`,
    method: 'POST',
    api: INVENTORY_UPDATE_API,
    path: `/product/202309/products/${update.productId}/inventory/update`,
  }
  const refuse = (why: string) => api.fail('permanent', spec, `not sent: ${why}`)
  if (!/^[A-Za-z0-9_-]+$/.test(update.productId)) throw refuse('product id is not a TikTok id')
  if (update.skuId === '') throw refuse('sku id is empty')
  // TikTok wants every warehouse of the SKU in one call; an empty list cannot be right.
  if (update.warehouses.length === 0) {
    throw refuse('no warehouses listed; list every warehouse assigned to the SKU')
  }
  const seen = new Set<string>()
  const inventory = update.warehouses.map(({ warehouseId, quantity }) => {
    if (warehouseId === '') throw refuse('a warehouse id is empty')
    if (seen.has(warehouseId)) throw refuse(`warehouse ${warehouseId} is listed twice`)
    seen.add(warehouseId)
    if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > MAX_STOCK_QUANTITY) {
      throw refuse(
        `quantity ${quantity} for warehouse ${warehouseId} is not a whole number from 0 to ${MAX_STOCK_QUANTITY}`,
      )
    }
    // 0 is sent as 0 (why: `tiktokShopStock.quantityRange`). If TikTok refuses it, the refusal
    // (e.g. 12052055 / 12019024) comes back as a permanent error naming this product and SKU.
    return { warehouse_id: warehouseId, quantity }
  })
  const answer = await api.call({ ...spec, body: { skus: [{ id: update.skuId, inventory }] } })
  const errors = api.recordsIn(spec, answer, 'errors')
  if (errors.length > 0) {
    const first = errors[0]?.code
    throw api.fail(
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
  return { status: 'applied' }
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
