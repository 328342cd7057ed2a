/**
 * The emulated Walmart seller: its partner id, its two ship nodes, and how it lists an internal
 * SKU. Walmart names a sellable unit by the seller's own SKU (+ ship node for multi-node sellers,
 * channels.md §3 B3), so the emulator lists every internal SKU under that same SKU at its
 * default node, and its order lines carry it as `item.sku`.
 */
import { walmart, type WalmartCredentials } from '../../../connectors/walmart/index.js'

/** The connector's published sandbox credentials; what the emulator needs of them is not URL-dependent. */
export const SANDBOX: WalmartCredentials = walmart.sandboxCredentials('http://emulator.invalid')

/** The seller's partner id in webhook payloads: the sandbox account's, when it binds one. */
export const PARTNER_ID = SANDBOX.partnerId ?? '10000000001'

/**
 * The seller's default ship node: an inventory call naming it is a call without one; buyers'
 * orders ship from it, and the sandbox lists every SKU there.
 */
export const SHIP_NODE = { id: '7891234', name: 'Main DC', type: 'SellerFulfilled' } as const

/**
 * The seller's second node, a 3PL warehouse, reached only by inventory calls that name it. Its
 * id is the one in Walmart's Update Item Inventory per Ship Node request example (mirrored in
 * repo:highsidelabs/walmart-api-php docs/Apis/MP/US/InventoryApi.md): above 2^53, so a client that
 * reads node ids as numbers would lose it.
 */
export const OTHER_SHIP_NODE = {
  id: '79897837271126017',
  name: '3PL East',
  type: '3PLFulfilled',
} as const

/** The listing unit (connectors/walmart/stock.ts `WalmartUnit`) of an internal SKU. */
export function walmartListingUnit(sku: string): { sku: string } {
  return { sku }
}

/**
 * The unit price of a SKU in cents, the same every run: $5.99 to $99.99, from an FNV-1a hash of
 * the SKU, so simulated orders carry plausible, stable money.
 */
export function unitPriceCents(sku: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < sku.length; i++) {
    hash ^= sku.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return (5 + (hash % 95)) * 100 + 99
}
