/**
 * The raw Amazon SP-API shapes the normalizer reads: the notification of each type the hub
 * consumes (once envelope.ts has taken it out of its EventBridge event or SNS message), the SNS
 * subscription confirmation, the order record fetched to hydrate the thin ORDER_CHANGE, and an
 * order as the order list answers it (with its items fetched apart).
 * Objects are loose (unknown fields pass): Amazon adds fields to notifications and API answers.
 * Only the fields the normalizer reads are declared, plus a few it may read later; the others
 * are listed in comments.
 *
 * Value conventions
 * - Notification envelope keys are PascalCase for these types (`NotificationType`, `EventTime`,
 *   `Payload`, `NotificationMetadata`); some newer types use camelCase (channels.md §2 A5), so a
 *   camelCase envelope key is read where the PascalCase one is absent. Issue paths then still name
 *   the PascalCase key. The payloads of the types consumed here are PascalCase only.
 * - Times are ISO 8601 with an offset (`2020-01-11T00:09:53.109Z`); they leave here as ISO 8601
 *   UTC with milliseconds, so they compare as strings and as instants alike.
 * - Money (Orders API `Money`) is `{ CurrencyCode, Amount }` with Amount a decimal string
 *   ("19.99"). A JSON number is accepted too and becomes its shortest decimal form, so no float
 *   ever touches an amount; the normalizer counts minor units with string arithmetic.
 * - Ids are strings; a bare JSON integer within 2^53 is turned into its digits.
 *
 * Docs (repo:amzn/selling-partner-api-models):
 *   schemas/notifications/OrderChangeNotification.json
 *   schemas/notifications/ListingsItemMfnQuantityChange.json
 *   schemas/notifications/FBAInventoryAvailabilityChangeNotification.json
 *   schemas/notifications/ListingsItemStatusChangeNotification.json
 *   models/orders-api-model/ordersV0.json (Order, OrderItem, Money, Address, BuyerInfo)
 *   https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html
 */
import { z } from 'zod'

/**
 * The inbox topic ingress files an authenticated body under when it cannot read its notification
 * type; the normalizer answers it with `invalid`, saying what is wrong.
 */
export { UNREADABLE_TOPIC } from '../shared/body.js'

/** An id as a string; a safe integer is accepted and stringified. */
const AmazonId = z.preprocess(
  (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value),
  z.string().min(1),
)

/** An ISO 8601 instant with an offset → ISO 8601 UTC. */
export const AmazonTime = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text).toISOString())

const DECIMAL = /^-?\d+(\.\d+)?$/

/** A decimal amount: a string as Amazon documents it, or a JSON number → its decimal string. */
export const AmazonAmount = z.preprocess(
  (value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value),
  z.string().regex(DECIMAL, 'expected a decimal amount such as "19.99"'),
)

/** Orders API `Money`. Both fields are optional in the model; an amount is useless without either. */
export const AmazonMoney = z.looseObject({
  CurrencyCode: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'),
  Amount: AmazonAmount,
})
export type AmazonMoney = z.infer<typeof AmazonMoney>

const Count = z.number().int('expected a whole number of units').nonnegative()
const OptionalText = z.string().nullish()

/** Envelope keys a camelCase notification spells differently (channels.md §2 A5). */
const CAMEL_KEYS = [
  ['NotificationVersion', 'notificationVersion'],
  ['NotificationType', 'notificationType'],
  ['PayloadVersion', 'payloadVersion'],
  ['EventTime', 'eventTime'],
  ['Payload', 'payload'],
  ['NotificationMetadata', 'notificationMetadata'],
] as const

/** The notification with its envelope keys in PascalCase (a PascalCase key wins over camelCase). */
function pascalEnvelope(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const json = value as Readonly<Record<string, unknown>>
  const out: Record<string, unknown> = { ...json }
  for (const [pascal, camel] of CAMEL_KEYS) {
    if (out[pascal] === undefined && json[camel] !== undefined) out[pascal] = json[camel]
  }
  return out
}

/**
 * `NotificationMetadata`: ApplicationId, SubscriptionId, PublishTime, NotificationId (the inbox
 * dedupe key, read by ingress). Required by most schemas, not by FBA_INVENTORY_AVAILABILITY_CHANGES.
 */
