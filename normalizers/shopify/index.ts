/**
 * Shopify webhooks → observations. Pure: no I/O, no clock, inputs never mutated. Dispatches on
 * `input.topic`, the webhook's `X-Shopify-Topic` as the connector read it.
 *
 * Topics
 * - orders/create|updated|paid|cancelled|fulfilled|partially_fulfilled → one `order` observation
 *   (order.ts). The payload is the whole order, so every order topic maps the same way and nothing
 *   is fetched: unlike the other channels, Shopify needs no order-webhooks.ts.
 * - hub.order-sync (ORDER_SYNC_TOPIC: an order the hub read from the REST order list,
 *   connectors/shopify/order-list.ts) → the same `order` observation, by the same mapping: the
 *   list gives the REST Order that `orders/updated` carries, so a listed order and a webhook of
 *   the same state give the same snapshot.
 * - refunds/create → one `order-return` observation (order-return.ts).
 * - inventory_levels/update → one `inventory-level` observation (listing.ts).
 * - Any other topic → `ignored`.
 *
 * Each body is parsed with its schema (connectors/shopify), a body that does not match being
 * `invalid`, one issue per bad path; every observation is then checked against the contract
 * before it is returned, its time included (shared/dispatch.ts).
 */
import {
  ShopifyInventoryLevelPayload,
  ShopifyOrderPayload,
  ShopifyRefundPayload,
} from '../../connectors/shopify/index.js'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { byTopic, webhookOf, type TopicHandler } from '../shared/dispatch.js'
import { inventoryLevelsUpdate } from './listing.js'
import { refundsCreate } from './order-return.js'
import { orderWebhook } from './order.js'

const ORDER_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
] as const

const order = webhookOf(ShopifyOrderPayload, orderWebhook)

const HANDLERS: ReadonlyMap<string, TopicHandler> = new Map<string, TopicHandler>([
  ...[...ORDER_TOPICS, ORDER_SYNC_TOPIC].map((topic) => [topic, order] as const),
  ['refunds/create', webhookOf(ShopifyRefundPayload, refundsCreate)],
  ['inventory_levels/update', webhookOf(ShopifyInventoryLevelPayload, inventoryLevelsUpdate)],
])

export const shopify = byTopic(HANDLERS)
