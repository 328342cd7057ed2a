/**
 * The emulated Shopify store: its GraphQL Admin API (api.ts: the inventory operations of
 * inventory.ts, behind the token check and the cost bucket of bucket.ts), its buyers (orders.ts)
 * and the webhooks it signs (webhooks.ts), including the `inventory_levels/update` it posts to the
 * hub after every change of a level. A SKU is one product with one variant whose inventory item
 * is stocked at the store's one location, under ids derived from the SKU (ids.ts).
 */
import type { EmulatedChannel } from '../types.js'
import { shopifyRoutes } from './api.js'
import { idsOf, LOCATION_ID } from './seller.js'
import { cancelOrder, placeOrder, reportStock } from './orders.js'

export const shopifyEmulator: EmulatedChannel = {
  channel: 'shopify',
  routes: shopifyRoutes,
  // The unit as connectors/shopify/stock.ts parses it.
  listingUnit: (sku) => ({ inventoryItemId: idsOf(sku).inventoryItemId, locationId: LOCATION_ID }),
  placeOrder,
  cancelOrder,
  reportStock,
}
