/**
 * An `orders/*` payload (the whole order resource) → an OrderSnapshot.
 *
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
 * - customerEmail: email else contact_email; shippingAddress from shipping_address (address.ts).
 * - Empty (or blank) strings become null throughout.
 *
 * Amounts are integer minor units computed from the decimal strings, never through floats.
 *
 * Docs: https://shopify.dev/docs/api/admin-rest/2025-10/resources/order
 */
import type { ShopifyOrderPayload } from '../../connectors/shopify/index.js'
import {
  PaymentStatus,
  type Money,
  type OrderLine,
  type OrderSnapshot,
  type OrderStatus,
} from '../../src/events/index.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import { safeMinor, toMinorUnits } from '../shared/money.js'
import type { NormalizeResult } from '../types.js'
import { toAddress } from './address.js'
import { done, located, minorAt, text, type Path } from './shared.js'

const PAID_ENOUGH_TO_SHIP = new Set([
  'authorized',
  'paid',
  'partially_paid',
  'partially_refunded',
  'refunded',
])

type ShopifyLineItem = ShopifyOrderPayload['line_items'][number]

/** Any `orders/*` topic: the order's full current state. */
export function orderWebhook(order: ShopifyOrderPayload): NormalizeResult {
  return done([{ kind: 'order', snapshot: toSnapshot(order) }])
}

export function toSnapshot(order: ShopifyOrderPayload): OrderSnapshot {
  const { currency } = order
  const amount = (value: string, path: Path): Money => ({
    amountMinor: minorAt(value, currency, path),
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
  const unit = minorAt(item.price, currency, [...path, 'price'])
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
    return minorAt(item.total_discount, currency, [...path, 'total_discount'])
  }
  return allocations.reduce((sum, allocation, i) => {
    const at = [...path, 'discount_allocations', i, 'amount']
    return located(at, () => safeMinor(sum + toMinorUnits(allocation.amount, currency), 'sum'))
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
    return minorAt(set.shop_money.amount, order.currency, at)
  }
  return (order.shipping_lines ?? []).reduce((sum, line, i) => {
    const at = ['shipping_lines', i, 'price']
    return located(at, () => safeMinor(sum + toMinorUnits(line.price, order.currency), 'sum'))
  }, 0)
}
