/**
 * How Walmart authenticates the webhooks it sends, one function per mode (channels.md §3 A2:
 * https://developer.walmart.com/us-marketplace/reference/createsubscription.md for `authMethod`,
 * https://developer.walmart.com/us-marketplace/docs/security-and-authenticity for the signed
 * performance webhooks). The one Walmart signer: the emulator's webhooks (webhooks.ts) and every
 * test that sends a Walmart webhook use it. Written with plain node:crypto, independently of
 * connectors/walmart/verify.ts, so a misreading in the verifier is not cancelled out by the same
 * misreading here.
 */
import { createHash, createHmac } from 'node:crypto'

/** `BASIC_AUTH`: the subscription's `authHeaderName` carries `Basic base64(userName:password)`. */
export function basicAuthHeader(userName: string, password: string): string {
  return `Basic ${Buffer.from(`${userName}:${password}`, 'utf8').toString('base64')}`
}

/**
 * `HMAC`: the subscription's `authHeaderName` carries HMAC-SHA256 of the complete payload (the
 * exact body bytes) keyed with the subscription's secret. Whether Walmart encodes it in hex or
 * base64 is unconfirmed, so the caller says.
 */
export function walmartHmac(body: string, secret: string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest(encoding)
}

/**
 * Performance webhooks: `WM_SEC.SIGNATURE` is base64 HMAC-SHA256 over
 * `METHOD\npath+query\nWM_SEC.TIMESTAMP\nhex(SHA-256(body))`, the timestamp in epoch seconds;
 * `WM_SEC.KEY_ID`, when given, names the secret. `url` is where the webhook is posted (a full URL
 * or a path with its query): its path and query are signed exactly as written.
 */
export function walmartSignedHeaders(
  body: string,
  secret: string,
  opts: {
    readonly at: Date
    readonly url: string
    readonly method?: string
    readonly keyId?: string
  },
): Record<string, string> {
  const url = new URL(opts.url, 'http://hub.invalid')
  const timestamp = String(Math.floor(opts.at.getTime() / 1000))
  const bodyHash = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex')
  const method = (opts.method ?? 'POST').toUpperCase()
  const text = [method, url.pathname + url.search, timestamp, bodyHash].join('\n')
  return {
    'wm_sec.timestamp': timestamp,
    'wm_sec.signature': createHmac('sha256', secret).update(text, 'utf8').digest('base64'),
    ...(opts.keyId === undefined ? {} : { 'wm_sec.key_id': opts.keyId }),
  }
}
