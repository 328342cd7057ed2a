/**
 * A fetched Walmart purchase order (`GET /v3/orders/{purchaseOrderId}`, the `order` object) → an
 * OrderSnapshot. The record is the order's full current state, so every order webhook maps
 * through here; the webhook adds only its time and, for some sub-events, a channelStatus key.
 *
 * Status. A purchase order has no status of its own; each line has one or more statuses, each for
 * `statusQuantity` units (a line of 2 can be 1 Shipped + 1 Cancelled). Units are counted by state:
 *
 * | Walmart line status   | units are  |
 * | --------------------- | ---------- |
 * | Created, Acknowledged | open       |
 * | Shipped               | shipped    |
 * | Delivered             | delivered  |
 * | Cancelled (Canceled)  | cancelled  |
 * | Refund                | refunded: listed in the Orders API's status enum; Walmart refunds |
 * |                       | after shipment (before it, it cancels), so these units left too   |
 *
 * Matched case-insensitively (the events spell them CREATED, CANCELLED). Any other status is
 * `invalid` rather than guessed: a new Walmart status needs a decision here.
 *
 * Then, over the units that are not cancelled ("live"):
 * - none live → cancelled;
 * - none open → delivered when every live unit is delivered, else fulfilled;
 * - some open and some shipped, delivered or refunded → partially_fulfilled;
 * - all open → awaiting_fulfillment (Walmart releases a PO to the seller once payment and fraud
 *   checks pass, so nothing is `pending`).
 *
 * Payment status (Walmart reports none): voided when no unit is live; refunded when every live
 * unit is in Refund, partially_refunded when some are; else paid. The hub counts a PO as paid from
 * its release, when Walmart has taken the buyer's payment; strictly, the Orders API says marking
 * a line Shipped "triggers the charge to the customer", so the card is charged at shipment.
 *
 * Money (charges.ts): unitPrice = the line's PRODUCT charges ÷ its quantity, discount =
 * its PRODUCT discounts, total = PRODUCT − discount; totals: subtotal = Σ line totals, discount =
 * Σ line discounts, shipping = Σ SHIPPING net of shipping discounts, tax = Σ charge tax, total =
 * subtotal + shipping + tax, computed: the order records no total the buyer pays (the optional
 * `orderSummary` is not read). taxesIncluded is false: US sales tax is added on top. Cancelled
 * lines stay in the lines and totals with their charges, as Walmart keeps them; the status says
 * what was cancelled.
 *
 * Other fields: number = customerOrderId; customerEmail = customerEmailId, null for Walmart's
 * placeholder nocxemail@walmartone.com; shippingAddress from shippingInfo.postalAddress (+ phone);
 * cancelReason = the distinct cancellationReasons of Cancelled statuses; channelStatus.line_statuses
 * = `<lineNumber>:<status>` per line, or `<lineNumber>:<status>*<units>+…` for a line with several;
 * placedAt = orderDate; updatedAt = the latest line statusDate or the webhook's time if later;
 * for an order read from the list (no webhook), the latest line statusDate, else orderDate.
 *
 * Docs: https://developer.walmart.com/us-marketplace/docs/get-an-order,
 * https://developer.walmart.com/us-marketplace/docs/order-management-api-overview,
 * https://developer.walmart.com/us-marketplace/docs/multi-line-multi-quantity-mlmq-migration-guide
 */
import {
  orderUpdatedAt,
  type WalmartOrder,
  type WalmartOrderLine,
} from '../../connectors/walmart/index.js'
import type {
  OrderLine,
  OrderSnapshot,
  OrderStatus,
  PaymentStatus,
} from '../../src/events/index.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import { safeMinor } from '../shared/money.js'
import { toAddress } from './address.js'
import { lineCharges, orderCurrency } from './charges.js'
import { latest, located, text, type Path } from './shared.js'

export type UnitState = 'open' | 'shipped' | 'delivered' | 'cancelled' | 'refunded'
export type UnitCounts = Readonly<Record<UnitState, number>>

const UNIT_STATE = new Map<string, UnitState>([
  ['CREATED', 'open'],
  ['ACKNOWLEDGED', 'open'],
  ['SHIPPED', 'shipped'],
  ['DELIVERED', 'delivered'],
  ['CANCELLED', 'cancelled'],
  ['CANCELED', 'cancelled'],
  ['REFUND', 'refunded'],
])

/** Walmart's placeholder when the buyer's address is not known yet: never the buyer's. */
const NO_EMAIL = 'nocxemail@walmartone.com'

/** What units in a Walmart line status are; undefined for a status this table does not know. */
export function unitState(status: string): UnitState | undefined {
  return UNIT_STATE.get(status.toUpperCase())
}

/** See the module comment. */
export function orderStatus(units: UnitCounts): OrderStatus {
  const live = units.open + units.shipped + units.delivered + units.refunded
  if (live === 0) return 'cancelled'
  if (units.open === 0) return units.delivered === live ? 'delivered' : 'fulfilled'
  return units.open < live ? 'partially_fulfilled' : 'awaiting_fulfillment'
}

/** See the module comment. */
export function paymentStatus(units: UnitCounts): PaymentStatus {
  const live = units.open + units.shipped + units.delivered + units.refunded
  if (live === 0) return 'voided'
  if (units.refunded === 0) return 'paid'
  return units.refunded === live ? 'refunded' : 'partially_refunded'
}

