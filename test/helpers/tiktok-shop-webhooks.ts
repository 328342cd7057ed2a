// TikTok Shop webhooks in tests: recorded bodies re-dated, and signed as TikTok signs them with the
// emulator's signer (src/sandbox/tiktok-shop/sign.ts, written apart from the hub's verifier).
import type { InboundRequest } from '../../connectors/types.js'
import { webhookHeaders } from '../../src/sandbox/tiktok-shop/sign.js'
import type { RecordedWebhook } from './fixtures.js'

/** The fixture, or `body` in its place, as the ingress route would hand it to `verify`. */
export function signedTikTokShopRequest(
  fx: RecordedWebhook,
  appKey: string,
  secret: string,
  body: string = fx.body,
): InboundRequest {
  return {
    rawBody: Buffer.from(body, 'utf8'),
    headers: { ...fx.headers, ...webhookHeaders(body, appKey, secret) },
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
