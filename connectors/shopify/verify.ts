/**
 * Shopify webhook verification.
 *
 * Signed bytes: the raw request body, exactly as received; nothing is prepended.
 * Signature:    `X-Shopify-Hmac-Sha256` (or `shopify-hmac-sha256` for the newer "events" family),
 *               base64 of HMAC-SHA256 keyed with the app's client secret.
 * Tolerance:    none; Shopify signs no timestamp. The inbox's unique dedupe key is the replay defence.
 * Docs:         https://shopify.dev/docs/apps/build/webhooks/delivery-structure
 *               (header names: Shopify/shopify-app-js packages/apps/shopify-api/lib/webhooks/header-names.ts)
 */
import { createHash } from 'node:crypto'
import { firstHeader, hmacMatchesAny } from '../shared/crypto.js'
import type { InboundRequest, VerifyContext, VerifyOutcome } from '../types.js'
import type { ShopifyCredentials } from './config.js'

/** Each header in both families; the newer `shopify-*` name is preferred, as the SDK does. */
const H = {
  hmac: ['shopify-hmac-sha256', 'x-shopify-hmac-sha256'],
  topic: ['shopify-topic', 'x-shopify-topic'],
  webhookId: ['shopify-webhook-id', 'x-shopify-webhook-id'],
  eventId: ['shopify-event-id', 'x-shopify-event-id'],
  handle: ['shopify-handle', 'x-shopify-handle'],
  shopDomain: ['shopify-shop-domain', 'x-shopify-shop-domain'],
  triggeredAt: ['shopify-triggered-at', 'x-shopify-triggered-at'],
} as const

export function verifyShopify(
  req: InboundRequest,
  ctx: VerifyContext<ShopifyCredentials>,
): VerifyOutcome {
  const hmac = firstHeader(req.headers, H.hmac)
  const topic = firstHeader(req.headers, H.topic)
  if (!hmac || !topic) return { ok: false, reason: 'missing-header' }
  if (!hmacMatchesAny(ctx.credentials.webhookSecrets, req.rawBody, hmac, 'base64')) {
    return { ok: false, reason: 'bad-signature' }
  }
  const expectedShop = ctx.credentials.shopDomain
  if (expectedShop) {
    const shop = firstHeader(req.headers, H.shopDomain)
    if (!shop) return { ok: false, reason: 'missing-header' }
    if (shop.toLowerCase() !== expectedShop) return { ok: false, reason: 'account-mismatch' }
  }
  const triggeredAt = firstHeader(req.headers, H.triggeredAt)
  const channelTime = triggeredAt ? new Date(triggeredAt) : undefined
  return {
    ok: true,
    dedupeKey: dedupeKey(req, topic),
    topic,
    ...(channelTime && !Number.isNaN(channelTime.getTime()) ? { channelTime } : {}),
  }
}

/**
 * `X-Shopify-Webhook-Id` is stable across Shopify's retries of one delivery. The "events" family
 * has no webhook id; its event id is shared by every topic and subscription one action triggers,
 * so it is qualified with both. A body hash is the last resort.
 */
function dedupeKey(req: InboundRequest, topic: string): string {
  const webhookId = firstHeader(req.headers, H.webhookId)
  if (webhookId) return webhookId
  const eventId = firstHeader(req.headers, H.eventId)
  if (eventId) return `event:${eventId}:${topic}:${firstHeader(req.headers, H.handle) ?? ''}`
  const digest = createHash('sha256').update(topic).update('\n').update(req.rawBody).digest('hex')
  return `sha256:${digest}`
}
