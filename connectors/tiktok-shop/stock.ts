/**
 * The stock half of the TikTok Shop connector. A listing's unit is a product's SKU together with
 * every warehouse TikTok assigns to that SKU (channels.md §4 B3: product_id + sku_id +
 * warehouse_id); stock is written absolutely per warehouse (§4 B1) and read back with Inventory
 * Search.
 */
import { z } from 'zod'
import type { ListingRef } from '../../src/events/index.js'
import type { StockSupport } from '../types.js'
import { MAX_STOCK_QUANTITY, type TikTokShopClient } from './client.js'
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

  async write(client, unit, { quantity }) {
    // TikTok wants every warehouse of the SKU in one call. The hub knows one quantity per SKU, not
    // how the seller splits it, so all of it goes to the first listed warehouse and 0 to the
    // others: the channel then never offers more than the hub's quantity in total, which any
    // other split (e.g. the quantity in each warehouse) could.
    const [first, ...others] = unit.warehouseIds
    const warehouses = [
      ...(first === undefined ? [] : [{ warehouseId: first, quantity }]),
      ...others.map((warehouseId) => ({ warehouseId, quantity: 0 })),
    ]
    await client.setStock({ productId: unit.productId, skuId: unit.skuId, warehouses })
    // setStock sends at most MAX_STOCK_QUANTITY per warehouse (TikTok's documented cap).
    return { status: 'applied', quantity: Math.min(quantity, MAX_STOCK_QUANTITY) }
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
