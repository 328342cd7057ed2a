/**
 * Shopify webhooks → observations. Pure: no I/O, no clock, input never mutated.
 *
 * Topics
 * - orders/create|updated|paid|cancelled|fulfilled|partially_fulfilled → one `order` observation
 *   (the payload is the whole order, so every order topic maps the same way).
 * - refunds/create → one `order-return` observation.
 * - inventory_levels/update → one `inventory-level` observation (listing.ts).
 * - Any other topic → `ignored`.
 *
 * Order mapping
 * - status: cancelled_at set → cancelled; fulfillment_status fulfilled → fulfilled, partial →
 *   partially_fulfilled; else financial_status authorized, paid, partially_paid,
 *   partially_refunded or refunded → awaiting_fulfillment; else (pending, voided, absent, any
 *   other) → pending.
 * - paymentStatus: financial_status when it is a contract PaymentStatus, else unknown.
 * - channelStatus: { financial_status, fulfillment_status } verbatim, nulls kept.
 * - number ← name; placedAt ← created_at; updatedAt ← updated_at; currency ← currency (the shop
 *   currency; presentment amounts are not read).
 * - lines: sku empty → null; quantityFulfilled = quantity when the line's fulfillment_status is
 *   fulfilled, else the units of this line in fulfillments with status success, capped at
 *   quantity; discount = Σ discount_allocations (these include order-level discounts spread over
 *   the line, so Σ line totals = subtotal_price) when non-empty, else total_discount, else 0;
 *   total = price × quantity − discount.
 * - totals: subtotal_price, total_discounts, shipping ← total_shipping_price_set.shop_money else
 *   Σ shipping_lines[].price else 0, total_tax, total_price, taxesIncluded ← taxes_included.
 * - customerEmail: email else contact_email. shippingAddress: name else "first last";
 *   region ← province_code else province; line1/line2 ← address1/address2; postalCode ← zip.
 * - Empty (or blank) strings become null throughout.
 *
 * Refund mapping
 * - lines: refund_line_items with quantity > 0; restock when restock_type is return, cancel or
 *   legacy_restock. refunded: Σ transactions with kind refund and status success (one currency,
 *   else invalid), null when there are none.
 *
 * Amounts are integer minor units computed from the decimal strings, never through floats.
 */
import { ShopifyOrderPayload, ShopifyRefundPayload } from '../../connectors/shopify/index.js'
import {
  OrderReturned,
  OrderSnapshot,
  PaymentStatus,
  type Money,
  type OrderLine,
  type OrderStatus,
  type PostalAddress,
} from '../../src/events/index.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import { safeMinor, toMinorUnits } from '../shared/money.js'
import { normalizeInventoryLevel } from './listing.js'
import { invalid, located, text, type Path } from '../shared/result.js'
import type { ChannelNormalizer, NormalizeInput, NormalizeResult } from '../types.js'

const ORDER_TOPICS = new Set([
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
])
const PAID_ENOUGH_TO_SHIP = new Set([
  'authorized',
  'paid',
  'partially_paid',
  'partially_refunded',
  'refunded',
])
const RESTOCKING = new Set(['return', 'cancel', 'legacy_restock'])

type ShopifyLineItem = ShopifyOrderPayload['line_items'][number]

export const shopify = {
  normalize(input: NormalizeInput): NormalizeResult {
    try {
      if (ORDER_TOPICS.has(input.topic)) return normalizeOrder(input.body)
      if (input.topic === 'refunds/create') return normalizeRefund(input.body)
      if (input.topic === 'inventory_levels/update') return normalizeInventoryLevel(input.body)
    } catch (err) {
      if (err instanceof InvalidPayloadError) return { kind: 'invalid', issues: [err.message] }
      throw err
    }
    return { kind: 'ignored', reason: `topic ${input.topic} is not consumed` }
  },
} satisfies ChannelNormalizer

