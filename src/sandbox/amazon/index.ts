/**
 * The Amazon SP-API marketplace emulator: one seller (the connector's published sandbox account),
 * its merchant-fulfilled listings (one per internal SKU, seller SKU = internal SKU, channel code
 * `DEFAULT`), buyers' orders, and the notifications they produce (webhooks.ts).
 */
import type { EmulatedChannel } from '../types.js'
import { amazonRoutes } from './api.js'
import { cancelOrder, placeOrder } from './orders.js'
import { MFN_CHANNEL_CODE } from './seller.js'
import { USAGE_PLANS, type SpApiOperation, type UsagePlan } from './admission.js'
import { mfnQuantityWebhook } from './webhooks.js'

export interface AmazonEmulatorOptions {
  /**
   * Usage plans other than the documented ones (admission.ts `USAGE_PLANS`), e.g. to hydrate a
   * flash sale's hundreds of orders faster than getOrder's 0.5/s would.
   */
  readonly usagePlans?: Partial<Record<SpApiOperation, UsagePlan>>
}

export function createAmazonEmulator(options: AmazonEmulatorOptions = {}): EmulatedChannel {
  const plans = { ...USAGE_PLANS, ...options.usagePlans }
  return {
    channel: 'amazon',
    routes: (state) => amazonRoutes(state, plans),
    // The shape connectors/amazon/stock.ts `AmazonUnit` parses; the account's marketplaces apply.
    listingUnit: (sku) => ({ sellerSku: sku, fulfillmentChannelCode: MFN_CHANNEL_CODE }),
    placeOrder,
    cancelOrder,
    reportStock(state, sku, at) {
      const quantity = state.stock.get(sku)
      return quantity === undefined ? undefined : mfnQuantityWebhook(state, sku, quantity, at)
    },
  }
}

/** The emulator with Amazon's documented usage plans. */
export const amazonEmulator: EmulatedChannel = createAmazonEmulator()

export { USAGE_PLANS, type SpApiOperation, type UsagePlan } from './admission.js'
