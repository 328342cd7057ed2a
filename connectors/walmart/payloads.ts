/**
 * The raw Walmart Marketplace shapes the normalizer reads: the webhook envelope, the `payload` of
 * each event type the hub consumes, and the purchase order it fetches to hydrate the thin order
 * events. Objects are loose (unknown fields pass) because Walmart adds fields and says a receiver
 * that validates strictly breaks (channels.md §3, pitfalls). Only the fields the normalizer reads
 * are declared; the other documented ones are listed in comments, so a type Walmart changes on a
 * field the hub ignores never makes a webhook invalid.
 *
 * Value conventions
 * - Ids (purchaseOrderId, customerOrderId, lineNumber, itemId) are documented as strings. A bare
 *   JSON number is accepted when it is a safe integer and turned into its digits; beyond 2^53
 *   `parseJsonBody` has already kept it as a digit string, and a number that lost digits is refused.
 * - Quantities are numeric strings ("2", orderLineQuantity.amount); a bare integer is accepted too.
 * - Money in the Orders API is a JSON number (`chargeAmount.amount`: 9.99; MoneyTypeV2 is
 *   `{ currency, amount: number }`). It leaves here as a decimal string: the number's shortest
 *   round-trip decimal form (`String(29.99)` is "29.99", the digits Walmart wrote), so the
 *   normalizer counts minor units with string arithmetic and no float ever touches an amount. A
 *   number whose shortest form is exponential (≥ 1e21 or < 1e-6) is refused: no currency has that
 *   many digits. An amount sent as a decimal string is accepted as it is.
 * - Times: webhook `eventTime` and the event payloads' dates are ISO 8601 strings (UTC); the
 *   Orders API sends epoch milliseconds (`orderDate`, `statusDate`). Both leave here as ISO 8601
 *   UTC strings; an ISO time without an offset is read as UTC, as Walmart documents its times.
 *
 * Docs:
 *   https://developer.walmart.com/us-marketplace/docs/order-management-event (ORDER_UPDATES)
 *   https://developer.walmart.com/us-marketplace/docs/purchase-order-po-created-event
 *   https://developer.walmart.com/us-marketplace/docs/purchase-order-po-line-auto-canceled-event
 *   https://developer.walmart.com/us-marketplace/docs/order-intent-to-cancel-event
 *   https://developer.walmart.com/us-marketplace/docs/inventory-oos-event-copy
 *   https://developer.walmart.com/us-marketplace/docs/offer-published-event-copy
 *   https://developer.walmart.com/us-marketplace/docs/offer-unpublished-event
 *   https://developer.walmart.com/us-marketplace/docs/get-an-order (`GET /v3/orders/{purchaseOrderId}`;
 *   field types as in repo:api-evangelist/walmart json-schema/walmart-order-schema.json and the
 *   generated models of repo:highsidelabs/walmart-api-php docs/Models/MP/US/Orders/)
 */
import { z } from 'zod'
import { DigitId } from '../shared/digit-id.js'

/**
 * The inbox topic ingress files a signed body under when it cannot read its `source.eventType`;
 * the normalizer answers it with `invalid`, naming what is wrong.
 */
export { UNREADABLE_TOPIC } from '../shared/body.js'

/** A Walmart id as a digit string. A number beyond 2^53 has already lost digits, so it is refused. */
export const WalmartId = DigitId

/** A ship node id: documented as a string; a safe integer is accepted and stringified. */
const NodeId = z.preprocess(
  (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value),
  z.string().min(1),
)

/** A count of units: a numeric string ("2") or a non-negative integer. */
const Units = z.preprocess(
  (value) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value),
  z.number().int('expected a whole number of units').nonnegative(),
)

const DECIMAL = /^-?\d+(\.\d+)?$/

/**
 * Money: a JSON number (or a decimal string) → its decimal string. See the module comment: the
 * shortest round-trip form is exactly the digits the sender wrote, as long as it wrote at most 17
 * significant digits, which every amount with a currency's precision does.
 */
