import { z } from 'zod'
import {
  OrderCancelled,
  OrderCreated,
  OrderFoundByPolling,
  OrderFulfilled,
  OrderReturned,
  OrderUpdated,
} from './order.js'
import { InventoryReported } from './inventory.js'
import { ListingStatusChanged } from './listing.js'
import { InventoryChanged, InventoryDriftDetected } from './stock.js'

export { CHANNEL_IDS, ChannelId, EventOriginId } from './channel.js'
export {
  InventoryChangeCause,
  InventoryChanged,
  InventoryDriftDetected,
  MappedListing,
} from './stock.js'
export { Money } from './money.js'
export { InventoryReported, StockStatus } from './inventory.js'
export { ListingRef, ListingStatus, ListingStatusChanged, listingSubject } from './listing.js'
export {
  OrderCancelled,
  OrderCreated,
  OrderField,
  OrderFoundByPolling,
  OrderFulfilled,
  OrderLine,
  OrderReturned,
  OrderSnapshot,
  OrderStatus,
  OrderTotals,
  OrderUpdated,
  PaymentStatus,
  PostalAddress,
  ReturnLine,
} from './order.js'

/** Every event the hub emits, discriminated by `type`. */
export const HubEvent = z.discriminatedUnion('type', [
  OrderCreated,
  OrderUpdated,
  OrderCancelled,
  OrderFulfilled,
  OrderReturned,
  OrderFoundByPolling,
  InventoryReported,
  ListingStatusChanged,
  InventoryChanged,
  InventoryDriftDetected,
])
export type HubEvent = z.infer<typeof HubEvent>

/** The closed set of event type names, e.g. `order.created.v1`. */
export type EventType = HubEvent['type']
export const EVENT_TYPES: readonly EventType[] = HubEvent.options.map((o) => o.shape.type.value)

/** The contract as JSON Schema (draft 2020-12), one definition per event type. */
export function eventsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(HubEvent, { target: 'draft-2020-12' })
}
