/**
 * The emulated Shopify store: its GraphQL Admin API (api.ts: the stock operations of stock.ts,
 * behind the token check and the cost bucket of admission.ts, parsed and answered by graphql.ts)
 * and its REST order list (order-list.ts, behind the REST bucket of admission.ts),
 * its buyers (orders.ts, placing the order records of records.ts) and the webhooks it signs
 * (webhooks.ts, sign.ts), including the `inventory_levels/update` it posts to the hub after every
 * change of a level. A SKU is one product with one variant whose inventory item is stocked at the
 * store's shop location, under ids derived from the SKU (seller.ts).
 */
import type { EmulatedChannel } from '../types.js'
import { shopifyRoutes } from './api.js'
import { cancelOrder, placeOrder, reportStock } from './orders.js'
import { idsOf, LOCATION_ID } from './seller.js'

export const shopifyEmulator: EmulatedChannel = {
  channel: 'shopify',
  routes: shopifyRoutes,
  // The unit as connectors/shopify/stock.ts parses it.
  listingUnit: (sku) => ({ inventoryItemId: idsOf(sku).inventoryItemId, locationId: LOCATION_ID }),
  placeOrder,
  cancelOrder,
  reportStock,
}
