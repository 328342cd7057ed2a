/**
 * The ids under which the emulated Shopify store lists an internal SKU: one product with one
 * variant, whose inventory item is stocked at the store's one location. Derived from the SKU
 * alone, so the same SKU always has the same ids (every run, every state); and the way back from
 * an inventory item id to its SKU for the API.
 */
import { createHash } from 'node:crypto'
import type { ChannelState } from '../types.js'

/** The sandbox store's one location (a Shopify-shaped 11-digit id). */
export const LOCATION_ID = '75596366001'

export interface SkuIds {
  readonly productId: string
  readonly variantId: string
  readonly inventoryItemId: string
  /** The numeric part of the InventoryLevel gid (Shopify's level ids are their own). */
  readonly inventoryLevelId: string
}

/** Inventory item id → SKU, for every SKU whose ids were derived in this process. */
const skuByItem = new Map<string, string>()

/** A 14-digit Shopify-shaped id from a digest of `seed`; well within 2^53, as Shopify's are. */
function digitId(seed: string): string {
  const digest = createHash('sha256').update(seed, 'utf8').digest()
  return String(10n ** 13n + (digest.readBigUInt64BE(0) % (9n * 10n ** 13n)))
}

export function idsOf(sku: string): SkuIds {
  const inventoryItemId = digitId(`inventory-item:${sku}`)
  skuByItem.set(inventoryItemId, sku)
  return {
    productId: digitId(`product:${sku}`),
    variantId: digitId(`variant:${sku}`),
    inventoryItemId,
    inventoryLevelId: digitId(`inventory-level:${sku}`),
  }
}

/**
 * The SKU an inventory item id names: one whose ids were derived already (a listing unit handed
 * out, an order placed), else one the state holds stock for; undefined when the store has no
 * such item.
 */
export function skuOfItem(state: ChannelState, inventoryItemId: string): string | undefined {
  const known = skuByItem.get(inventoryItemId)
  if (known !== undefined) return known
  for (const sku of state.stock.keys()) {
    if (idsOf(sku).inventoryItemId === inventoryItemId) return sku
  }
  return undefined
}

/** A SKU's price in cents, between $5.00 and $99.99, fixed per SKU so repeated orders agree. */
export function priceCentsOf(sku: string): number {
  const digest = createHash('sha256').update(`price:${sku}`, 'utf8').digest()
  return 500 + (digest.readUInt32BE(0) % 9_500)
}

/** Shopify's REST timestamp form: seconds, with an offset (the sandbox store keeps UTC). */
export function shopifyTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+00:00')
}
