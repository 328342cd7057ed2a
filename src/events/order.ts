import { z } from 'zod'
import { defineEvent } from './envelope.js'
import { Money, NonNegativeMoney } from './money.js'

const IsoTime = z.iso.datetime({ offset: true })

/**
 * Where an order is in its life, the same for every channel. Each connector documents how its
 * channel's own statuses map onto these.
 * - `pending`: placed but not yet ready to ship (unpaid, on hold, awaiting payment review)
 * - `awaiting_fulfillment`: ready to ship, nothing shipped yet
 * - `partially_fulfilled`: some units shipped
 * - `fulfilled`: every unit shipped (or otherwise fulfilled)
 * - `delivered`: the channel reports delivery
 * - `cancelled`: cancelled before completion
 */
export const OrderStatus = z.enum([
  'pending',
  'awaiting_fulfillment',
  'partially_fulfilled',
  'fulfilled',
  'delivered',
  'cancelled',
])
export type OrderStatus = z.infer<typeof OrderStatus>

/** Money state of the order as the channel reports it; `unknown` when the channel does not say. */
export const PaymentStatus = z.enum([
  'pending',
  'authorized',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
  'voided',
  'expired',
  'unknown',
])
export type PaymentStatus = z.infer<typeof PaymentStatus>

/** One order line. Quantities are units; money is in the order's currency. */
export const OrderLine = z
  .object({
    /** The channel's id for the line, as a string (never a JavaScript number). */
    externalLineId: z.string().min(1),
    /** The seller SKU the channel reports for the line; null when the channel has none. */
    sku: z.string().min(1).nullable(),
    /** Product title at the time of the order. */
    title: z.string(),
    /** Units ordered. */
    quantity: z.number().int().nonnegative(),
    /** Units shipped so far, as far as the channel reports it. */
    quantityFulfilled: z.number().int().nonnegative(),
    /** Price of one unit before discounts. */
    unitPrice: NonNegativeMoney,
    /** Discount on the whole line (non-negative). */
    discount: NonNegativeMoney,
    /** `unitPrice × quantity − discount`. */
    total: NonNegativeMoney,
    /**
     * Where the channel says the line ships from, as the channel names it (TikTok: the order's
     * `warehouse_id`); absent when it names none. Its reservation lands on the hub location of
     * that name or channel id (docs/inventory.md, "Locations").
     */
    location: z.string().min(1).optional(),
  })
  .strict()
export type OrderLine = z.infer<typeof OrderLine>

/**
 * Order-level amounts, all in the order's currency. `total` is what the channel says the buyer pays;
 * it is not recomputed, since channels add items (duties, tips, shipping discounts) not listed here.
 */
export const OrderTotals = z
  .object({
    /** Goods after discounts, before shipping (and before tax unless `taxesIncluded`). */
    subtotal: NonNegativeMoney,
    /** Discounts over the whole order, including line discounts. */
    discount: NonNegativeMoney,
    /** Shipping charged to the buyer. */
    shipping: NonNegativeMoney,
    /** Tax charged to the buyer. */
    tax: NonNegativeMoney,
    /** What the buyer pays. */
    total: NonNegativeMoney,
    /** True when `tax` is already inside the prices (and so inside `subtotal`), as in many VAT countries. */
    taxesIncluded: z.boolean(),
  })
  .strict()
export type OrderTotals = z.infer<typeof OrderTotals>

