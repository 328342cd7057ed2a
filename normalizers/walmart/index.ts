/**
 * Walmart Marketplace webhooks → observations. Pure: no I/O, no clock, inputs never mutated.
 * Dispatches on `input.topic`, the body's `source.eventType` as the connector read it; the body's
 * eventType must agree with it, or the body is `invalid`.
 *
 * Topics
 * - PO_CREATED, PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL and ORDER_UPDATES (sub-events PO_CREATED,
 *   PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL, FRAUD_CANCEL; others `ignored`): thin webhooks;
 *   `hydrate` the purchase order first, then one `order` observation (order-webhooks.ts,
 *   mapping and status table in order.ts).
 * - hub.order-sync (ORDER_SYNC_TOPIC: a purchase order the hub read from All orders,
 *   connectors/walmart/order-list.ts): the body is the `order` object Get an order answers, mapped
 *   by the same order.ts into one `order` observation, timed by the order's own latest statusDate
 *   (order-sync.ts).
 * - INVENTORY_OOS → `inventory-level` per ship node; OFFER_PUBLISHED / OFFER_UNPUBLISHED →
 *   `listing-status` active / inactive (listing.ts).
 * - UNREADABLE (the connector could not read the signed body's `source.eventType`) → `invalid`,
 *   naming the paths.
 * - Any other topic (BUY_BOX_CHANGED, REPORT_STATUS, RETURN_NOTIFICATIONS, …) → `ignored`.
 *
 * Every observation is checked against the contract before it is returned; a body or fetched
 * record that does not match its schema is `invalid`, one issue per bad path (fetched records
 * under `hydrated.<key>`).
 *
 * Docs: https://developer.walmart.com/us-marketplace/docs/get-event-types (event names),
 * channels.md §3.
 */
import {
  IntentToCancelWebhook,
  InventoryOosWebhook,
  OfferPublishedWebhook,
  OfferUnpublishedWebhook,
  PurchaseOrderCreatedWebhook,
  PurchaseOrderLineAutocancelledWebhook,
  UNREADABLE_TOPIC,
  WalmartEnvelope,
} from '../../connectors/walmart/index.js'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { byTopic, webhookOf, type TopicHandler } from '../shared/dispatch.js'
import type { NormalizeResult } from '../types.js'
import { inventoryOutOfStock, offerStatus } from './listing.js'
import { listedOrder } from './order-sync.js'
import { orderUpdates, purchaseOrderEvent } from './order-webhooks.js'
import { invalid } from './shared.js'

const HANDLERS: ReadonlyMap<string, TopicHandler> = new Map<string, TopicHandler>([
  [UNREADABLE_TOPIC, (input) => unreadable(input.body)],
  ['PO_CREATED', purchaseOrderEvent(PurchaseOrderCreatedWebhook)],
  ['PO_LINE_AUTOCANCELLED', purchaseOrderEvent(PurchaseOrderLineAutocancelledWebhook)],
  ['INTENT_TO_CANCEL', purchaseOrderEvent(IntentToCancelWebhook)],
  ['ORDER_UPDATES', orderUpdates],
  [ORDER_SYNC_TOPIC, listedOrder],
  ['INVENTORY_OOS', webhookOf(InventoryOosWebhook, inventoryOutOfStock)],
  ['OFFER_PUBLISHED', webhookOf(OfferPublishedWebhook, offerStatus('active'))],
  ['OFFER_UNPUBLISHED', webhookOf(OfferUnpublishedWebhook, offerStatus('inactive'))],
])

export const walmart = byTopic(HANDLERS)

/** The connector accepted a signed body whose envelope it could not read: say what is wrong. */
function unreadable(body: unknown): NormalizeResult {
  const parsed = WalmartEnvelope.safeParse(body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const issue = `source.eventType: ingress could not read event type ${parsed.data.source.eventType}`
  return { kind: 'invalid', issues: [issue] }
}
