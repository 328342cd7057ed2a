// Test-side TikTok Shop webhook signing, written independently of connectors/tiktok-shop/verify.ts
// (plain node:crypto, nothing shared) so a bug in the verifier cannot be cancelled out here.
import { createHmac } from 'node:crypto'
import type { InboundRequest } from '../../connectors/types.js'
import type { RecordedWebhook } from '../helpers/fixtures.js'

/** Lowercase hex HMAC-SHA256 over the app key immediately followed by the body bytes. */
export function signTikTokShop(body: string | Uint8Array, appKey: string, secret: string): string {
  const mac = createHmac('sha256', secret)
  mac.update(appKey, 'utf8')
  mac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
  return mac.digest('hex')
}

/** The headers TikTok sends: JSON content type and the bare signature in `Authorization`. */
export function tiktokShopHeaders(
  body: string | Uint8Array,
  appKey: string,
  secret: string,
): Record<string, string> {
  return { 'content-type': 'application/json', authorization: signTikTokShop(body, appKey, secret) }
}

/** The fixture as the ingress route would hand it to `verify`. */
export function signedTikTokShopRequest(
  fx: RecordedWebhook,
  appKey: string,
  secret: string,
  body: string = fx.body,
): InboundRequest {
  return {
    rawBody: Buffer.from(body, 'utf8'),
    headers: { ...fx.headers, ...tiktokShopHeaders(body, appKey, secret) },
    url: 'http://hub.test/webhooks/tiktok-shop/demo',
    method: 'POST',
  }
}

/** The body with its top-level `timestamp` replaced, keeping every other byte as it was. */
export function withTimestamp(body: string, unixSeconds: number): string {
  const replaced = body.replace(/"timestamp"\s*:\s*\d+/, `"timestamp":${unixSeconds}`)
  if (replaced === body) throw new Error('the body has no numeric timestamp to replace')
  return replaced
}
