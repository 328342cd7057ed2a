/**
 * `inventory_levels/update` → one `inventory-level` observation. Shopify sends it for every
 * change of an item's level at a location, the app's own writes included (channels.md §1 B4),
 * so the hub's echo suppression, not this mapping, tells them apart.
 *
 * - listing: unitId ← inventory_item_id, locationId ← location_id (channels.md §1 B3); Shopify's
 *   body names no SKU or product.
 * - available ← available; null (inventory not tracked) stays null. A negative level (a store
 *   that keeps selling when out of stock) is reported as 0 with the raw value in
 *   channelStatus.available, as the contract counts whole units ≥ 0.
 * - onHand and stockStatus: null (not in the body).
 * - occurredAt ← updated_at, refused unless ISO 8601 with an offset, as an order's times are: by
 *   the payload schema and again by the contract check of every observation (shared/dispatch.ts).
 */
import type { ShopifyInventoryLevelPayload } from '../../connectors/shopify/index.js'
import type { NormalizeResult } from '../types.js'
import { done } from './shared.js'

export function inventoryLevelsUpdate(level: ShopifyInventoryLevelPayload): NormalizeResult {
  const negative = level.available !== null && level.available < 0
  return done([
    {
      kind: 'inventory-level',
      occurredAt: level.updated_at,
      data: {
        listing: {
          sellerSku: null,
          productId: null,
          unitId: level.inventory_item_id,
          locationId: level.location_id,
          marketplaceId: null,
        },
        available: negative ? 0 : level.available,
        onHand: null,
        stockStatus: null,
        channelStatus: negative ? { available: String(level.available) } : {},
      },
    },
  ])
}
