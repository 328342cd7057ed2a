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
export {
  DATA_CONTENT_TYPE,
  dataSchemaPath,
  envelopeTraceContext,
  wireEvent,
  wireEventText,
  type WireEvent,
} from './wire.js'
export {
  binaryMessage,
  CONTENT_MODES,
  percentEncodeHeaderValue,
  STRUCTURED_CONTENT_TYPE,
  structuredMessage,
  type ContentMode,
  type EventMessage,
} from './http-binding.js'
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

export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name)
}

/**
 * One event type's definition as JSON Schema (draft 2020-12), without `$schema`: as
 * `eventsJsonSchema` has it, and as OpenAPI 3.1 (whose default dialect it is) embeds it.
 */
export function eventTypeDefinition(type: EventType): Record<string, unknown> {
  const schema = HubEvent.options.find((o) => o.shape.type.value === type)!
  const { $schema: _dialect, ...definition } = z.toJSONSchema(schema, { target: 'draft-2020-12' })
  return definition
}

/**
 * One event type's JSON Schema document, identified by `id`, the absolute URL it is served at
 * (what its events' `dataschema` names).
 */
export function eventTypeJsonSchema(type: EventType, id: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    ...eventTypeDefinition(type),
  }
}
