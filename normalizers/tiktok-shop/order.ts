/**
 * A fetched TikTok order (Get Order Detail, `data.orders[]`) → an OrderSnapshot (a fetched return
 * is order-return.ts's). The order record is the order's full current state, so every order
 * webhook maps through here; the webhook only adds its own status fields.
 *
 * Status (`status` of the order record; `CANCEL` is the type-1 webhook's spelling, accepted too):
 *
 * | TikTok              | hub                  | why                                              |
 * | ------------------- | -------------------- | ------------------------------------------------ |
 * | UNPAID              | pending              | not paid                                         |
 * | ON_HOLD             | pending              | buyer may still cancel freely; pre-orders wait   |
 * | AWAITING_SHIPMENT   | awaiting_fulfillment | ready to ship, nothing shipped                   |
 * | AWAITING_COLLECTION | awaiting_fulfillment | shipment arranged, carrier has not collected it: |
 * |                     |                      | nothing has left the seller yet                  |
 * | PARTIALLY_SHIPPING  | partially_fulfilled  | some items shipped                               |
 * | IN_TRANSIT          | fulfilled            | collected by the carrier                         |
 * | DELIVERED           | delivered            |                                                  |
 * | COMPLETED           | delivered            | delivered, return window closed                  |
 * | CANCELLED, CANCEL   | cancelled            |                                                  |
 *
 * Any other status is `invalid` rather than guessed: a new TikTok status needs a decision here,
 * and an invalid row can be replayed once it is made.
 *
 * Payment status (TikTok reports none; derived from the mapped status and `paid_time`):
 * - cancelled: never paid → voided; paid → unknown (TikTok refunds a paid order it cancels, but
 *   the order record does not say whether that refund has gone through);
 * - otherwise: `paid_time` set → paid, else pending (UNPAID; ON_HOLD pre-orders are only charged
 *   a day before release; cash-on-delivery orders are paid at the door).
 *
 * Money, in `payment.currency`, as integer minor units:
 * - lines: TikTok line items are single units, so each becomes a line of quantity 1;
 *   unitPrice = original_price, total = sale_price, discount = original − sale. A sale price
 *   above the original (never documented) is taken as the unit price with no discount, so
 *   unitPrice − discount = total always holds.
 * - totals: subtotal = sub_total (already net of product discounts, = Σ sale_price);
 *   discount = seller_discount + platform_discount (product discounts only: `shipping_fee` is
 *   already net of the shipping discounts, and counting them here would suggest they came off
 *   the subtotal); shipping = shipping_fee; tax = tax (0 when absent); total = total_amount.
 * - taxesIncluded is false: TikTok documents total_amount = sub_total + shipping_fee + tax +
 *   retail_delivery_fee, i.e. tax on top. Markets whose prices include VAT report no separate
 *   `tax`, so there tax is 0 and the VAT inside the prices is not broken out.
 *
 * Doc: https://partner.tiktokshop.com/docv2/page/get-order-detail-202309 (fields as in the 202507
 * mirror, repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/orders/get-order-detail.spec.json)
 */
import type { TikTokLineItem, TikTokOrder } from '../../connectors/tiktok-shop/index.js'
import type {
  Money,
  OrderLine,
  OrderSnapshot,
  OrderStatus,
  PaymentStatus,
} from '../../src/events/index.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import { safeMinor } from '../shared/money.js'
import { toAddress } from './address.js'
import { isoFromUnix, located, minorAt, text, type Path } from './shared.js'

const ORDER_STATUS = new Map<string, OrderStatus>([
  ['UNPAID', 'pending'],
  ['ON_HOLD', 'pending'],
  ['AWAITING_SHIPMENT', 'awaiting_fulfillment'],
  ['AWAITING_COLLECTION', 'awaiting_fulfillment'],
  ['PARTIALLY_SHIPPING', 'partially_fulfilled'],
  ['IN_TRANSIT', 'fulfilled'],
  ['DELIVERED', 'delivered'],
  ['COMPLETED', 'delivered'],
  ['CANCELLED', 'cancelled'],
  ['CANCEL', 'cancelled'],
])

