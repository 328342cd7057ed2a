// Shopify webhooks as tests send them: recorded fixtures signed at test time with the one Shopify
// signer (src/sandbox/shopify/sign.ts), posted to the app in-process or handed to `verify`.
import type { Hono } from 'hono'
import { shopify } from '../../connectors/shopify/index.js'
import type { InboundRequest } from '../../connectors/types.js'
import { signShopify } from '../../src/sandbox/shopify/sign.js'
import type { AppEnv } from '../../src/http/env.js'
import type { RecordedWebhook } from './fixtures.js'

/** The published secret of the sandbox's `shopify/demo` account. */
export const SANDBOX_SHOPIFY_SECRET = shopify.sandboxCredentials('').webhookSecrets[0]!

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

/** A fixture with its body and identity replaced, e.g. to send many distinct webhooks. */
export function withBody(fx: RecordedWebhook, body: string, webhookId: string): RecordedWebhook {
  return { ...fx, body, headers: { ...fx.headers, 'x-shopify-webhook-id': webhookId } }
}

/** POSTs a signed fixture to the app in-process (no socket), as Shopify would. */
export function postShopify(
  app: Hono<AppEnv>,
  fx: RecordedWebhook,
  opts: { secret?: string; account?: string; headers?: Record<string, string | undefined> } = {},
): Promise<Response> {
  const headers = {
    ...shopifyRequestHeaders(fx, opts.secret ?? SANDBOX_SHOPIFY_SECRET),
    ...opts.headers,
  }
  return Promise.resolve(
    app.request(`/webhooks/shopify/${opts.account ?? 'demo'}`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      body: fx.body,
    }),
  )
}