export const WalmartAmount = z.preprocess(
  (value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value),
  z.string().regex(DECIMAL, 'expected a decimal amount such as 9.99'),
)

const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code')

const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i

/** An instant, as epoch milliseconds (number or digits) or ISO 8601 → ISO 8601 UTC. */
export const WalmartTime = z.union([
  z.preprocess(
    (value) => (typeof value === 'string' && /^\d{10,15}$/.test(value) ? Number(value) : value),
    z
      .number()
      .int()
      .nonnegative()
      .max(8.64e15)
      .transform((ms) => new Date(ms).toISOString()),
  ),
  z.iso
    .datetime({ offset: true, local: true })
    .transform((text) => new Date(HAS_OFFSET.test(text) ? text : `${text}Z`).toISOString()),
])

const OptionalText = z.string().nullish()

/** `source`: the same block on every event. */
const Source = z.looseObject({
  /** PO_CREATED, ORDER_UPDATES, INVENTORY_OOS, OFFER_UNPUBLISHED, … */
  eventType: z.string().min(1),
  /** When the event occurred (ISO 8601 UTC). */
  eventTime: WalmartTime,
  /** Unique per event delivery, "use as an idempotency key": the inbox dedupe key. */
  eventId: z.string().min(1),
  /** ORDER_UPDATES only: "reserved for future use; may be null". */
  eventFilters: z.unknown().optional(),
})

/** Fields every webhook carries, whatever its `source.eventType`. */
export const WalmartEnvelope = z.looseObject({ source: Source, payload: z.unknown() })
export type WalmartEnvelope = z.infer<typeof WalmartEnvelope>

function webhook<const T extends string, P extends z.ZodType>(eventType: T, payload: P) {
  return WalmartEnvelope.extend({
    source: Source.extend({ eventType: z.literal(eventType) }),
    payload,
  })
}

/**
 * The standalone order events (PO_CREATED, PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL; deprecated for
 * ORDER_UPDATES from 2026-12-15) share one payload. It carries no money, so the order is fetched.
 * Also documented: customerOrderId, orderDate, estimatedShipDate, estimatedDeliveryDate and
 * orderLines[] (lineNumber, sku, productName, quantity {unitOfMeasure, measurementValue},
 * status, statusDate, shippingProgramType, shippingMethod, shipNodeType, cancellationReason).
 */
const PurchaseOrderEventPayload = z.looseObject({
  /** The seller's partner id; the connector checks it, the normalizer does not read it. */
  partnerId: WalmartId.optional(),
  purchaseOrderId: WalmartId,
})

export const PurchaseOrderCreatedWebhook = webhook('PO_CREATED', PurchaseOrderEventPayload)
export type PurchaseOrderCreatedWebhook = z.infer<typeof PurchaseOrderCreatedWebhook>

export const PurchaseOrderLineAutocancelledWebhook = webhook(
  'PO_LINE_AUTOCANCELLED',
  PurchaseOrderEventPayload,
)
export type PurchaseOrderLineAutocancelledWebhook = z.infer<
  typeof PurchaseOrderLineAutocancelledWebhook
>

export const IntentToCancelWebhook = webhook('INTENT_TO_CANCEL', PurchaseOrderEventPayload)
export type IntentToCancelWebhook = z.infer<typeof IntentToCancelWebhook>

/**
 * ORDER_UPDATES. The page's prose puts the sub-event at `payload.subEventType` and the order at
 * `payload.order`; its parameter table nests `subEventType` in a `payload.meta` block. Both
 * places are read (the normalizer refuses them disagreeing), and the purchase order id is read
 * from `payload.order.purchaseOrderId`, else `payload.purchaseOrderId`. Required only for the
 * sub-events the hub consumes, so all of these are optional here.
 */
