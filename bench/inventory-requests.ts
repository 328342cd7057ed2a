// The small-body pool: distinct, signed Shopify inventory_levels/update webhooks (~220 bytes each).
import { createPool, SANDBOX_SECRET, type SignedPool, type WebhookKind } from './signed-requests.js'

/** Fixed-width ids (14 and 12 digits, as in channels.md §1 A5) keep every body the same length. */
const ITEM_ID_BASE = 48_000_000_000_000
const LEVEL_ID_BASE = 110_000_000_000
const LOCATIONS = [75596366001, 75596366002, 75596366003] as const

/** Field names and order as in channels.md §1 A5 (Shopify sends compact JSON). */
function bodyText(i: number): string {
  const item = ITEM_ID_BASE + i
  const level = LEVEL_ID_BASE + i
  return JSON.stringify({
    inventory_item_id: item,
    location_id: LOCATIONS[i % LOCATIONS.length],
    available: i % 10,
    updated_at: '2026-03-16T15:35:10+07:00',
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level}?inventory_item_id=${item}`,
  })
}

export function inventoryLevelsUpdateKind(): WebhookKind {
  return {
    name: 'inventory-levels-update',
    staticHeaders: {
      'x-shopify-topic': 'inventory_levels/update',
      'x-shopify-shop-domain': 'demo-store.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-triggered-at': '2026-03-16T08:35:10.412Z',
    },
    bodyBytes: Buffer.byteLength(bodyText(0)),
    externalIdOf: (i) => String(ITEM_ID_BASE + i),
    bodyOf: (i) => Buffer.from(bodyText(i), 'utf8'),
    indexOf(itemId) {
      const i = Number(itemId) - ITEM_ID_BASE
      return Number.isSafeInteger(i) && i >= 0 ? i : -1
    },
  }
}

export function createInventoryPool(size: number, secret = SANDBOX_SECRET): SignedPool {
  return createPool(inventoryLevelsUpdateKind(), size, secret)
}
