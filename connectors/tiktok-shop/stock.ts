/**
 * The stock half of the TikTok Shop connector. A listing's unit is a product's SKU together with
 * every warehouse TikTok assigns to that SKU (channels.md §4 B3: product_id + sku_id +
 * warehouse_id); stock is written absolutely per warehouse (§4 B1) and read back with Inventory
 * Search.
 */
import { z } from 'zod'
import type { ListingRef } from '../../src/events/index.js'
import type { StockSupport } from '../types.js'
import {
  MAX_SKUS_PER_CALL,
  MAX_STOCK_QUANTITY,
  type TikTokShopClient,
  type TikTokStockUpdate,
} from './client.js'
import type { TikTokShopCredentials } from './config.js'

const DigitString = z.string().regex(/^\d+$/, 'a TikTok id: digits only, as a string')

/** How a listing names a TikTok sellable unit. */
export const TikTokUnit = z
  .object({
    productId: DigitString,
    skuId: DigitString,
    /**
     * Every warehouse TikTok assigns to the SKU (Get Product's `skus[].inventory[].warehouse_id`),
     * first the one that holds the stock: Update Inventory refuses a call that omits one
     * (error 12019028, channels.md §4 B1).
     */
    warehouseIds: z
      .array(DigitString)
      .min(1, 'list every warehouse assigned to the SKU')
      .refine((ids) => new Set(ids).size === ids.length, 'a warehouse is listed twice'),
  })
  .strict()
export type TikTokUnit = z.infer<typeof TikTokUnit>

export const tiktokShopStock: StockSupport<TikTokShopCredentials, TikTokUnit, TikTokShopClient> = {
  unit: TikTokUnit,
  // The seller SKU alone does not name a TikTok unit: the write needs TikTok's product, SKU and
  // warehouse ids.
  defaultUnit: () => undefined,
  unitKey: (unit) => `${unit.productId}/${unit.skuId}`,
  // Type 27 names the product and its SKU (normalizers/tiktok-shop/listing.ts: productId,
  // unitId = sku_id); it reports the SKU's total, not a warehouse's, so the key has no warehouse.
  reportedUnitKey: (ref: ListingRef) =>
    ref.productId !== null && ref.unitId !== null ? `${ref.productId}/${ref.unitId}` : undefined,
  // Order lines carry `seller_sku`, which is the internal SKU; the unit itself has no seller code.
  channelSku: () => undefined,
  // "Default 50 QPS per API, counted per app + shop" (channels.md §4 B2).
  pushRate: { max: 50, durationMs: 1_000 },
  // TikTok documents no Retry-After on 429 (channels.md §4 B2); one second is one window of its limit.
  throttlePauseMs: 1_000,
  /**
   * Update Inventory's `quantity`: "Valid range: [1, 99,999]" in the current reference
   * (realworld-samples/tiktok-shop/update-inventory-202309.spec.json, mirror of
   * https://partner.tiktokshop.com/docv2/page/update-inventory-202309); an earlier revision of the
   * same page read "non-negative numbers (include number 0) And less then 99999"
   * (repo:lywzx/tiktok-partner-api packages/tk-origin-api/src/products/UpdateInventory.ts), and an
   * integrator's 2024 mapping of this 202309 endpoint reads the same and stops selling a variant
   * by pushing 0 stock to it (https://help.useresponse.com/hemi/knowledge-base/article/marketplaces-tiktok-marketplace-integration-v2-tiktok-product-management-tiktok-update-stock_1,
   * …-tiktok-end-listing_1).
   * TikTok documents no other per-SKU way to show a SKU out of stock: Partial Edit Product's
   * `skus[].inventory[].quantity` has the same [1, 99,999] and deletes the SKUs a call leaves out;
   * Deactivate Products acts on whole products; the Product API has no per-SKU status call
   * (repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/products/). So the minimum
   * here is 0, not 1: the hub must be able to say "sold out", or TikTok keeps selling what is
   * gone. Whether TikTok takes 0 today is unconfirmed (channels.md §4 B1); a refusal comes back as
   * a permanent error naming the SKU, for an operator to see.
   */
  quantityRange: { min: 0, max: MAX_STOCK_QUANTITY },

  async write(client, unit, { quantity }) {
    await client.setStock(stockUpdate(unit, quantity))
    return { status: 'applied', quantity }
  },

  /**
   * All due SKUs of a product in one Update Inventory call, whose `skus` list takes every SKU of
   * one product (up to 100, `MAX_SKUS_PER_CALL`); SKUs of other products go in calls of their own,
   * one after another. From two due SKUs on this is as cheap as single writes or cheaper.
   */
  bulk: {
    maxItems: MAX_SKUS_PER_CALL,
    minItems: 2,
    async writeMany(client, items) {
      const errors = await client.setStockMany(
        items.map(({ unit, write }) => stockUpdate(unit, write.quantity)),
      )
      return items.map(({ key, write }, i) => {
        const error = errors[i]
        return error === undefined
          ? { key, ok: true, status: 'applied', quantity: write.quantity }
          : { key, ok: false, error }
      })
    },
  },

  async read(client, unit) {
    const skus = await client.getInventory([unit.productId])
    const sku = skus.find((s) => s.productId === unit.productId && s.skuId === unit.skuId)
    if (sku === undefined) return null
    // What the unit's warehouses offer together; stock in a warehouse the listing does not name
    // is not the hub's to count.
    return sku.warehouses
      .filter((w) => unit.warehouseIds.includes(w.warehouseId))
      .reduce((sum, w) => sum + w.availableQuantity, 0)
  },
}

/**
 * The per-warehouse levels of one write. TikTok wants every warehouse of the SKU in one call ("Do
 * not omit any"), so the zeroes for the other warehouses cannot be left out; `warehouse_id` may be
 * omitted only with a single warehouse, where no zero is sent anyway. The hub knows one quantity
 * per SKU, not how the seller splits it, so all of it goes to the first listed warehouse and 0 to
 * the others: the channel then never offers more than the hub's quantity in total, and never
 * offers a unit from a warehouse that may not hold it (as spreading one unit to each would).
 */
function stockUpdate(unit: TikTokUnit, quantity: number): TikTokStockUpdate {
  const [first, ...others] = unit.warehouseIds
  return {
    productId: unit.productId,
    skuId: unit.skuId,
    warehouses: [
      ...(first === undefined ? [] : [{ warehouseId: first, quantity }]),
      ...others.map((warehouseId) => ({ warehouseId, quantity: 0 })),
    ],
  }
}