export const OrderUpdatesWebhook = webhook(
  'ORDER_UPDATES',
  z.looseObject({
    partnerId: WalmartId.optional(),
    /** PO_CREATED, PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL, FRAUD_CANCEL; more may be added. */
    subEventType: z.string().min(1).optional(),
    meta: z.looseObject({ subEventType: z.string().min(1).nullish() }).nullish(),
    order: z.looseObject({ purchaseOrderId: WalmartId.optional() }).nullish(),
    purchaseOrderId: WalmartId.optional(),
  }),
)
export type OrderUpdatesWebhook = z.infer<typeof OrderUpdatesWebhook>

/**
 * INVENTORY_OOS: fires when an item goes out of stock. Also documented: productName, category.
 */
export const InventoryOosWebhook = webhook(
  'INVENTORY_OOS',
  z.looseObject({
    partnerId: WalmartId.optional(),
    itemId: WalmartId.optional(),
    sku: z.string().min(1),
    shipNodes: z
      .array(
        z.looseObject({
          shipNode: NodeId,
          shipNodeName: OptionalText,
          /** Units available to sell at the node (0 for this event). */
          availToSellQty: Units.nullish(),
        }),
      )
      .nullish(),
  }),
)
export type InventoryOosWebhook = z.infer<typeof InventoryOosWebhook>

/**
 * OFFER_PUBLISHED / OFFER_UNPUBLISHED. Also documented: itemName, category, totalNumberOfOffers,
 * sellerOfferPrice, sellerShippingPrice (numbers) and, for an unpublished offer whose reason is
 * REASONABLE_PRICE_NOT_SATISFIED only, referencePrice, referencePriceURL, referencePriceType.
 */
const OfferPayload = z.looseObject({
  partnerId: WalmartId.optional(),
  sku: z.string().min(1),
  /** Sent with OFFER_PUBLISHED; with OFFER_UNPUBLISHED only for REASONABLE_PRICE_NOT_SATISFIED. */
  itemId: WalmartId.optional(),
  /** PUBLISHED, UNPUBLISHED, READY_TO_PUBLISH, IN_PROGRESS, STAGE, SYSTEM_PROBLEM. */
  publishStatus: OptionalText,
  /** ACTIVE, RETIRED, ARCHIVED. */
  lifecycleStatus: OptionalText,
  /** OFFER_UNPUBLISHED: every reason, reason code → description (`Map<String,String>`). */
  statusChangeReasons: z.union([z.record(z.string(), z.string().nullable()), z.string()]).nullish(),
})

export const OfferPublishedWebhook = webhook('OFFER_PUBLISHED', OfferPayload)
export type OfferPublishedWebhook = z.infer<typeof OfferPublishedWebhook>

export const OfferUnpublishedWebhook = webhook('OFFER_UNPUBLISHED', OfferPayload)
export type OfferUnpublishedWebhook = z.infer<typeof OfferUnpublishedWebhook>

/** MoneyTypeV2: `{ currency: "USD", amount: 9.99 }`. */
const WalmartMoney = z.looseObject({ currency: CurrencyCode, amount: WalmartAmount })

/**
 * One charge of an order line. chargeType PRODUCT (chargeName ItemPrice; SubscriptionDiscount for
 * a subscription discount) or SHIPPING (chargeName Shipping). The Get an order sample also shows
 * `isDiscount` and `discountType` on every charge (null there).
 */
const WalmartCharge = z.looseObject({
  chargeType: z.string().min(1),
  chargeName: OptionalText,
  chargeAmount: WalmartMoney,
  /** `{ taxName: "Tax1", taxAmount: MoneyTypeV2 }`; null or absent when untaxed. */
  tax: z.looseObject({ taxName: OptionalText, taxAmount: WalmartMoney }).nullish(),
  isDiscount: z.boolean().nullish(),
  discountType: OptionalText,
})
export type WalmartCharge = z.infer<typeof WalmartCharge>

const WalmartStatusQuantity = z.looseObject({
  /** EACH (or EA). */
  unitOfMeasurement: OptionalText,
  amount: Units,
})

/**
 * One line of a purchase order. Also documented: refund, returnOrderId, fulfillment
 * {fulfillmentOption, shipMethod, pickUpDateTime}, originalCarrierMethod, referenceLineId,
 * intentToCancel, configId, sellerOrderId.
 */