/** A line's `display_status` once its unit has left the seller. */
const SHIPPED = new Set(['IN_TRANSIT', 'DELIVERED', 'COMPLETED'])

/** The hub status of a TikTok order status; undefined for one this table does not know. */
export function orderStatus(status: string): OrderStatus | undefined {
  return ORDER_STATUS.get(status)
}

/** See the module comment. `paidTime` 0 is treated as absent. */
export function paymentStatus(status: OrderStatus, paidTime: number | undefined): PaymentStatus {
  const paid = paidTime !== undefined && paidTime > 0
  if (status === 'cancelled') return paid ? 'unknown' : 'voided'
  return paid ? 'paid' : 'pending'
}

export interface SnapshotOptions {
  /** Replaces the mapped status (a cancellation TikTok confirmed before the order record shows it). */
  readonly status?: OrderStatus
  /** Unix seconds. */
  readonly updatedAt: number
  /** The webhook's own status fields, added to the order's. */
  readonly channelStatus?: Readonly<Record<string, string>>
}

/**
 * Maps one fetched order; `at` locates it in the input (its hydration key). Throws
 * InvalidPayloadError for what the schema cannot catch (an unknown status, a bad amount).
 */
export function toSnapshot(order: TikTokOrder, at: Path, options: SnapshotOptions): OrderSnapshot {
  const mapped = orderStatus(order.status)
  if (mapped === undefined) {
    throw new InvalidPayloadError(`unknown order status "${order.status}"`, [...at, 'status'])
  }
  const status = options.status ?? mapped
  const { payment } = order
  const { currency } = payment
  const amount = (value: string | undefined, field: string): Money => ({
    amountMinor: value === undefined ? 0 : minorAt(value, currency, [...at, 'payment', field]),
    currency,
  })
  const seller = amount(payment.seller_discount, 'seller_discount').amountMinor
  const platform = amount(payment.platform_discount, 'platform_discount').amountMinor
  const discount = located([...at, 'payment'], () => safeMinor(seller + platform, 'discount'))
  const initiator = text(order.cancellation_initiator)
  return {
    externalId: order.id,
    // TikTok shows buyers the order id itself; there is no separate order number.
    number: null,
    status,
    paymentStatus: paymentStatus(status, order.paid_time),
    channelStatus: {
      status: order.status,
      ...(initiator === null ? {} : { cancellation_initiator: initiator }),
      ...options.channelStatus,
    },
    placedAt: isoFromUnix(order.create_time),
    updatedAt: isoFromUnix(options.updatedAt),
    currency,
    totals: {
      subtotal: amount(payment.sub_total, 'sub_total'),
      discount: { amountMinor: discount, currency },
      shipping: amount(payment.shipping_fee, 'shipping_fee'),
      tax: amount(payment.tax, 'tax'),
      total: amount(payment.total_amount, 'total_amount'),
      taxesIncluded: false,
    },
    lines: order.line_items.map((item, index) => ({
      ...toLine(item, currency, order.status, [...at, 'line_items', index]),
      ...(order.warehouse_id === undefined ? {} : { location: order.warehouse_id }),
    })),
    customerEmail: text(order.buyer_email),
    shippingAddress: toAddress(order.recipient_address),
    cancelReason: text(order.cancel_reason),
  }
}

function toLine(item: TikTokLineItem, currency: string, orderState: string, at: Path): OrderLine {
  if (item.currency !== undefined && item.currency !== currency) {
    const issue = `line currency ${item.currency} differs from the payment currency ${currency}`
    throw new InvalidPayloadError(issue, [...at, 'currency'])
  }
  const original = minorAt(item.original_price, currency, [...at, 'original_price'])
  const sale = minorAt(item.sale_price, currency, [...at, 'sale_price'])
  const unit = Math.max(original, sale)
  // A line without its own display_status follows the order's.
  const shipped = SHIPPED.has(item.display_status ?? orderState)
  return {
    externalLineId: item.id,
    sku: text(item.seller_sku),
    title: item.product_name ?? '',
    quantity: 1,
    quantityFulfilled: shipped ? 1 : 0,
    unitPrice: { amountMinor: unit, currency },
    discount: { amountMinor: unit - sale, currency },
    total: { amountMinor: sale, currency },
  }
}
