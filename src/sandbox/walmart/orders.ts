/**
 * Buyer orders on the emulated Walmart marketplace, and Get an order, which serves them. Walmart's
 * order webhooks are thin (no money,
 * "keep using read APIs for full details", channels.md §3 A1/A5), so each purchase order is kept
 * in `state.orders` as the `order` object of `GET /v3/orders/{purchaseOrderId}`, in the shape the
 * hub's client and normalizer read (connectors/walmart/payloads.ts `WalmartOrder`, fixtures
 * walmart/PO_CREATED): epoch-millisecond times, numeric-string quantities, JSON-number money.
 *
 * A cancellation: Walmart sends no webhook when a buyer's cancellation completes
 * (INTENT_TO_CANCEL changes no line status); the emulator models it as Walmart cancelling every
 * line, with `PO_LINE_AUTOCANCELLED`, the event the normalizer turns into a cancelled order once
 * the fetched lines are all Cancelled.
 */
import type { Context } from 'hono'
import type { ChannelState, PlacedLine, PlaceOrderResult, SignedWebhook } from '../types.js'
import { lastSegment, refuse } from './admission.js'
import { SHIP_NODE, unitPriceCents } from './seller.js'
import type { WalmartOrderLineRecord, WalmartOrderRecord } from './records.js'
import { purchaseOrderWebhook } from './webhooks.js'
import { returnStock, takeStock } from '../buyer-stock.js'

/** Ids are digit strings, as Walmart's; these bases keep them the length Walmart's are. */
const PURCHASE_ORDER_BASE = 1_800_000_000_000
const CUSTOMER_ORDER_BASE = 5_200_000_000_000
/** A Walmart cancellation reason code (Orders API, cancel order lines). */
const CANCEL_REASON = 'CUSTOMER_REQUESTED_SELLER_TO_CANCEL'

/**
 * `GET /v3/orders/{purchaseOrderId}`: `{ order }` as recorded, else 404 `CONTENT_NOT_FOUND`
 * (https://developer.walmart.com/us-marketplace/docs/get-an-order), which the hub reads as an
 * order not visible yet.
 */
export function readOrder(c: Context, state: ChannelState): Response {
  const id = lastSegment(c.req.url) ?? ''
  const order = state.orders.get(id)
  if (order === undefined) {
    return refuse(c, state, 404, {
      code: 'CONTENT_NOT_FOUND.GMP_ORDER_API',
      field: 'purchaseOrderId',
      description: `Order not found for purchaseOrderId ${id}`,
    })
  }
  return c.json({ order })
}

export function placeWalmartOrder(
  state: ChannelState,
  lines: readonly PlacedLine[],
  at: Date,
): PlaceOrderResult {
  const refused = takeStock(state, lines)
  if (refused !== undefined) return { accepted: false, reason: refused }
  state.stats.ordersAccepted += 1

  // Orders are never removed, so the count numbers them uniquely within this state.
  const seq = state.orders.size + 1
  const order = orderRecord(
    String(PURCHASE_ORDER_BASE + seq),
    String(CUSTOMER_ORDER_BASE + seq),
    lines,
    at,
  )
  state.orders.set(order.purchaseOrderId, order)
  return {
    accepted: true,
    orderId: order.purchaseOrderId,
    webhooks: [purchaseOrderWebhook(state, 'PO_CREATED', order, order.orderLines.orderLine, at)],
  }
}

/** Cancels every open line; an unknown or already cancelled order changes nothing and sends nothing. */
export function cancelWalmartOrder(
  state: ChannelState,
  orderId: string,
  at: Date,
): readonly SignedWebhook[] {
  // Only this module writes the Walmart seller's orders, always as WalmartOrderRecord.
  const order = state.orders.get(orderId) as WalmartOrderRecord | undefined
  if (order === undefined) return []
  const open = order.orderLines.orderLine.filter(isOpen)
  if (open.length === 0) return []
  for (const line of open) {
    const quantity = Number(line.orderLineQuantity.amount)
    returnStock(state, line.item.sku, quantity)
  }
  const cancelled: WalmartOrderLineRecord[] = open.map((line) => ({
    ...line,
    statusDate: at.getTime(),
    orderLineStatuses: {
      orderLineStatus: [
        {
          status: 'Cancelled',
          statusQuantity: { unitOfMeasurement: 'EACH', amount: line.orderLineQuantity.amount },
          cancellationReason: CANCEL_REASON,
          trackingInfo: null,
        },
      ],
    },
  }))
  const updated: WalmartOrderRecord = {
    ...order,
    orderLines: {
      orderLine: order.orderLines.orderLine.map(
        (line) => cancelled.find((c) => c.lineNumber === line.lineNumber) ?? line,
      ),
    },
  }
  state.orders.set(orderId, updated)
  return [purchaseOrderWebhook(state, 'PO_LINE_AUTOCANCELLED', updated, cancelled, at)]
}

function isOpen(line: WalmartOrderLineRecord): boolean {
  return line.orderLineStatuses.orderLineStatus.some((s) => s.status !== 'Cancelled')
}

function orderRecord(
  purchaseOrderId: string,
  customerOrderId: string,
  lines: readonly PlacedLine[],
  at: Date,
): WalmartOrderRecord {
  const day = 86_400_000
  return {
    purchaseOrderId,
    customerOrderId,
    // Walmart relays buyer mail through an alias (payloads.ts, customerEmailId).
    customerEmailId: `${customerOrderId}@relay.walmart.com`,
    orderDate: at.getTime(),
    shippingInfo: {
      phone: '3035550100',
      estimatedDeliveryDate: at.getTime() + 5 * day,
      estimatedShipDate: at.getTime() + 2 * day,
      methodCode: 'Standard',
      postalAddress: {
        name: 'Sandbox Buyer',
        address1: '1 Example Street',
        address2: null,
        city: 'Denver',
        state: 'CO',
        postalCode: '80202',
        country: 'USA',
        addressType: 'RESIDENTIAL',
      },
    },
    orderLines: { orderLine: lines.map((line, index) => orderLine(line, index + 1, at)) },
    shipNode: { type: SHIP_NODE.type, name: SHIP_NODE.name, id: SHIP_NODE.id },
  }
}

function orderLine(line: PlacedLine, lineNumber: number, at: Date): WalmartOrderLineRecord {
  const quantity = String(line.quantity)
  return {
    lineNumber: String(lineNumber),
    item: { productName: `Sandbox item ${line.sku}`, sku: line.sku, condition: 'New' },
    charges: {
      charge: [
        {
          chargeType: 'PRODUCT',
          chargeName: 'ItemPrice',
          // Integer cents ÷ 100: the double nearest the decimal, printed as exactly that decimal.
          chargeAmount: {
            currency: 'USD',
            amount: (unitPriceCents(line.sku) * line.quantity) / 100,
          },
          tax: null,
          isDiscount: null,
          discountType: null,
        },
      ],
    },
    orderLineQuantity: { unitOfMeasurement: 'EACH', amount: quantity },
    statusDate: at.getTime(),
    orderLineStatuses: {
      orderLineStatus: [
        {
          status: 'Created',
          statusQuantity: { unitOfMeasurement: 'EACH', amount: quantity },
          cancellationReason: null,
          trackingInfo: null,
        },
      ],
    },
    fulfillment: {
      fulfillmentOption: 'S2H',
      shipMethod: 'STANDARD',
      storeId: null,
      pickUpDateTime: null,
      pickUpBy: null,
      shippingProgramType: null,
    },
  }
}
