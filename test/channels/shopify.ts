// Test-side Shopify signing, written independently of connectors/shopify/verify.ts (plain
// node:crypto, nothing shared) so a bug in the verifier cannot be cancelled out by the same bug here.
import { createHmac } from 'node:crypto'
import type { InboundRequest } from '../../connectors/types.js'
import type { RecordedWebhook } from '../helpers/fixtures.js'

/** Base64 HMAC-SHA256 of the raw body bytes, as Shopify computes `X-Shopify-Hmac-Sha256`. */
export function signShopify(body: string | Uint8Array, secret: string): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  return createHmac('sha256', secret).update(bytes).digest('base64')
}

/** The fixture's recorded headers plus a fresh signature, names lower-cased. */
export function shopifyRequestHeaders(fx: RecordedWebhook, secret: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(fx.headers)) headers[name.toLowerCase()] = value
  headers['content-type'] = 'application/json'
  headers['x-shopify-hmac-sha256'] = signShopify(fx.body, secret)
  return headers
}

/** The fixture as the ingress route would hand it to `verify`. Shopify signs no timestamp. */
export function signedShopifyRequest(fx: RecordedWebhook, secret: string): InboundRequest {
  return {
    rawBody: Buffer.from(fx.body, 'utf8'),
    headers: shopifyRequestHeaders(fx, secret),
    url: 'http://hub.test/webhooks/shopify/demo',
    method: 'POST',
  }
}
