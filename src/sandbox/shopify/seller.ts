/**
 * The emulated Shopify store's fixed ids and the ids under which it lists an internal SKU: one
 * product with one variant, whose inventory item is stocked at the store's shop location and at
 * no other. Derived from the SKU alone, so the same SKU always has the same ids (every run, every
 * state); and the way back from an inventory item id to its SKU for the API. A SKU's price is
 * fixed the same way.
 */
import { createHash } from 'node:crypto'
import type { ChannelState } from '../types.js'

/** The store's location where every SKU is stocked (a Shopify-shaped 11-digit id). */
export const LOCATION_ID = '75596366001'

/**
 * The store's second location, a warehouse that stocks nothing: an item the store has, at a
 * location it has, not stocked there, which Shopify refuses to set as ITEM_NOT_STOCKED_AT_LOCATION
 * and reads as no level (channels.md §1 B3).
 */
export const WAREHOUSE_LOCATION_ID = '75596398769'

/** The location a `gid://shopify/Location/<digits>` names, when the store has it. */
export function storeLocation(gid: unknown): string | undefined {
  const id =
    typeof gid === 'string' ? /^gid:\/\/shopify\/Location\/(\d+)$/.exec(gid)?.[1] : undefined
  return id === LOCATION_ID || id === WAREHOUSE_LOCATION_ID ? id : undefined
}

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
 * The SKU a `gid://shopify/InventoryItem/<digits>` names: one whose ids were derived already (a
 * listing unit handed out, an order placed), else one the state holds stock for; undefined when
 * the store has no such item.
 */
export function skuOfItem(state: ChannelState, gid: unknown): string | undefined {
  const id =
    typeof gid === 'string' ? /^gid:\/\/shopify\/InventoryItem\/(\d+)$/.exec(gid)?.[1] : undefined
  if (id === undefined) return undefined
  const known = skuByItem.get(id)
  if (known !== undefined) return known
  for (const sku of state.stock.keys()) {
    if (idsOf(sku).inventoryItemId === id) return sku
  }
  return undefined
}

/** A SKU's price in cents, between $5.00 and $99.99, fixed per SKU so repeated orders agree. */
export function priceCentsOf(sku: string): number {
  const digest = createHash('sha256').update(`price:${sku}`, 'utf8').digest()
  return 500 + (digest.readUInt32BE(0) % 9_500)
}
