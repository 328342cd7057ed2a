/**
 * The emulated TikTok Shop: one seller shop with two warehouses (seller.ts), its Open API (api.ts,
 * behind admission.ts's rate limit and signature checks), its records (records.ts), its buyers and
 * order reads (orders.ts), its stock (stock.ts) and the webhooks it signs (webhooks.ts, sign.ts).
 * A SKU is listed under ids derived from it: a product of its own, or, for a SKU named
 * `<product>/<variant>`, one SKU of a product with several (seller.ts).
 */
import type { EmulatedChannel } from '../types.js'
import { tiktokShopRoutes } from './api.js'
import { cancelOrder, placeOrder } from './orders.js'
import { idsOf, WAREHOUSE_IDS } from './seller.js'
import { reportStock } from './stock.js'

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
