/**
 * Amazon SP-API notifications → observations. Pure: no I/O, no clock, inputs never mutated.
 * Dispatches on `input.topic`, the notification type ingress read (or the name it gives SNS's own
 * messages). The body is the whole posted body in any of the three envelopes (an EventBridge
 * event, an SNS message whose `Message` holds the event or the notification, or the bare
 * notification): shared.ts finds the notification, and a body without one is `invalid`.
 * The notification's type must be the one the topic names (its schema says which), or it is
 * `invalid`. The same notification maps to the same observations in every envelope.
 *
 * Topics
 * - ORDER_CHANGE: thin; `hydrate` the order first, then one `order` observation
 *   (order-webhooks.ts, mapping and status table in order.ts).
 * - hub.order-sync (ORDER_SYNC_TOPIC): an order the hub read from the order list, `{ order }`;
 *   `hydrate` its items alone, then one `order` observation mapped as ORDER_CHANGE's
 *   (order-sync.ts). Not a notification: the body is the listed record, in no envelope.
 * - LISTINGS_ITEM_MFN_QUANTITY_CHANGE, FBA_INVENTORY_AVAILABILITY_CHANGES → `inventory-level`;
 *   LISTINGS_ITEM_STATUS_CHANGE (and the schema's spelling LISTINGS_ITEM_STATUS_CHANGED) →
 *   `listing-status` (listing.ts).
 * - SNS_SUBSCRIPTION_CONFIRMATION → `hydrate` (confirm), then `subscription-confirmed`;
 *   SNS_UNSUBSCRIBE_CONFIRMATION → `ignored` (sns.ts).
 * - UNREADABLE (ingress could not read a notification type) → `invalid`, saying what is wrong.
 * - Any other topic (ANY_OFFER_CHANGED, ACCOUNT_STATUS_CHANGED, …) → `ignored`.
 *
 * Every observation is checked against the contract before it is returned; a notification or
 * fetched record that does not match its schema is `invalid`, one issue per bad path (paths in
 * the posted body, fetched records under `hydrated.<key>`).
 *
 * Docs: channels.md §2 A1, A3–A5; https://developer-docs.amazon.com/sp-api/docs/notification-type-values
 */
import {
  FbaInventoryAvailabilityChangesNotification,
  ListingsItemMfnQuantityChangeNotification,
  ListingsItemStatusChangeNotification,
  notificationType,
  OrderChangeNotification,
  UNREADABLE_TOPIC,
} from '../../connectors/amazon/index.js'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { fbaInventory, mfnQuantity, statusChange } from './listing.js'
import { listedOrder } from './order-sync.js'
import { orderChange } from './order-webhooks.js'
import { locateNotification, notificationOf } from './shared.js'
import { subscriptionConfirmation } from './sns.js'
import { byTopic, type TopicHandler } from '../shared/dispatch.js'
import type { NormalizeResult } from '../types.js'

const listingStatus = notificationOf(ListingsItemStatusChangeNotification, statusChange)

const HANDLERS: ReadonlyMap<string, TopicHandler> = new Map<string, TopicHandler>([
  [UNREADABLE_TOPIC, (input) => unreadable(input.body)],
  ['ORDER_CHANGE', notificationOf(OrderChangeNotification, orderChange)],
  [ORDER_SYNC_TOPIC, listedOrder],
  [
    'LISTINGS_ITEM_MFN_QUANTITY_CHANGE',
    notificationOf(ListingsItemMfnQuantityChangeNotification, mfnQuantity),
  ],
  [
    'FBA_INVENTORY_AVAILABILITY_CHANGES',
    notificationOf(FbaInventoryAvailabilityChangesNotification, fbaInventory),
  ],
  ['LISTINGS_ITEM_STATUS_CHANGE', listingStatus],
  ['LISTINGS_ITEM_STATUS_CHANGED', listingStatus],
  ['SNS_SUBSCRIPTION_CONFIRMATION', subscriptionConfirmation],
  [
    'SNS_UNSUBSCRIBE_CONFIRMATION',
    () => ({
      kind: 'ignored',
      reason:
        'SNS UnsubscribeConfirmation: the subscription has ended; resubscribing is left to an operator',
    }),
  ],
])

export const amazon = byTopic(HANDLERS)

/** Ingress accepted a body whose notification type it could not read: say what is wrong. */
function unreadable(body: unknown): NormalizeResult {
  const found = locateNotification(body)
  if (!found.ok) return found.result
  const where = [...found.at, 'NotificationType'].join('.')
  const type = notificationType(found.notification)
  return {
    kind: 'invalid',
    issues: [`${where}: ingress could not read notification type ${type ?? '(none)'}`],
  }
}
