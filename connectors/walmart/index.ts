import type { Connector } from '../types.js'
import { createWalmartClient, type WalmartClient } from './client.js'
import { WalmartCredentials } from './config.js'
import { walmartOrders } from './orders.js'
import { walmartStock } from './stock.js'
import { presentedWalmartToken, verifyWalmart } from './verify.js'

export const walmart = {
  id: 'walmart',
  credentials: WalmartCredentials,
  // Published demo values; every webhook auth mode is on, so each can be tried against the
  // sandbox. API calls go to the built-in marketplace emulator (src/sandbox/), never to Walmart.
  sandboxCredentials: (emulatorUrl) => ({
    webhookAuth: [
      {
        method: 'BASIC_AUTH',
        headerName: 'authorization',
        users: [{ userName: 'sandbox-walmart', password: 'sandbox-walmart-password' }],
      },
      {
        method: 'HMAC',
        headerName: 'x-walmart-signature',
        secrets: ['sandbox-walmart-hmac-secret'],
        encoding: 'either',
      },
      {
        method: 'OAUTH',
        headerName: 'wm-authorization',
        clients: [{ clientId: 'sandbox-walmart-client', clientSecret: 'sandbox-walmart-secret' }],
        tokenTtlSeconds: 900,
      },
      {
        method: 'SIGNED',
        secrets: [{ secret: 'sandbox-walmart-signing-secret' }],
        replayWindowSeconds: 300,
      },
    ],
    clientId: 'sandbox-walmart-api-client',
    clientSecret: 'sandbox-walmart-api-secret',
    apiBaseUrl: `${emulatorUrl}/walmart`,
    serviceName: 'Walmart Marketplace',
    rateLimitPerSecond: 5,
    requestTimeoutMs: 10_000,
  }),
  ingress: {
    verify: verifyWalmart,
    presentedToken: presentedWalmartToken,
    credentialHeaders: (credentials) =>
      credentials.webhookAuth.flatMap((m) => (m.method === 'SIGNED' ? [] : [m.headerName])),
    tokenIssuance(credentials) {
      const mode = credentials.webhookAuth.find((m) => m.method === 'OAUTH')
      return mode && { clients: mode.clients, ttlSeconds: mode.tokenTtlSeconds }
    },
  },
  client: createWalmartClient,
  stock: walmartStock,
  orders: walmartOrders,
} satisfies Connector<WalmartCredentials, WalmartClient>

export { WalmartCredentials, WalmartWebhookAuth } from './config.js'
export * from './payloads.js'
export { FEEDS_PER_HOUR, MAX_FEED_BYTES, MAX_FEED_ITEMS } from './feeds.js'