const NotificationMetadata = z.looseObject({
  NotificationId: OptionalText,
  PublishTime: OptionalText,
})

function notification<const T extends readonly [string, ...string[]], P extends z.ZodType>(
  types: T,
  payload: P,
) {
  return z.preprocess(
    pascalEnvelope,
    z.looseObject({
      NotificationVersion: OptionalText,
      NotificationType: z.enum(types),
      PayloadVersion: OptionalText,
      /** When the change happened at Amazon ("Timestamp of the event"). */
      EventTime: AmazonTime,
      Payload: payload,
      NotificationMetadata: NotificationMetadata.optional(),
    }),
  )
}

/**
 * ORDER_CHANGE (payload version 1.0). Thin for the hub's purposes: no prices, no currency, no
 * address, so the order is fetched. Also documented in `Summary`: DestinationPostalCode,
 * FulfillmentType, OrderType, NumberOfItemsShipped/Unshipped, delivery and ship dates,
 * OrderPrograms, ShippingPrograms, EasyShipShipmentStatus, ElectronicInvoiceStatus, OrderItems[]
 * (OrderItemId, SellerSKU, SupplySourceId, OrderItemStatus, Quantity, QuantityShipped,
 * IsBuyerRequestedCancel, …).
 */
export const OrderChangeNotification = notification(
  ['ORDER_CHANGE'],
  z.looseObject({
    OrderChangeNotification: z.looseObject({
      /** OrderLevel or OrderItemLevel. */
      NotificationLevel: OptionalText,
      SellerId: OptionalText,
      /** In 3-7-7 format. */
      AmazonOrderId: z.string().min(1),
      /** BuyerRequestedChange or OrderStatusChange: about this notification, not the order. */
      OrderChangeType: OptionalText,
      OrderChangeTrigger: z
        .looseObject({
          /** "Will be null when there is no related timestamp." */
          TimeOfOrderChange: AmazonTime.nullish(),
          /** Free text. */
          ChangeReason: OptionalText,
        })
        .nullish(),
      Summary: z
        .looseObject({
          MarketplaceId: OptionalText,
          OrderStatus: OptionalText,
          PurchaseDate: OptionalText,
        })
        .nullish(),
    }),
  }),
)
export type OrderChangeNotification = z.infer<typeof OrderChangeNotification>

/**
 * LISTINGS_ITEM_MFN_QUANTITY_CHANGE: the seller-fulfilled quantity of one SKU changed. The payload
 * names no marketplace (channels.md §2 A5).
 */
export const ListingsItemMfnQuantityChangeNotification = notification(
  ['LISTINGS_ITEM_MFN_QUANTITY_CHANGE'],
  z.looseObject({
    SellerId: OptionalText,
    /** The MFN fulfillment program, network or channel the quantity is for, e.g. DEFAULT. */
    FulfillmentChannelCode: z.string().min(1),
    Sku: z.string().min(1),
    /** "The available quantity for MFN … with the fulfillment program, network, or channel." */
    Quantity: Count,
  }),
)
export type ListingsItemMfnQuantityChangeNotification = z.infer<
  typeof ListingsItemMfnQuantityChangeNotification
>

/** Units; the schema gives several a default of 0, so an absent one counts as 0. */
const Units = Count.nullish().transform((units) => units ?? 0)

/**
 * One marketplace's FBA inventory of the item. Units by disposition: Fulfillable ("can be used to
 * fulfill orders in the given marketplace"), Unfulfillable, Researching ("being investigated upon
 * adjustments"), ReservedQuantityBreakdown (WarehouseProcessing, WarehouseTransfer,
 * PendingCustomerOrder), InboundQuantityBreakdown (Working, Shipped, Receiving: not yet received),
 * FutureSupplyBuyable and PendingCustomerOrderInTransit (In-Stock Head Start, not yet at Amazon).
 */
