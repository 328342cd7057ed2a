import type { Connector } from '../types.js'
import { createShopifyClient, type ShopifyClient } from './client.js'
import { ShopifyCredentials } from './config.js'
import { shopifyOrders } from './orders.js'
import { shopifyStock } from './stock.js'
import { verifyShopify } from './verify.js'

/**
 * The sandbox store's domain. The recorded fixtures (fixtures/shopify/**) name this store too,
 * so they verify against the sandbox account, domain binding included.
 */
export const SANDBOX_SHOP_DOMAIN = 'demo-store.myshopify.com'

export const shopify = {
  id: 'shopify',
  credentials: ShopifyCredentials,
  // Published demo values. API calls go to the built-in marketplace emulator (src/sandbox/),
  // never to Shopify.
  sandboxCredentials: (emulatorUrl) => ({
    webhookSecrets: ['sandbox-shopify-webhook-secret'],
    shopDomain: SANDBOX_SHOP_DOMAIN,
    accessToken: 'shpat_sandbox_token',
    apiBaseUrl: `${emulatorUrl}/shopify`,
  }),
  ingress: { verify: verifyShopify },
  client: createShopifyClient,
  stock: shopifyStock,
  orders: shopifyOrders,
} satisfies Connector<ShopifyCredentials, ShopifyClient>

export { DEFAULT_API_VERSION, ShopifyCredentials } from './config.js'
export type { ShopifyClient } from './client.js'
export {
  ShopifyInventoryLevelPayload,
  ShopifyOrderPayload,
  ShopifyRefundPayload,
} from './payloads.js'
export { ShopifyUnit } from './stock.js'