const WalmartOrderLine = z.looseObject({
  lineNumber: WalmartId,
  item: z.looseObject({ productName: OptionalText, sku: OptionalText }),
  charges: z.looseObject({ charge: z.array(WalmartCharge).nullish() }).nullish(),
  orderLineQuantity: z.looseObject({
    unitOfMeasurement: OptionalText,
    amount: Units.refine((units) => units > 0, 'a line orders at least one unit'),
  }),
  /** When the line's latest status was set. */
  statusDate: WalmartTime.nullish(),
  orderLineStatuses: z.looseObject({
    orderLineStatus: z
      .array(
        z.looseObject({
          /** Created, Acknowledged, Shipped, Delivered, Cancelled (and Refund in the API's enum). */
          status: z.string().min(1),
          /** Units in this status; absent only where one status covers the whole line. */
          statusQuantity: WalmartStatusQuantity.nullish(),
          cancellationReason: OptionalText,
          trackingInfo: z.unknown().optional(),
        }),
      )
      .min(1, 'a line has at least one status'),
  }),
})
export type WalmartOrderLine = z.infer<typeof WalmartOrderLine>

const WalmartPostalAddress = z.looseObject({
  name: OptionalText,
  address1: OptionalText,
  address2: OptionalText,
  city: OptionalText,
  /** Two-letter state code, e.g. "AZ". */
  state: OptionalText,
  postalCode: OptionalText,
  /** Alpha-3 in Walmart's samples ("USA"). */
  country: OptionalText,
  /** RESIDENTIAL or OFFICE. */
  addressType: OptionalText,
})
export type WalmartPostalAddress = z.infer<typeof WalmartPostalAddress>

/**
 * One purchase order: the `order` object of `GET /v3/orders/{purchaseOrderId}`, its full current
 * state. A purchase order has no status of its own; its lines do. Also documented: orderType,
 * originalCustomerOrderID, buyerId, mart, isGuest, paymentTypes, orderSummary {totalAmount
 * (MoneyType: currencyAmount, currencyUnit), orderSubTotals[]}, pickupPersons, shipNode.
 */
export const WalmartOrder = z.looseObject({
  purchaseOrderId: WalmartId,
  /** The customer's sales order, which may span several purchase orders (and sellers). */
  customerOrderId: WalmartId.nullish(),
  /** A relay address (…@relay.walmart.com), or nocxemail@walmartone.com when unknown yet. */
  customerEmailId: OptionalText,
  orderDate: WalmartTime,
  shippingInfo: z
    .looseObject({
      phone: OptionalText,
      /** Standard, Express, OneDay, WhiteGlove, Value, Freight. */
      methodCode: OptionalText,
      postalAddress: WalmartPostalAddress.nullish(),
    })
    .nullish(),
  orderLines: z.looseObject({
    orderLine: z.array(WalmartOrderLine).min(1, 'a purchase order has at least one line'),
  }),
})
export type WalmartOrder = z.infer<typeof WalmartOrder>

/**
 * When a purchase order last changed, as far as its record says: the latest `statusDate` of its
 * lines, else its `orderDate` (ISO 8601 UTC, as the schemas above give them). The order has no
 * last-modified field of its own, and a line's statusDate is set whenever its status changes
 * (Get an order); whether Walmart's `lastModified` filters count other changes too is
 * unconfirmed. Order listing (order-list.ts) and the normalizer of a listed order time it so.
 */
export function orderUpdatedAt(order: {
  readonly orderDate: string
  readonly orderLines: {
    readonly orderLine: readonly { readonly statusDate?: string | null | undefined }[]
  }
}): string {
  let latest: number | undefined
  for (const line of order.orderLines.orderLine) {
    if (line.statusDate) latest = Math.max(latest ?? -Infinity, Date.parse(line.statusDate))
  }
  return latest === undefined ? order.orderDate : new Date(latest).toISOString()
}
