import { z } from 'zod'
import { defineEvent } from './envelope.js'
import { Money, NonNegativeMoney } from './money.js'

const IsoTime = z.iso.datetime({ offset: true })

export const OrderStatus = z
  .enum([
    'pending',
    'awaiting_fulfillment',
    'partially_fulfilled',
    'fulfilled',
    'delivered',
    'cancelled',
  ])
  .describe(
    "Where an order is in its life, the same for every channel. Each connector documents how its channel's own statuses map onto these.\n- `pending`: placed but not yet ready to ship (unpaid, on hold, awaiting payment review)\n- `awaiting_fulfillment`: ready to ship, nothing shipped yet\n- `partially_fulfilled`: some units shipped\n- `fulfilled`: every unit shipped (or otherwise fulfilled)\n- `delivered`: the channel reports delivery\n- `cancelled`: cancelled before completion",
  )
export type OrderStatus = z.infer<typeof OrderStatus>

export const PaymentStatus = z
  .enum([
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
  .describe(
    'Money state of the order as the channel reports it; `unknown` when the channel does not say.',
  )
export type PaymentStatus = z.infer<typeof PaymentStatus>

export const OrderLine = z
  .object({
    externalLineId: z
      .string()
      .min(1)
      .describe("The channel's id for the line, as a string (never a JavaScript number)."),
    sku: z
      .string()
      .min(1)
      .nullable()
      .describe('The seller SKU the channel reports for the line; null when the channel has none.'),
    title: z.string().describe('Product title at the time of the order.'),
    quantity: z.number().int().nonnegative().describe('Units ordered.'),
    quantityFulfilled: z
      .number()
      .int()
      .nonnegative()
      .describe('Units shipped so far, as far as the channel reports it.'),
    unitPrice: NonNegativeMoney.describe('Price of one unit before discounts.'),
    discount: NonNegativeMoney.describe('Discount on the whole line (non-negative).'),
    total: NonNegativeMoney.describe('`unitPrice × quantity − discount`.'),
    location: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Where the channel says the line ships from, as the channel names it (TikTok: the order\'s `warehouse_id`); absent when it names none. Its reservation lands on the hub location of that name or channel id (docs/inventory.md, "Locations").',
      ),
  })
  .strict()
  .describe("One order line. Quantities are units; money is in the order's currency.")
export type OrderLine = z.infer<typeof OrderLine>

export const OrderTotals = z
  .object({
    subtotal: NonNegativeMoney.describe(
      'Goods after discounts, before shipping (and before tax unless `taxesIncluded`).',
    ),
    discount: NonNegativeMoney.describe(
      'Discounts over the whole order, including line discounts.',
    ),
    shipping: NonNegativeMoney.describe('Shipping charged to the buyer.'),
    tax: NonNegativeMoney.describe('Tax charged to the buyer.'),
    total: NonNegativeMoney.describe('What the buyer pays.'),
    taxesIncluded: z
      .boolean()
      .describe(
        'True when `tax` is already inside the prices (and so inside `subtotal`), as in many VAT countries.',
      ),
  })
  .strict()
  .describe(
    "Order-level amounts, all in the order's currency. `total` is what the channel says the buyer pays; it is not recomputed, since channels add items (duties, tips, shipping discounts) not listed here.",
  )
export type OrderTotals = z.infer<typeof OrderTotals>

export const PostalAddress = z
  .object({
    name: z.string().nullable(),
    company: z.string().nullable(),
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    city: z.string().nullable(),
    region: z
      .string()
      .nullable()
      .describe('State or province code where the channel gives one (e.g. `NY`), else its name.'),
    postalCode: z.string().nullable(),
    countryCode: z.string().nullable().describe('ISO 3166-1 alpha-2.'),
    phone: z.string().nullable(),
  })
  .strict()
  .describe(
    'Where to ship. Fields the channel leaves out are null. Personal data: subscribers must protect it.',
  )
export type PostalAddress = z.infer<typeof PostalAddress>

export const OrderSnapshot = z
  .object({
    externalId: z.string().min(1).describe("The channel's order id, as a string."),
    number: z
      .string()
      .nullable()
      .describe(
        'The order number shown to people (e.g. Shopify `#1042`); null when the channel has none.',
      ),
    status: OrderStatus,
    paymentStatus: PaymentStatus,
    channelStatus: z
      .record(z.string(), z.string().nullable())
      .describe("The channel's own status fields, verbatim, for reference."),
    placedAt: IsoTime.describe('When the buyer placed the order (ISO 8601 with offset).'),
    updatedAt: IsoTime.describe(
      "The channel's last-modified time of this snapshot; orders snapshots (older never overwrites newer).",
    ),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .meta({ description: 'ISO 4217 code of every amount in the order.', examples: ['USD'] }),
    totals: OrderTotals,
    lines: z.array(OrderLine),
    customerEmail: z
      .string()
      .nullable()
      .describe('Buyer e-mail where the channel shares it. Personal data.'),
    shippingAddress: PostalAddress.nullable(),
    cancelReason: z
      .string()
      .nullable()
      .describe("The channel's cancellation reason, when cancelled."),
  })
  .strict()
  .describe('The full state of an order as last seen at the channel.')
export type OrderSnapshot = z.infer<typeof OrderSnapshot>

export const OrderField = z
  .enum([
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
  .describe('Names of the snapshot fields that `changedFields` can list.')
export type OrderField = z.infer<typeof OrderField>

const OrderChange = z
  .object({
    order: OrderSnapshot,
    previousStatus: OrderStatus.nullable().describe(
      'Status before this change; null when the hub had not seen the order before.',
    ),
    changedFields: z
      .array(OrderField)
      .describe(
        'Snapshot fields that differ from the previous snapshot (`updatedAt` is never listed).',
      ),
  })
  .strict()

export const OrderCreated = defineEvent(
  'order.created.v1',
  z.object({ order: OrderSnapshot }).strict(),
).describe('First time the hub sees an order.')
export type OrderCreated = z.infer<typeof OrderCreated>

export const OrderUpdated = defineEvent('order.updated.v1', OrderChange).describe(
  'An order changed in a way that is neither a cancellation nor completion of fulfilment.',
)
export type OrderUpdated = z.infer<typeof OrderUpdated>

export const OrderCancelled = defineEvent('order.cancelled.v1', OrderChange).describe(
  'An order became `cancelled`.',
)
export type OrderCancelled = z.infer<typeof OrderCancelled>

export const OrderFulfilled = defineEvent('order.fulfilled.v1', OrderChange).describe(
  'An order became `fulfilled` (every unit shipped).',
)
export type OrderFulfilled = z.infer<typeof OrderFulfilled>

export const ReturnLine = z
  .object({
    externalLineId: z.string().min(1),
    sku: z.string().min(1).nullable(),
    quantity: z.number().int().positive(),
    restock: z.boolean().describe('True when the units go back into sellable stock.'),
  })
  .strict()
  .describe('Units of one line coming back, or refunded without coming back.')
export type ReturnLine = z.infer<typeof ReturnLine>

export const OrderReturned = defineEvent(
  'order.returned.v1',
  z
    .object({
      externalOrderId: z.string().min(1).describe("The channel's order id."),
      returnId: z.string().min(1).describe("The channel's id for the refund or return."),
      lines: z
        .array(ReturnLine)
        .describe('Lines refunded; empty for a refund of money only (e.g. shipping).'),
      refunded: Money.nullable().describe(
        'Money refunded to the buyer in this refund; null when the channel does not say.',
      ),
      note: z.string().nullable().describe('Free-text note the seller or channel attached.'),
    })
    .strict(),
).describe('A refund or return was recorded against an order.')
export type OrderReturned = z.infer<typeof OrderReturned>

export const OrderFoundByPolling = defineEvent(
  'order.found_by_polling.v1',
  z
    .object({
      externalOrderId: z.string().min(1).describe("The channel's order id."),
      via: z.enum(['sync', 'backfill']),
      placedAt: IsoTime.describe('When the buyer placed it (ISO 8601).'),
      channelUpdatedAt: IsoTime.describe(
        "The channel's last-update time of the order as the hub read it (ISO 8601).",
      ),
      status: OrderStatus,
    })
    .strict(),
).describe(
  "The hub learned of an order by reading the channel's order list (order sync), not from a webhook: the channel's webhooks for it were lost or are late. Emitted once per order, beside its `order.created.v1`; `via` says whether the scheduled sync or an operator's backfill found it.",
)
export type OrderFoundByPolling = z.infer<typeof OrderFoundByPolling>