const FulfillmentInventory = z.looseObject({
  Fulfillable: Count,
  Unfulfillable: Units,
  Researching: Units,
  ReservedQuantityBreakdown: z
    .looseObject({
      WarehouseProcessing: Units,
      WarehouseTransfer: Units,
      PendingCustomerOrder: Units,
    })
    .nullish(),
  InboundQuantityBreakdown: z
    .looseObject({ Working: Units, Shipped: Units, Receiving: Units })
    .nullish(),
  FutureSupplyBuyable: Units,
  PendingCustomerOrderInTransit: Units,
})
export type FulfillmentInventory = z.infer<typeof FulfillmentInventory>

/** FBA_INVENTORY_AVAILABILITY_CHANGES: one SKU's FBA inventory, per marketplace. */
export const FbaInventoryAvailabilityChangesNotification = notification(
  ['FBA_INVENTORY_AVAILABILITY_CHANGES'],
  z.looseObject({
    SellerId: OptionalText,
    FNSKU: z.string().min(1),
    ASIN: z.string().min(1),
    SKU: z.string().min(1),
    FulfillmentInventoryByMarketplace: z.array(
      z.looseObject({
        MarketplaceId: z.string().min(1),
        ItemName: OptionalText,
        FulfillmentInventory,
        /** Seller-enrolled stores, e.g. ["Low-Cost Store"]. */
        Stores: z.array(z.string()).nullish(),
      }),
    ),
  }),
)
export type FbaInventoryAvailabilityChangesNotification = z.infer<
  typeof FbaInventoryAvailabilityChangesNotification
>

/**
 * LISTINGS_ITEM_STATUS_CHANGE. The schema's own NotificationType enum says
 * LISTINGS_ITEM_STATUS_CHANGED while its example and the docs say LISTINGS_ITEM_STATUS_CHANGE
 * (channels.md §2 A4); both are accepted. `Status` lists the states that apply now (BUYABLE,
 * DISCOVERABLE, DELETED): an absent state is off. Other strings pass, in case Amazon adds states.
 */
export const ListingsItemStatusChangeNotification = notification(
  ['LISTINGS_ITEM_STATUS_CHANGE', 'LISTINGS_ITEM_STATUS_CHANGED'],
  z.looseObject({
    SellerId: OptionalText,
    /** Optional in the schema. */
    MarketplaceId: OptionalText,
    /** Optional in the schema. */
    Asin: OptionalText,
    Sku: z.string().min(1),
    CreatedDate: OptionalText,
    Status: z.array(z.string()),
  }),
)
export type ListingsItemStatusChangeNotification = z.infer<
  typeof ListingsItemStatusChangeNotification
>

/**
 * An SNS SubscriptionConfirmation: visit `SubscribeURL` (or ConfirmSubscription with `Token`,
 * valid three days) before SNS sends anything. Also sent: Message (a sentence naming the topic),
 * SignatureVersion, Signature, SigningCertURL.
 */
export const SnsSubscriptionConfirmation = z.looseObject({
  Type: z.literal('SubscriptionConfirmation'),
  MessageId: z.string().min(1),
  Token: z.string().min(1),
  TopicArn: z.string().min(1),
  SubscribeURL: z.string().min(1),
  /** When the confirmation was sent (GMT). */
  Timestamp: AmazonTime,
})
export type SnsSubscriptionConfirmation = z.infer<typeof SnsSubscriptionConfirmation>

/**
 * Orders API v0 `Address`. `ShippingAddress` is only returned for Unshipped, PartiallyShipped,
 * Shipped and InvoiceUnconfirmed orders, and its name, street lines and phone are restricted data
 * (an RDT is needed). Also documented: County, District, Municipality, ExtendedFields, AddressType.
 */
export const AmazonAddress = z.looseObject({
  Name: OptionalText,
  CompanyName: OptionalText,
  AddressLine1: OptionalText,
  AddressLine2: OptionalText,
  AddressLine3: OptionalText,
  City: OptionalText,
  StateOrRegion: OptionalText,
  PostalCode: OptionalText,
  /** ISO 3166-1 alpha-2. */
  CountryCode: OptionalText,
  Phone: OptionalText,
})
export type AmazonAddress = z.infer<typeof AmazonAddress>

