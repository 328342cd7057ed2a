/**
 * The emulated TikTok Shop: one seller shop with two warehouses, its Open API (api.ts, behind
 * admission.ts's rate limit and signature checks), its buyers (orders.ts) and the webhooks it
 * signs (webhooks.ts). A SKU is listed as one product with one SKU under ids derived from it (ids.ts).
 */
import type { EmulatedChannel } from '../types.js'
import { tiktokShopRoutes } from './api.js'
import { idsOf, WAREHOUSE_IDS } from './ids.js'
import { cancelOrder, placeOrder, reportStock } from './orders.js'

export const tiktokShopEmulator: EmulatedChannel = {
  channel: 'tiktok-shop',
  routes: tiktokShopRoutes,
  // The unit as connectors/tiktok-shop/stock.ts parses it: the SKU's product, its SKU id and every
  // warehouse assigned to it, the one holding the stock first.
  listingUnit: (sku) => ({ ...idsOf(sku), warehouseIds: [...WAREHOUSE_IDS] }),
  placeOrder,
  cancelOrder,
  reportStock,
}