export interface SnapshotOptions {
  /**
   * When the webhook says the event happened (ISO 8601); absent for an order read from the list,
   * which the order's own time (`orderUpdatedAt`) dates.
   */
  readonly eventTime?: string
  /** The webhook's own status fields, added to the order's. */
  readonly channelStatus?: Readonly<Record<string, string>>
}

interface MappedLine {
  readonly line: OrderLine
  readonly shipping: number
  readonly tax: number
  readonly units: UnitCounts
  readonly statuses: string
  readonly cancelReasons: readonly string[]
}

/**
 * Maps one fetched order; `at` locates it in the input (its hydration key). Throws
 * InvalidPayloadError for what the schema cannot catch (an unknown status, a bad amount).
 */
export function toSnapshot(order: WalmartOrder, at: Path, options: SnapshotOptions): OrderSnapshot {
  const linesAt = [...at, 'orderLines', 'orderLine']
  const currency = orderCurrency(order, linesAt)
  const mapped = order.orderLines.orderLine.map((line, index) =>
    toLine(line, currency, [...linesAt, index]),
  )
  const sum = (pick: (line: MappedLine) => number, what: string) =>
    located(at, () =>
      safeMinor(
        mapped.reduce((total, line) => total + pick(line), 0),
        what,
      ),
    )
  const units = Object.fromEntries(
    (['open', 'shipped', 'delivered', 'cancelled', 'refunded'] as const).map((state) => [
      state,
      sum((line) => line.units[state], `${state} units`),
    ]),
  ) as Record<UnitState, number>
  const subtotal = sum((line) => line.line.total.amountMinor, 'subtotal')
  const shipping = sum((line) => line.shipping, 'shipping')
  const tax = sum((line) => line.tax, 'tax')
  const total = located(at, () => safeMinor(subtotal + shipping + tax, 'total'))
  const money = (amountMinor: number) => ({ amountMinor, currency })
  const reasons = [...new Set(mapped.flatMap((line) => line.cancelReasons))]
  const email = text(order.customerEmailId)
  const statusDates = order.orderLines.orderLine.flatMap((line) =>
    line.statusDate ? [line.statusDate] : [],
  )
  return {
    externalId: order.purchaseOrderId,
    number: order.customerOrderId ?? null,
    status: orderStatus(units),
    paymentStatus: paymentStatus(units),
    channelStatus: {
      line_statuses: mapped.map((line) => line.statuses).join(','),
      ...options.channelStatus,
    },
    placedAt: order.orderDate,
    updatedAt:
      options.eventTime === undefined
        ? orderUpdatedAt(order)
        : latest(options.eventTime, ...statusDates),
    currency,
    totals: {
      subtotal: money(subtotal),
      discount: money(sum((line) => line.line.discount.amountMinor, 'discount')),
      shipping: money(shipping),
      tax: money(tax),
      total: money(total),
      taxesIncluded: false,
    },
    lines: mapped.map((line) => line.line),
    customerEmail: email !== null && email.toLowerCase() === NO_EMAIL ? null : email,
    shippingAddress: toAddress(order.shippingInfo),
    cancelReason: reasons.length > 0 ? reasons.join(', ') : null,
  }
}

function toLine(line: WalmartOrderLine, currency: string, at: Path): MappedLine {
  const { product, productDiscount, shipping, tax } = lineCharges(line, currency, at)
  const quantity = line.orderLineQuantity.amount
  const money = (amountMinor: number) => ({ amountMinor, currency })
  const statuses = lineStatuses(line, at)
  return {
    line: {
      externalLineId: line.lineNumber,
      sku: text(line.item.sku),
      title: line.item.productName ?? '',
      quantity,
      quantityFulfilled: Math.min(
        quantity,
        statuses.units.shipped + statuses.units.delivered + statuses.units.refunded,
      ),
      unitPrice: money(product / quantity),
      discount: money(productDiscount),
      total: money(product - productDiscount),
    },
    shipping,
    tax,
    ...statuses,
  }
}

/** The line's units by state, its compact status text and its cancellation reasons. */
function lineStatuses(
  line: WalmartOrderLine,
  at: Path,
): Pick<MappedLine, 'units' | 'statuses' | 'cancelReasons'> {
  const entries = line.orderLineStatuses.orderLineStatus
  const units: Record<UnitState, number> = {
    open: 0,
    shipped: 0,
    delivered: 0,
    cancelled: 0,
    refunded: 0,
  }
  const reasons: string[] = []
  const parts = entries.map((entry, index) => {
    const entryAt = [...at, 'orderLineStatuses', 'orderLineStatus', index]
    const state = unitState(entry.status)
    if (state === undefined) {
      throw new InvalidPayloadError(`unknown line status "${entry.status}"`, [...entryAt, 'status'])
    }
    const count =
      entry.statusQuantity?.amount ??
      (entries.length === 1 ? line.orderLineQuantity.amount : undefined)
    if (count === undefined) {
      const issue = 'required when a line has more than one status'
      throw new InvalidPayloadError(issue, [...entryAt, 'statusQuantity'])
    }
    units[state] += count
    const reason = text(entry.cancellationReason)
    if (state === 'cancelled' && reason !== null) reasons.push(reason)
    return entries.length === 1 ? entry.status : `${entry.status}*${count}`
  })
  return { units, statuses: `${line.lineNumber}:${parts.join('+')}`, cancelReasons: reasons }
}
