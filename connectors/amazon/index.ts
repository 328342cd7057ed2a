import type { Connector } from '../types.js'
import { createAmazonClient } from './client.js'
import { AmazonCredentials } from './config.js'
import { withSubscriptionConfirmation } from './confirm-subscription.js'
import { amazonOrders } from './orders.js'
import { checkSnsCertificate } from './sns-certificate.js'
import { amazonStock } from './stock.js'
import { amazonCertificateUrl, verifyAmazon } from './verify.js'

export const amazon = {
  id: 'amazon',
  credentials: AmazonCredentials,
  // Published demo values: an API key for posts made as an EventBridge API destination would make
  // them. API calls go to the built-in marketplace emulator (src/sandbox/), never to Amazon.
  sandboxCredentials: (emulatorUrl) => ({
    staticHeader: { name: 'x-api-key', values: [{ apiKey: 'sandbox-amazon-api-key' }] },
    sellerId: 'ASANDBOXSELLER',
    marketplaceIds: ['ATVPDKIKX0DER'],
    lwa: {
      clientId: 'sandbox-lwa-client',
      clientSecret: 'sandbox-lwa-secret',
      refreshToken: 'sandbox-lwa-refresh-token',
    },
    region: 'na',
    apiBaseUrl: `${emulatorUrl}/amazon`,
    lwaTokenUrl: `${emulatorUrl}/amazon/auth/o2/token`,
    rateLimits: {},
    requestTimeoutMs: 10_000,
  }),
  ingress: {
    verify: verifyAmazon,
    certificateUrl: amazonCertificateUrl,
    checkCertificate: checkSnsCertificate,
    credentialHeaders: (credentials) =>
      credentials.staticHeader ? [credentials.staticHeader.name] : [],
  },
  client: (credentials, ctx) =>
    withSubscriptionConfirmation(createAmazonClient(credentials, ctx), credentials, ctx),
  stock: amazonStock,
  orders: amazonOrders,
} satisfies Connector<AmazonCredentials>

export { DEFAULT_RATE_LIMITS, type SpApiOperation } from './api-call.js'
export type { AmazonHydratedOrder, AmazonHydratedOrderItems } from './client.js'
export { AmazonCredentials } from './config.js'
export * from './envelope.js'
export * from './payloads.js'
export { isSigningCertUrl, isSnsServiceUrl } from './sns.js'
export { SNS_TOPICS } from './verify.js'
export { MAX_FEED_MESSAGES } from './feeds.js'
export {
  AMAZON_MAX_ORDERS_PER_PAGE,
  AMAZON_ORDER_LIST_SETTLE_MS,
  AMAZON_ORDER_RETENTION_MS,
} from './order-list.js'
