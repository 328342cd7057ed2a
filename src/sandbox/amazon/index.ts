/**
 * The Amazon SP-API marketplace emulator: one seller (by default the connector's published
 * sandbox account), its listings (one per internal SKU, seller SKU = internal SKU, merchant-
 * fulfilled quantity at channel code `DEFAULT`), buyers' orders, readable one by one (orders.ts)
 * or as a list by update time (order-list.ts), and the notifications they produce (webhooks.ts,
 * authenticated by sign.ts).
 */
import type { EmulatedChannel } from '../types.js'
import { USAGE_PLANS, type SpApiOperation, type UsagePlan } from './admission.js'
import { amazonRoutes } from './api.js'
import type { FeedTimings } from './feeds.js'
import { cancelOrder, DEFAULT_ORDER_ITEMS_PER_PAGE, placeOrder } from './orders.js'
import { MFN_CHANNEL_CODE, SANDBOX_SELLER, type AmazonSeller } from './seller.js'
import { mfnQuantityWebhook } from './webhooks.js'

export interface AmazonEmulatorOptions {
  /**
   * Usage plans other than the documented ones (admission.ts `USAGE_PLANS`): a seller's own, as
   * Orders v0's dynamic plans may grant (channels.md §2 B2), or one to hydrate a flash sale's
   * hundreds of orders faster than getOrder's 0.5/s would.
   */
  readonly usagePlans?: Partial<Record<SpApiOperation, UsagePlan>>
  /** The seller served (default: the sandbox's, from the connector's published credentials). */
  readonly seller?: AmazonSeller
  /** Items per getOrderItems page (default {@link DEFAULT_ORDER_ITEMS_PER_PAGE}). */
  readonly orderItemsPerPage?: number
  /** How long a feed is queued and processed on the marketplace clock (feeds.ts). */
  readonly feedTimings?: FeedTimings
}

export function createAmazonEmulator(options: AmazonEmulatorOptions = {}): EmulatedChannel {
  const seller = options.seller ?? SANDBOX_SELLER
  const settings = {
    seller,
    plans: { ...USAGE_PLANS, ...options.usagePlans },
    orderItemsPerPage: options.orderItemsPerPage ?? DEFAULT_ORDER_ITEMS_PER_PAGE,
    ...(options.feedTimings === undefined ? {} : { feedTimings: options.feedTimings }),
  }
  return {
    channel: 'amazon',
    routes: (state) => amazonRoutes(state, settings),
    // The shape connectors/amazon/stock.ts `AmazonUnit` parses; the account's marketplaces apply.
    listingUnit: (sku) => ({ sellerSku: sku, fulfillmentChannelCode: MFN_CHANNEL_CODE }),
    placeOrder: (state, lines, at) => placeOrder(state, seller, lines, at),
    cancelOrder: (state, orderId, at) => cancelOrder(state, seller, orderId, at),
    reportStock(state, sku, at) {
      const quantity = state.stock.get(sku)
      return quantity === undefined
        ? undefined
        : mfnQuantityWebhook(state, seller, sku, quantity, at)
    },
  }
}

/** The emulator with the sandbox seller and Amazon's documented usage plans. */
export const amazonEmulator: EmulatedChannel = createAmazonEmulator()

export {
  QUOTA_EXCEEDED,
  spApiError,
  USAGE_PLANS,
  type SpApiErrorEntry,
  type SpApiOperation,
  type UsagePlan,
} from './admission.js'
export { DEFAULT_ORDER_ITEMS_PER_PAGE } from './orders.js'
export { orderListSettings, type AmazonOrderListSettings } from './order-list.js'
export { DEFAULT_FEED_TIMINGS, FEEDS_KEPT, type FeedTimings } from './feeds.js'
export { SANDBOX_SELLER, type AmazonSeller } from './seller.js'
export { listOffer } from './stock.js'
