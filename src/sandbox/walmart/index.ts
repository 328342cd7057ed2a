/**
 * The emulated Walmart Marketplace: its API (api.ts: the token endpoint of auth.ts, the order
 * read of orders.ts, the order list of order-list.ts and the stock of stock.ts, behind
 * admission.ts), its buyer orders (orders.ts)
 * and the order webhooks they send (webhooks.ts, signed by sign.ts). Walmart has no stock-report
 * webhook (channels.md §3 B4), so there is no `reportStock`.
 */
import type { EmulatedChannel } from '../types.js'
import { walmartRoutes, type WalmartApiOptions } from './api.js'
import { cancelWalmartOrder, placeWalmartOrder } from './orders.js'
import { walmartListingUnit } from './seller.js'

/** A build of the emulated Walmart whose API behaves as `opts` say (tests' variations). */
export function walmartEmulatorWith(opts: WalmartApiOptions): EmulatedChannel {
  return {
    channel: 'walmart',
    routes: (state) => walmartRoutes(state, opts),
    listingUnit: walmartListingUnit,
    placeOrder: placeWalmartOrder,
    cancelOrder: cancelWalmartOrder,
  }
}

/** Walmart as documented: what the sandbox serves. */
export const walmartEmulator = walmartEmulatorWith({})
