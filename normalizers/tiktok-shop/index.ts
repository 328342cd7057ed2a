/**
 * TikTok Shop webhooks → observations. Pure: no I/O, no clock, inputs never mutated. Dispatches
 * on `input.topic`, the name connectors/tiktok-shop/topics.ts gives the body's numeric `type`;
 * the body's `type` must agree with it, or the body is `invalid`.
 *
 * Topics
 * - ORDER_STATUS_CHANGE (1), CANCELLATION_STATUS_CHANGE (11), RETURN_STATUS_CHANGE (12): thin
 *   webhooks; `hydrate` first, then `order` (and `order-return`) observations
 *   (order-webhooks.ts, mapping in order.ts).
 * - hub.order-sync (ORDER_SYNC_TOPIC): an order the hub read from the order list, complete as
 *   listed; one `order` observation, as type 1 maps its fetched order (order-sync.ts). The body
 *   is the listed order itself, not a webhook envelope.
 * - INVENTORY_STATUS_CHANGE (27), PRODUCT_STATUS_CHANGE (5), PRODUCT_INFORMATION_CHANGE (15):
 *   complete webhooks, mapped in listing.ts.
 * - SELLER_DEAUTHORIZATION (6) → `account-authorization` revoked; UPCOMING_AUTHORIZATION_EXPIRATION
 *   (7) → expiring (authorization.ts).
 * - UNREADABLE (ingress could not read the signed body's envelope) → `invalid`, naming the paths.
 * - Any other topic → `ignored`.
 *
 * Every observation is checked against the contract before it is returned; a body or fetched
 * record that does not match its schema is `invalid`, one issue per bad path (fetched records
 * under `hydrated.<key>`).
 */
import {
  InventoryStatusChangeWebhook,
  ProductInformationChangeWebhook,
  ProductStatusChangeWebhook,
  SellerDeauthorizationWebhook,
  TikTokEnvelope,
  UNREADABLE_TOPIC,
  UpcomingAuthorizationExpirationWebhook,
} from '../../connectors/tiktok-shop/index.js'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { byTopic, webhookOf, type TopicHandler } from '../shared/dispatch.js'
import type { NormalizeResult } from '../types.js'
import { sellerDeauthorization, upcomingExpiration } from './authorization.js'
import { inventoryLevel, productInformation, productStatus } from './listing.js'
import {
  cancellationStatusChange,
  orderStatusChange,
  returnStatusChange,
} from './order-webhooks.js'
import { listedOrder } from './order-sync.js'
import { done, invalid } from './shared.js'

const HANDLERS: ReadonlyMap<string, TopicHandler> = new Map<string, TopicHandler>([
  [UNREADABLE_TOPIC, (input) => unreadable(input.body)],
  ['ORDER_STATUS_CHANGE', orderStatusChange],
  ['CANCELLATION_STATUS_CHANGE', cancellationStatusChange],
  ['RETURN_STATUS_CHANGE', returnStatusChange],
  [ORDER_SYNC_TOPIC, listedOrder],
  [
    'INVENTORY_STATUS_CHANGE',
    webhookOf(InventoryStatusChangeWebhook, (w) => done([inventoryLevel(w)])),
  ],
  ['PRODUCT_STATUS_CHANGE', webhookOf(ProductStatusChangeWebhook, (w) => done([productStatus(w)]))],
  ['PRODUCT_INFORMATION_CHANGE', webhookOf(ProductInformationChangeWebhook, productInformation)],
  ['SELLER_DEAUTHORIZATION', webhookOf(SellerDeauthorizationWebhook, sellerDeauthorization)],
  [
    'UPCOMING_AUTHORIZATION_EXPIRATION',
    webhookOf(UpcomingAuthorizationExpirationWebhook, upcomingExpiration),
  ],
])

export const tiktokShop = byTopic(HANDLERS)

/** Ingress accepted a signed body whose envelope it could not read: say what is wrong with it. */
function unreadable(body: unknown): NormalizeResult {
  const parsed = TikTokEnvelope.safeParse(body)
  if (!parsed.success) return invalid(parsed.error.issues)
  return { kind: 'invalid', issues: [`type: ingress could not read type ${parsed.data.type}`] }
}
