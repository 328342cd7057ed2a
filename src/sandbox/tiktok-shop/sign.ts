/**
 * TikTok Shop's two HMAC recipes as the marketplace computes them: the signature on the webhooks it
 * sends, and the signature it recomputes to check an Open API call. Plain node:crypto, written apart
 * from connectors/tiktok-shop/verify.ts and sign-request.ts, so that a bug in the hub's verifier or
 * signer is not cancelled out by the same bug here. The emulator (webhooks.ts, admission.ts) and
 * every test that signs a TikTok webhook or checks a TikTok request use this file.
 */
import { createHmac } from 'node:crypto'

/**
 * A webhook's `Authorization` header: lowercase hex HMAC-SHA256, keyed with the app secret, over
 * the app key immediately followed by the raw body; no `Bearer ` prefix (channels.md §4 A2,
 * confirmed by repo:EcomPHP/tiktokshop-php src/Webhook.php and repo:easycb/easycb-go tiktok/sign.go).
 */
export function webhookSignature(
  body: string | Uint8Array,
  appKey: string,
  appSecret: string,
): string {
  return createHmac('sha256', appSecret)
    .update(appKey, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex')
}

/** The headers TikTok posts a webhook with: JSON content type and the bare signature. */
export function webhookHeaders(
  body: string | Uint8Array,
  appKey: string,
  appSecret: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: webhookSignature(body, appKey, appSecret),
  }
}

/** The parts of an Open API call its signature covers. */
export interface SignedCall {
  /** The API's own path, e.g. `/order/202309/orders` (no host, no query). */
  readonly path: string
  readonly query: URLSearchParams
  /** The exact body text received ('' for none). */
  readonly body: string
  readonly contentType: string
}

/**
 * The `sign` TikTok expects for a call (https://partner.tiktokshop.com/docv2/page/sign-your-api-request,
 * channels.md §4 B1): HMAC-SHA256 keyed with the app secret over secret + path + every query key
 * and value except `sign` and `access_token`, keys in byte order, + the body unless the call is
 * multipart/form-data + secret; lowercase hex.
 */
export function requestSignature(appSecret: string, call: SignedCall): string {
  const keys = [...new Set(call.query.keys())]
    .filter((key) => key !== 'sign' && key !== 'access_token')
    .sort()
  const pairs = keys.map((key) => `${key}${call.query.get(key) ?? ''}`).join('')
  const body = mediaType(call.contentType) === 'multipart/form-data' ? '' : call.body
  return createHmac('sha256', appSecret)
    .update(`${appSecret}${call.path}${pairs}${body}${appSecret}`, 'utf8')
    .digest('hex')
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase()
}
