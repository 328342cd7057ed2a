/**
 * The one signer of Shopify webhooks, used by the emulator (webhooks.ts), by every test that sends
 * a Shopify webhook and by the bench: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw
 * body bytes, keyed with the app's client secret, nothing prepended (channels.md §1 A2;
 * https://shopify.dev/docs/apps/build/webhooks/delivery-structure). Plain node:crypto, written
 * apart from connectors/shopify/verify.ts, so a bug in the verifier is not cancelled out by the
 * same bug here.
 */
import { createHmac } from 'node:crypto'

/** The `X-Shopify-Hmac-Sha256` value of `body` under `secret`. */
export function signShopify(body: string | Uint8Array, secret: string): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  return createHmac('sha256', secret).update(bytes).digest('base64')
}
