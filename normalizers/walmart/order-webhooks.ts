/**
 * The order webhooks. They carry no money and only a line summary, so every one is thin: without
 * the fetched purchase order the answer is `hydrate` (`order:<purchaseOrderId>`); with it, one
 * `order` observation mapped from that record (order.ts), the order's full current state.
 *
 * - PO_CREATED, PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL (the standalone events, deprecated from
 *   2026-12-15): the PO id is `payload.purchaseOrderId`.
 * - ORDER_UPDATES: consumed for subEventType PO_CREATED, PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL
 *   and FRAUD_CANCEL; any other sub-event is `ignored` (Walmart says it will add more). Where the
 *   sub-event and the PO id sit is read as payloads.ts describes.
 * - INTENT_TO_CANCEL and FRAUD_CANCEL add channelStatus.order_update = the sub-event: a buyer's
 *   intent to cancel changes no line status, and a fraud cancellation may reach the order record
 *   after the webhook, so without the key the snapshot could look unchanged. The pipeline keeps a
 *   key a later snapshot leaves out, so it stays until another flagged sub-event replaces it.
 *   A FRAUD_CANCEL does not force `cancelled`: Walmart says it may cancel the order or one line,
 *   and the fetched lines say which.
 * - updatedAt = the later of the lines' statusDate and the webhook's `source.eventTime`, so a
 *   sub-event that only adds channelStatus is newer than the snapshot stored before it.
 *
 * A fetched record that does not parse is `invalid` under `hydrated.<key>`; one for another
 * purchase order than the webhook names is `invalid` too: a fault of the fetch.
 *
 * Docs: https://developer.walmart.com/us-marketplace/docs/order-management-event,
 * https://developer.walmart.com/us-marketplace/page/new-order-management-webhook-event,
 * https://developer.walmart.com/us-marketplace/docs/purchase-order-po-created-event
 */
import type { z } from 'zod'
import { OrderUpdatesWebhook, WalmartOrder } from '../../connectors/walmart/index.js'
import { fetchedOrHydrate } from '../shared/fetched.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { toSnapshot } from './order.js'
import { done, invalid } from './shared.js'

/** ORDER_UPDATES sub-events the hub consumes. */
const CONSUMED_SUB_EVENTS = new Set([
  'PO_CREATED',
  'PO_LINE_AUTOCANCELLED',
  'INTENT_TO_CANCEL',
  'FRAUD_CANCEL',
])
/** Events recorded in channelStatus.order_update (see the module comment). */
const FLAGGED = new Set(['INTENT_TO_CANCEL', 'FRAUD_CANCEL'])

interface PurchaseOrderEvent {
  readonly source: { readonly eventType: string; readonly eventTime: string }
  readonly payload: { readonly purchaseOrderId: string }
}

/** A standalone order event (PO_CREATED, PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL). */
export function purchaseOrderEvent(
  schema: z.ZodType<PurchaseOrderEvent>,
): (input: NormalizeInput) => NormalizeResult {
  return (input) => {
    const parsed = schema.safeParse(input.body)
    if (!parsed.success) return invalid(parsed.error.issues)
    const { source, payload } = parsed.data
    return fromFetchedOrder(input, payload.purchaseOrderId, source.eventTime, source.eventType)
  }
}

export function orderUpdates(input: NormalizeInput): NormalizeResult {
  const parsed = OrderUpdatesWebhook.safeParse(input.body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const { source, payload } = parsed.data
  const direct = payload.subEventType
  const nested = payload.meta?.subEventType ?? undefined
  if (direct !== undefined && nested !== undefined && direct !== nested) {
    const issue = `payload.meta.subEventType: is ${nested}, payload.subEventType is ${direct}`
    return { kind: 'invalid', issues: [issue] }
  }
  const subEvent = direct ?? nested
  if (subEvent === undefined) {
    return {
      kind: 'invalid',
      issues: [
        'payload.subEventType: expected a string (nor is there a payload.meta.subEventType)',
      ],
    }
  }
  if (!CONSUMED_SUB_EVENTS.has(subEvent)) {
    return { kind: 'ignored', reason: `ORDER_UPDATES sub-event ${subEvent} is not consumed` }
  }
  const purchaseOrderId = payload.order?.purchaseOrderId ?? payload.purchaseOrderId
  if (purchaseOrderId === undefined) {
    return {
      kind: 'invalid',
      issues: [
        'payload.order.purchaseOrderId: expected a string (nor is there a payload.purchaseOrderId)',
      ],
    }
  }
  return fromFetchedOrder(input, purchaseOrderId, source.eventTime, subEvent)
}

/** `hydrate` until the purchase order is fetched, then its snapshot. */
function fromFetchedOrder(
  input: NormalizeInput,
  purchaseOrderId: string,
  eventTime: string,
  event: string,
): NormalizeResult {
  const record = fetchedOrHydrate(input, { kind: 'order', id: purchaseOrderId }, WalmartOrder)
  if (!record.ok) return record.result
  const { value: order, at } = record
  if (order.purchaseOrderId !== purchaseOrderId) {
    const issue = `is ${order.purchaseOrderId}, the webhook names ${purchaseOrderId}`
    throw new InvalidPayloadError(issue, [...at, 'purchaseOrderId'])
  }
  const snapshot = toSnapshot(order, at, {
    eventTime,
    ...(FLAGGED.has(event) ? { channelStatus: { order_update: event } } : {}),
  })
  return done([{ kind: 'order', snapshot }])
}
