import type { Connector } from '../types.js'
import { ShopifyCredentials } from './config.js'
import { verifyShopify } from './verify.js'

export const shopify = {
  id: 'shopify',
  credentials: ShopifyCredentials,
  sandboxCredentials: { webhookSecrets: ['sandbox-shopify-webhook-secret'] },
  ingress: { verify: verifyShopify },
} satisfies Connector<ShopifyCredentials>

export { ShopifyCredentials } from './config.js'
export { ShopifyOrderPayload, ShopifyRefundPayload } from './payloads.js'
