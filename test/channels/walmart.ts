// Test-side Walmart webhook authentication for each mode, written independently of
// connectors/walmart/verify.ts (plain node:crypto, nothing shared), so a bug in the verifier
// cannot be cancelled out by the same bug here.
import { createHash, createHmac } from 'node:crypto'
import type { InboundRequest } from '../../connectors/types.js'

export const WALMART_URL = 'http://hub.test/webhooks/walmart/demo'

const request = (
  body: string,
  headers: Record<string, string>,
  url = WALMART_URL,
): InboundRequest => ({
  rawBody: Buffer.from(body, 'utf8'),
  headers: { 'content-type': 'application/json', ...headers },
  url,
  method: 'POST',
})

/** `BASIC_AUTH`: the configured header carries `Basic base64(user:password)`. */
export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

/** `HMAC`: HMAC-SHA256 of the exact body with the client secret, in hex or base64. */
export function walmartHmac(body: string, secret: string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest(encoding)
}

/**
 * Performance webhooks: base64 HMAC-SHA256 over
 * `METHOD\npath+query\ntimestamp\nhex(SHA-256(body))`, in `WM_SEC.SIGNATURE`.
 */
export function walmartSignedHeaders(
  body: string,
  secret: string,
  opts: { readonly at: Date; readonly url?: string; readonly keyId?: string },
): Record<string, string> {
  const url = new URL(opts.url ?? WALMART_URL)
  const timestamp = String(Math.floor(opts.at.getTime() / 1000))
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('hex')
  const text = ['POST', url.pathname + url.search, timestamp, bodyHash].join('\n')
  return {
    'wm_sec.timestamp': timestamp,
    'wm_sec.signature': createHmac('sha256', secret).update(text, 'utf8').digest('base64'),
    ...(opts.keyId ? { 'wm_sec.key_id': opts.keyId } : {}),
  }
}

export const walmartRequest = request
