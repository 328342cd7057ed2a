/**
 * The emulated Walmart Marketplace: its API (api.ts, behind gateway.ts), its buyer orders
 * (orders.ts) and the order webhooks they send (webhooks.ts). Walmart has no stock-report webhook
 * (channels.md §3 B4), so there is no `reportStock`.
 */
import type { EmulatedChannel } from '../types.js'
import { walmartRoutes } from './api.js'
import { cancelWalmartOrder, placeWalmartOrder } from './orders.js'
import { walmartListingUnit } from './seller.js'

export const walmartEmulator: EmulatedChannel = {
  channel: 'walmart',
  routes: walmartRoutes,
  listingUnit: walmartListingUnit,
  placeOrder: placeWalmartOrder,
  cancelOrder: cancelWalmartOrder,
}