/**
 * Orders API v0 `Order` (getOrder's `payload`): the order's full current state. Also documented:
 * SellerOrderId, SalesChannel, ShipServiceLevel, NumberOfItemsShipped/Unshipped, PaymentMethod,
 * PaymentMethodDetails, OrderType, ship and delivery dates, IsBusinessOrder, IsPrime,
 * IsReplacementOrder, …
 */
export const AmazonOrder = z.looseObject({
  AmazonOrderId: z.string().min(1),
  PurchaseDate: AmazonTime,
  /** "The date when the order was last updated." */
  LastUpdateDate: AmazonTime,
  /** Pending, Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable, InvoiceUnconfirmed, PendingAvailability. */
  OrderStatus: z.string().min(1),
  /** MFN (seller) or AFN (Amazon). */
  FulfillmentChannel: OptionalText,
  MarketplaceId: OptionalText,
  /** "The total charge for this order." Optional in the model. */
  OrderTotal: AmazonMoney.nullish(),
  ShippingAddress: AmazonAddress.nullish(),
  /** BuyerEmail is Amazon's anonymized relay address. Also: BuyerName, BuyerTaxInfo, PurchaseOrderNumber. */
  BuyerInfo: z.looseObject({ BuyerEmail: OptionalText }).nullish(),
})
export type AmazonOrder = z.infer<typeof AmazonOrder>

/**
 * Orders API v0 `OrderItem`. "An order item is an item and a quantity": ItemPrice is the price of
 * all QuantityOrdered units ("the selling price of the item multiplied by the quantity ordered"),
 * excluding shipping and gift wrap. While the order is Pending, getOrderItems returns no pricing,
 * taxes, shipping charges or promotions. Also documented: ASIN, ProductInfo, PointsGranted,
 * PromotionIds, CODFee, CODFeeDiscount, IsGift, ConditionId, TaxCollection, BuyerInfo, …
 */
export const AmazonOrderItem = z.looseObject({
  OrderItemId: AmazonId,
  SellerSKU: OptionalText,
  Title: OptionalText,
  QuantityOrdered: Count,
  QuantityShipped: Count.nullish(),
  ItemPrice: AmazonMoney.nullish(),
  ItemTax: AmazonMoney.nullish(),
  ShippingPrice: AmazonMoney.nullish(),
  ShippingTax: AmazonMoney.nullish(),
  ShippingDiscount: AmazonMoney.nullish(),
  ShippingDiscountTax: AmazonMoney.nullish(),
  /** "The total of all promotional discounts in the offer." */
  PromotionDiscount: AmazonMoney.nullish(),
  PromotionDiscountTax: AmazonMoney.nullish(),
  /** `{ IsBuyerRequestedCancel: "true" | "false", BuyerCancelReason }` (strings). */
  BuyerRequestedCancel: z
    .looseObject({
      IsBuyerRequestedCancel: z.union([z.string(), z.boolean()]).nullish(),
      BuyerCancelReason: OptionalText,
    })
    .nullish(),
})
export type AmazonOrderItem = z.infer<typeof AmazonOrderItem>

const OrderItems = z.array(AmazonOrderItem).min(1, 'an order has at least one item')

/**
 * What the API client hands the normalizer for an `order` need (`order:<AmazonOrderId>`):
 * getOrder's `payload` and the `OrderItems` of every getOrderItems page.
 */
export const AmazonOrderRecord = z.looseObject({ order: AmazonOrder, orderItems: OrderItems })
export type AmazonOrderRecord = z.infer<typeof AmazonOrderRecord>

/**
 * What the API client hands the normalizer for an `order-items` need
 * (`order-items:<AmazonOrderId>`): the `OrderItems` of every getOrderItems page.
 */
export const AmazonOrderItemsRecord = z.looseObject({ orderItems: OrderItems })
export type AmazonOrderItemsRecord = z.infer<typeof AmazonOrderItemsRecord>

/**
 * An order the order list (getOrders) answered, as order sync files it (the body of an inbox row
 * of topic `hub.order-sync`, connectors/amazon/order-list.ts): the `Order`, without items.
 */
export const AmazonListedOrder = z.looseObject({ order: AmazonOrder })
export type AmazonListedOrder = z.infer<typeof AmazonListedOrder>
