/**
 * The webhooks the emulated store sends, as Shopify sends them (channels.md §1 A2/A3): the body
 * signed whole (sign.ts) under the app's client secret in `X-Shopify-Hmac-Sha256`,
 * with `X-Shopify-Topic`, `X-Shopify-Shop-Domain`, `X-Shopify-API-Version`, a fresh
 * `X-Shopify-Webhook-Id` and `X-Shopify-Event-Id` per delivery, and `X-Shopify-Triggered-At`.
 * The secret and the shop are the connector's published sandbox values. Header names are
 * lower-case, as HTTP/2 delivers them (channels.md §1 A2).
 */
import { randomUUID } from 'node:crypto'
import { DEFAULT_API_VERSION, shopify } from '../../../connectors/shopify/index.js'
import type { ChannelState, SignedWebhook } from '../types.js'
import { shopifyTime } from './records.js'
import { idsOf, LOCATION_ID } from './seller.js'
import { signShopify } from './sign.js'

// The emulator URL does not enter the webhook credentials.
const sandbox = shopify.sandboxCredentials('')
const SECRET = sandbox.webhookSecrets[0]!

export function shopifyWebhook(
  state: ChannelState,
  topic: string,
  body: string,
  at: Date,
): SignedWebhook {
  return {
    path: `/webhooks/shopify/${state.accountId}`,
    headers: {
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': signShopify(body, SECRET),
      'x-shopify-shop-domain': sandbox.shopDomain,
      'x-shopify-api-version': DEFAULT_API_VERSION,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': at.toISOString(),
    },
    body,
  }
}

/**
 * `inventory_levels/update` for a SKU at the store's location, carrying the level now (channels.md
 * §1 A5). Shopify sends it for every change, the app's own writes included (§1 B4).
 */
export function inventoryLevelWebhook(state: ChannelState, sku: string, at: Date): SignedWebhook {
  const { inventoryItemId, inventoryLevelId } = idsOf(sku)
  // Ids as JSON numbers, as Shopify's REST payloads carry them (all below 2^53 here).
  const body = `{"inventory_item_id":${inventoryItemId},"location_id":${LOCATION_ID},"available":${state.stock.get(sku) ?? 0},"updated_at":${JSON.stringify(shopifyTime(at))},"admin_graphql_api_id":"gid://shopify/InventoryLevel/${inventoryLevelId}?inventory_item_id=${inventoryItemId}"}`
  return shopifyWebhook(state, 'inventory_levels/update', body, at)
}

/**
 * Posts `inventory_levels/update` for each SKU to the hub, when the state names one: Shopify
 * does so after every change of a level, the app's own stock writes included (channels.md §1 B4),
 * which is what the hub's echo suppression must absorb. Sent through the state's dispatcher, so
 * the channel's webhook faults apply; a hub that is down or refuses gets the dispatcher's few
 * retries, then misses the report.
 */
export function echoLevels(state: ChannelState, skus: Iterable<string>, at: Date): void {
  if (state.hubUrl === undefined) return
  state.dispatcher.dispatch(
    state,
    [...new Set(skus)].map((sku) => inventoryLevelWebhook(state, sku, at)),
  )
}