function normalizeOrder(body: unknown): NormalizeResult {
  const parsed = ShopifyOrderPayload.safeParse(body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const checked = OrderSnapshot.safeParse(toSnapshot(parsed.data))
  if (!checked.success) return invalid(checked.error.issues, ['snapshot'])
  return { kind: 'observations', observations: [{ kind: 'order', snapshot: checked.data }] }
}

function normalizeRefund(body: unknown): NormalizeResult {
  const parsed = ShopifyRefundPayload.safeParse(body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const refund = parsed.data
  const checked = OrderReturned.shape.data.safeParse({
    externalOrderId: refund.order_id,
    returnId: refund.id,
    lines: refund.refund_line_items
      .filter((line) => line.quantity > 0)
      .map((line) => ({
        externalLineId: line.line_item_id,
        sku: text(line.line_item?.sku),
        quantity: line.quantity,
        restock: RESTOCKING.has(line.restock_type ?? ''),
      })),
    refunded: refundedMoney(refund.transactions),
    note: text(refund.note),
  })
  if (!checked.success) return invalid(checked.error.issues, ['data'])
  return {
    kind: 'observations',
    observations: [{ kind: 'order-return', occurredAt: refund.created_at, data: checked.data }],
  }
}

function toSnapshot(order: ShopifyOrderPayload): OrderSnapshot {
  const { currency } = order
  const amount = (value: string, path: Path): Money => ({
    amountMinor: minor(value, currency, path),
    currency,
  })
  return {
    externalId: order.id,
    number: text(order.name),
    status: orderStatus(order),
    paymentStatus: paymentStatus(order.financial_status),
    channelStatus: {
      financial_status: order.financial_status ?? null,
      fulfillment_status: order.fulfillment_status,
    },
    placedAt: order.created_at,
    updatedAt: order.updated_at,
    currency,
    totals: {
      subtotal: amount(order.subtotal_price, ['subtotal_price']),
      discount: amount(order.total_discounts, ['total_discounts']),
      shipping: { amountMinor: shippingMinor(order), currency },
      tax: amount(order.total_tax, ['total_tax']),
      total: amount(order.total_price, ['total_price']),
      taxesIncluded: order.taxes_included ?? false,
    },
    lines: order.line_items.map((item, index) => toLine(order, item, index)),
    customerEmail: text(order.email) ?? text(order.contact_email),
    shippingAddress: toAddress(order.shipping_address),
    cancelReason: text(order.cancel_reason),
  }
}

function orderStatus(order: ShopifyOrderPayload): OrderStatus {
  if (order.cancelled_at !== null) return 'cancelled'
  if (order.fulfillment_status === 'fulfilled') return 'fulfilled'
  if (order.fulfillment_status === 'partial') return 'partially_fulfilled'
  if (PAID_ENOUGH_TO_SHIP.has(order.financial_status ?? '')) return 'awaiting_fulfillment'
  return 'pending'
}

function paymentStatus(financialStatus: string | null | undefined): PaymentStatus {
  const known = PaymentStatus.safeParse(financialStatus)
  return known.success ? known.data : 'unknown'
}

function toLine(order: ShopifyOrderPayload, item: ShopifyLineItem, index: number): OrderLine {
  const { currency } = order
  const path = ['line_items', index]
  const unit = minor(item.price, currency, [...path, 'price'])
  const discount = lineDiscountMinor(item, currency, path)
  const gross = located(path, () => safeMinor(unit * item.quantity, 'price × quantity'))
  if (discount < 0) throw new InvalidPayloadError('discount is negative', path)
  if (discount > gross) throw new InvalidPayloadError('discount exceeds price × quantity', path)
  return {
    externalLineId: item.id,
    sku: text(item.sku),
    title: item.title,
    quantity: item.quantity,
    quantityFulfilled: fulfilledQuantity(order, item),
    unitPrice: { amountMinor: unit, currency },
    discount: { amountMinor: discount, currency },
    total: { amountMinor: gross - discount, currency },
  }
}

function lineDiscountMinor(item: ShopifyLineItem, currency: string, path: Path): number {
  const allocations = item.discount_allocations ?? []
  if (allocations.length === 0) {
    if (item.total_discount === undefined) return 0
    return minor(item.total_discount, currency, [...path, 'total_discount'])
  }
  return allocations.reduce((sum, allocation, i) => {
    const at = [...path, 'discount_allocations', i, 'amount']
    return located(at, () => safeMinor(sum + minor(allocation.amount, currency), 'sum'))
  }, 0)
}

function fulfilledQuantity(order: ShopifyOrderPayload, item: ShopifyLineItem): number {
  if (item.fulfillment_status === 'fulfilled') return item.quantity
  let shipped = 0
  for (const fulfillment of order.fulfillments ?? []) {
    if (fulfillment.status !== 'success') continue
    for (const line of fulfillment.line_items) if (line.id === item.id) shipped += line.quantity
  }
  return Math.min(shipped, item.quantity)
}

function shippingMinor(order: ShopifyOrderPayload): number {
  const set = order.total_shipping_price_set
  if (set) {
    const at = ['total_shipping_price_set', 'shop_money', 'amount']
    return minor(set.shop_money.amount, order.currency, at)
  }
  return (order.shipping_lines ?? []).reduce((sum, line, i) => {
    const at = ['shipping_lines', i, 'price']
    return located(at, () => safeMinor(sum + minor(line.price, order.currency), 'sum'))
  }, 0)
}

function toAddress(address: ShopifyOrderPayload['shipping_address']): PostalAddress | null {
  if (!address) return null
  const fullName = `${address.first_name ?? ''} ${address.last_name ?? ''}`.trim()
  return {
    name: text(address.name) ?? text(fullName),
    company: text(address.company),
    line1: text(address.address1),
    line2: text(address.address2),
    city: text(address.city),
    region: text(address.province_code) ?? text(address.province),
    postalCode: text(address.zip),
    countryCode: text(address.country_code),
    phone: text(address.phone),
  }
}

function refundedMoney(transactions: ShopifyRefundPayload['transactions']): Money | null {
  let refunded: Money | null = null
  for (const [i, tx] of transactions.entries()) {
    if (tx.kind !== 'refund' || tx.status !== 'success') continue
    if (refunded && refunded.currency !== tx.currency) {
      const issue = `refund transactions mix ${refunded.currency} and ${tx.currency}`
      throw new InvalidPayloadError(issue, ['transactions', i, 'currency'])
    }
    const at = ['transactions', i, 'amount']
    const sum = located(at, () =>
      safeMinor((refunded?.amountMinor ?? 0) + toMinorUnits(tx.amount, tx.currency), 'sum'),
    )
    refunded = { amountMinor: sum, currency: tx.currency }
  }
  return refunded
}

/** A decimal string in minor units; a bad amount is reported at `path`. */
function minor(value: string, currency: string, path: Path = []): number {
  return located(path, () => toMinorUnits(value, currency))
}
