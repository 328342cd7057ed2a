import type { ChannelId } from '../events/index.js'
import { amazonEmulator } from './amazon/index.js'
import { shopifyEmulator } from './shopify/index.js'
import { tiktokShopEmulator } from './tiktok-shop/index.js'
import type { EmulatedChannel } from './types.js'
import { walmartEmulator } from './walmart/index.js'

/** Every channel the emulator speaks. */
export const emulatedChannels: { readonly [C in ChannelId]: EmulatedChannel } = {
  shopify: shopifyEmulator,
  amazon: amazonEmulator,
  walmart: walmartEmulator,
  'tiktok-shop': tiktokShopEmulator,
}