/** Where to ship. Fields the channel leaves out are null. Personal data: subscribers must protect it. */
export const PostalAddress = z
  .object({
    name: z.string().nullable(),
    company: z.string().nullable(),
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    city: z.string().nullable(),
    /** State or province code where the channel gives one (e.g. `NY`), else its name. */
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    /** ISO 3166-1 alpha-2. */
    countryCode: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .strict()
export type PostalAddress = z.infer<typeof PostalAddress>

/** The full state of an order as last seen at the channel. */
export const OrderSnapshot = z
  .object({
    /** The channel's order id, as a string. */
    externalId: z.string().min(1),
    /** The order number shown to people (e.g. Shopify `#1042`); null when the channel has none. */
    number: z.string().nullable(),
    status: OrderStatus,
    paymentStatus: PaymentStatus,
    /** The channel's own status fields, verbatim, for reference. */
    channelStatus: z.record(z.string(), z.string().nullable()),
    /** When the buyer placed the order (ISO 8601 with offset). */
    placedAt: IsoTime,
    /** The channel's last-modified time of this snapshot; orders snapshots (older never overwrites newer). */
    updatedAt: IsoTime,
    /** ISO 4217 code of every amount in the order. */
    currency: z.string().regex(/^[A-Z]{3}$/),
    totals: OrderTotals,
    lines: z.array(OrderLine),
    /** Buyer e-mail where the channel shares it. Personal data. */
    customerEmail: z.string().nullable(),
    shippingAddress: PostalAddress.nullable(),
    /** The channel's cancellation reason, when cancelled. */
    cancelReason: z.string().nullable(),
  })
  .strict()
export type OrderSnapshot = z.infer<typeof OrderSnapshot>

/** Names of the snapshot fields that `changedFields` can list. */
export const OrderField = z.enum([
  'number',
  'status',
  'paymentStatus',
  'channelStatus',
  'placedAt',
  'currency',
  'totals',
  'lines',
  'customerEmail',
  'shippingAddress',
  'cancelReason',
])
export type OrderField = z.infer<typeof OrderField>

const OrderChange = z
  .object({
    order: OrderSnapshot,
    /** Status before this change; null when the hub had not seen the order before. */
    previousStatus: OrderStatus.nullable(),
    /** Snapshot fields that differ from the previous snapshot (`updatedAt` is never listed). */
    changedFields: z.array(OrderField),
  })
  .strict()

/** First time the hub sees an order. */
export const OrderCreated = defineEvent(
  'order.created.v1',
  z.object({ order: OrderSnapshot }).strict(),
)
export type OrderCreated = z.infer<typeof OrderCreated>

/** An order changed in a way that is neither a cancellation nor completion of fulfilment. */
export const OrderUpdated = defineEvent('order.updated.v1', OrderChange)
export type OrderUpdated = z.infer<typeof OrderUpdated>

/** An order became `cancelled`. */
export const OrderCancelled = defineEvent('order.cancelled.v1', OrderChange)
export type OrderCancelled = z.infer<typeof OrderCancelled>

/** An order became `fulfilled` (every unit shipped). */
export const OrderFulfilled = defineEvent('order.fulfilled.v1', OrderChange)
export type OrderFulfilled = z.infer<typeof OrderFulfilled>

/** Units of one line coming back, or refunded without coming back. */
export const ReturnLine = z
  .object({
    externalLineId: z.string().min(1),
    sku: z.string().min(1).nullable(),
    quantity: z.number().int().positive(),
    /** True when the units go back into sellable stock. */
    restock: z.boolean(),
  })
  .strict()
export type ReturnLine = z.infer<typeof ReturnLine>

/** A refund or return was recorded against an order. */
export const OrderReturned = defineEvent(
  'order.returned.v1',
  z
    .object({
      /** The channel's order id. */
      externalOrderId: z.string().min(1),
      /** The channel's id for the refund or return. */
      returnId: z.string().min(1),
      /** Lines refunded; empty for a refund of money only (e.g. shipping). */
      lines: z.array(ReturnLine),
      /** Money refunded to the buyer in this refund; null when the channel does not say. */
      refunded: Money.nullable(),
      /** Free-text note the seller or channel attached. */
      note: z.string().nullable(),
    })
    .strict(),
)
export type OrderReturned = z.infer<typeof OrderReturned>

/**
 * The hub learned of an order by reading the channel's order list (order sync), not from a
 * webhook: the channel's webhooks for it were lost or are late. Emitted once per order, beside its
 * `order.created.v1`; `via` says whether the scheduled sync or an operator's backfill found it.
 */
export const OrderFoundByPolling = defineEvent(
  'order.found_by_polling.v1',
  z
    .object({
      /** The channel's order id. */
      externalOrderId: z.string().min(1),
      via: z.enum(['sync', 'backfill']),
      /** When the buyer placed it (ISO 8601). */
      placedAt: IsoTime,
      /** The channel's last-update time of the order as the hub read it (ISO 8601). */
      channelUpdatedAt: IsoTime,
      status: OrderStatus,
    })
    .strict(),
)
export type OrderFoundByPolling = z.infer<typeof OrderFoundByPolling>
