import type { Connector } from '../types.js'
import { createTikTokShopClient } from './client.js'
import { TikTokShopCredentials } from './config.js'
import { verifyTikTokShop } from './verify.js'

export const tiktokShop = {
  id: 'tiktok-shop',
  credentials: TikTokShopCredentials,
  // Published demo values. No TikTok API is reachable from the sandbox yet (the local marketplace
  // emulator is issue #6), so the API host is a loopback port nothing listens on: order webhooks
  // that need hydration retry and then show as failed instead of calling TikTok with fake tokens.
  sandboxCredentials: {
    appKey: 'sandbox-tiktok-app-key',
    appSecrets: ['sandbox-tiktok-app-secret'],
    accessToken: 'sandbox-tiktok-access-token',
    shopCipher: 'SANDBOX_SHOP_CIPHER',
    apiBaseUrl: 'http://127.0.0.1:9',
    maxNotificationAgeSeconds: 86_400,
    rateLimitPerSecond: 50,
    requestTimeoutMs: 10_000,
  },
  // "Respond with 200 and an empty body, or 401 and an empty body" (channels.md §4 A3).
  ingress: { verify: verifyTikTokShop, emptyAnswers: true },
  client: createTikTokShopClient,
} satisfies Connector<TikTokShopCredentials>

export { TikTokShopCredentials } from './config.js'
export { TIKTOK_TOPICS, tiktokTopic, type TikTokTopic } from './topics.js'
export { UNREADABLE_TOPIC } from '../shared/body.js'
export * from './payloads.js'
