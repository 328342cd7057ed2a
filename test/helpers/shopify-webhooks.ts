import type { Hono } from 'hono'
import type { AppEnv } from '../../src/http/env.js'
import { shopifyRequestHeaders } from '../channels/shopify.js'
import type { RecordedWebhook } from './fixtures.js'

/** The published secret of the sandbox's `shopify/demo` account. */
export const SANDBOX_SHOPIFY_SECRET = 'sandbox-shopify-webhook-secret'

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
