import type { Connector } from '../types.js'
import { createTikTokShopClient } from './client.js'
import { TikTokShopCredentials } from './config.js'
import { tiktokShopOrders } from './orders.js'
import { tiktokShopStock } from './stock.js'
import { verifyTikTokShop } from './verify.js'

export const tiktokShop = {
  id: 'tiktok-shop',
  credentials: TikTokShopCredentials,
  // Published demo values. API calls go to the built-in marketplace emulator (src/sandbox/),
  // never to TikTok.
  sandboxCredentials: (emulatorUrl) => ({
    appKey: 'sandbox-tiktok-app-key',
    appSecrets: ['sandbox-tiktok-app-secret'],
    accessToken: 'sandbox-tiktok-access-token',
    shopCipher: 'SANDBOX_SHOP_CIPHER',
    apiBaseUrl: `${emulatorUrl}/tiktok-shop`,
    maxNotificationAgeSeconds: 86_400,
    rateLimitPerSecond: 50,
    requestTimeoutMs: 10_000,
  }),
  // "Respond with 200 and an empty body, or 401 and an empty body" (channels.md §4 A3).
  ingress: { verify: verifyTikTokShop, emptyAnswers: true },
  client: createTikTokShopClient,
  stock: tiktokShopStock,
  orders: tiktokShopOrders,
} satisfies Connector<TikTokShopCredentials>

export { TikTokShopCredentials } from './config.js'
export { TIKTOK_TOPICS, tiktokTopic, type TikTokTopic } from './topics.js'
export { UNREADABLE_TOPIC } from '../shared/body.js'
export * from './payloads.js'
export {
  TIKTOK_MAX_ORDERS_PER_PAGE,
  TIKTOK_ORDER_LIST_SETTLE_MS,
  TIKTOK_ORDER_RETENTION_MS,
} from './order-list.js'
