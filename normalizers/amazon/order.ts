/**
 * An Amazon order and its items (`{ order, orderItems }`: getOrder's or getOrders' Order, and
 * getOrderItems' items) → an OrderSnapshot. The record is the order's full current state; the
 * ORDER_CHANGE notification only adds its times (order-webhooks.ts), an order read from the order
 * list none (order-sync.ts).
 *
 * Status (Order.OrderStatus; descriptions from ordersV0.json):
 *
 * | OrderStatus         | status               | paymentStatus | why                                   |
 * | ------------------- | -------------------- | ------------- | ------------------------------------- |
 * | PendingAvailability | pending              | pending       | pre-order, payment not authorized     |
 * | Pending             | pending              | pending       | placed, payment not authorized        |
 * | Unshipped           | awaiting_fulfillment | paid          | payment authorized, nothing shipped   |
 * | PartiallyShipped    | partially_fulfilled  | paid          | some items shipped                    |
 * | Shipped             | fulfilled            | paid          | every item shipped                    |
 * | InvoiceUnconfirmed  | fulfilled            | paid          | every item shipped; the seller has    |
 * |                     |                      |               | not yet confirmed the invoice         |
 * | Canceled            | cancelled            | voided        |                                       |
 * | Unfulfillable       | pending              | paid          | an Amazon-fulfilled order placed off  |
 * |                     |                      |               | Amazon (Multi-Channel Fulfillment)    |
 * |                     |                      |               | that cannot be fulfilled: on hold,    |
 * |                     |                      |               | not cancelled (the model does not say |
 * |                     |                      |               | it is final); channelStatus says      |
 * |                     |                      |               | Unfulfillable                         |
 *
 * Any other status is `invalid` rather than guessed. ORDER_CHANGE never reports delivery, so
 * nothing maps to `delivered`. "paid" means Amazon authorized the buyer's payment; for an
 * Unfulfillable order, which was paid for wherever it was placed, it only means "not pending".
 *
 * Money (minor units, string arithmetic; every amount in one currency, another is `invalid`):
 * - An absent amount counts as 0. While an order is Pending, getOrderItems returns no prices,
 *   taxes, shipping or promotions, so a Pending order has zero money (and paymentStatus pending).
 * - ItemPrice is for all QuantityOrdered units ("the selling price of the item multiplied by the
 *   quantity ordered"), so unitPrice = ItemPrice ÷ QuantityOrdered; an amount that does not divide
 *   into whole minor units is `invalid`, not rounded (it would mean the price is not what this
 *   reading assumes). A line of 0 units has unitPrice 0 and must have no price.
 * - Whether Amazon writes discounts negative is not documented, so PromotionDiscount and
 *   ShippingDiscount count by their absolute value.
 * - line: discount = PromotionDiscount, total = ItemPrice − PromotionDiscount.
 * - totals: subtotal = Σ line totals; discount = Σ PromotionDiscount (a shipping discount is taken
 *   off shipping instead, not counted twice); shipping = Σ (ShippingPrice − ShippingDiscount);
 *   tax = Σ (ItemTax + ShippingTax) (the tax on discounts, PromotionDiscountTax and
 *   ShippingDiscountTax, is not subtracted: the model does not say whether ItemTax is before or
 *   after the discount); total = OrderTotal.Amount ("the total charge for this order", which also
 *   covers gift wrap and COD fees) when present, else subtotal + shipping (+ tax unless included).
 * - taxesIncluded is an approximation by marketplace: false for the US, Canada and Mexico, where
 *   sales tax is added on top (and for an order naming no marketplace); true everywhere else,
 *   where Amazon's prices include VAT/GST.
 * - Currency: OrderTotal's, else the first item amount's, else the marketplace's own currency
 *   (a Pending order may have no amount at all).
 *
 * Other fields: number = AmazonOrderId (Amazon has no separate order number; the 3-7-7 id is what
 * seller and buyer see); customerEmail = BuyerInfo.BuyerEmail (Amazon's anonymized relay
 * address); shippingAddress from ShippingAddress (address.ts; null until the order is Unshipped
 * or later); cancelReason = the buyers' BuyerCancelReason of cancelled orders;
 * quantityFulfilled = QuantityShipped (never more than ordered);
 * channelStatus = OrderStatus and FulfillmentChannel verbatim (what the notification said about
 * why it was sent, OrderChangeType and ChangeReason, is not state and is left out).
 *
 * Docs: repo:amzn/selling-partner-api-models models/orders-api-model/ordersV0.json,
 * https://developer-docs.amazon.com/sp-api/docs/marketplace-ids
 */
import type { AmazonMoney, AmazonOrderRecord } from '../../connectors/amazon/index.js'
import type {
  OrderLine,
  OrderSnapshot,
  OrderStatus,
  PaymentStatus,
} from '../../src/events/index.js'
import { InvalidPayloadError } from '../shared/invalid.js'
import { formatMinorUnits, minorAt, safeMinor } from '../shared/money.js'
import { toAddress } from './address.js'
import { latest, located, text, type Path } from './shared.js'

type Item = AmazonOrderRecord['orderItems'][number]

const STATUS = new Map<string, readonly [OrderStatus, PaymentStatus]>([
  ['PendingAvailability', ['pending', 'pending']],
  ['Pending', ['pending', 'pending']],
  ['Unshipped', ['awaiting_fulfillment', 'paid']],
  ['PartiallyShipped', ['partially_fulfilled', 'paid']],
  ['Shipped', ['fulfilled', 'paid']],
  ['InvoiceUnconfirmed', ['fulfilled', 'paid']],
  ['Canceled', ['cancelled', 'voided']],
  ['Unfulfillable', ['pending', 'paid']],
])

/** The hub's status and payment status for an Amazon OrderStatus; undefined for an unknown one. */
export function orderStatus(
  status: string,
): { readonly status: OrderStatus; readonly paymentStatus: PaymentStatus } | undefined {
  const found = STATUS.get(status)
  return found && { status: found[0], paymentStatus: found[1] }
}

/** Marketplaces whose prices exclude sales tax: US, Canada, Mexico. */
const TAX_ON_TOP = new Set(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8'])

/** Each marketplace's currency (the ISO 4217 code of its country), for orders without amounts. */
const MARKETPLACE_CURRENCY = new Map([
  ['A2EUQ1WTGCTBG2', 'CAD'],
  ['ATVPDKIKX0DER', 'USD'],
  ['A1AM78C64UM0Y8', 'MXN'],
  ['A2Q3Y263D00KWC', 'BRL'],
  ['A28R8C7NBKEWEA', 'EUR'],
  ['A1RKKUPIHCS9HS', 'EUR'],
  ['A1F83G8C2ARO7P', 'GBP'],
  ['A13V1IB3VIYZZH', 'EUR'],
  ['AMEN7PMS3EDWL', 'EUR'],
  ['A1805IZSGTT6HS', 'EUR'],
  ['A1PA6795UKMFR9', 'EUR'],
  ['APJ6JRA9NG5V4', 'EUR'],
  ['A2NODRKZP88ZB9', 'SEK'],
  ['AE08WJ6YKNBMC', 'ZAR'],
  ['A1C3SOZRARQ6R3', 'PLN'],
  ['ARBP9OOSHTCHU', 'EGP'],
  ['A33AVAJ2PDY3EV', 'TRY'],
  ['A17E79C6D8DWNP', 'SAR'],
  ['A2VIGQ35RCS4UG', 'AED'],
  ['A21TJRUUN4KGV', 'INR'],
  ['A19VAU5U5O7RUS', 'SGD'],
  ['A39IBJ37TRP1C6', 'AUD'],
  ['A1VC38T7YXB528', 'JPY'],
])

const MONEY_FIELDS = [
  'ItemPrice',
  'ItemTax',
  'ShippingPrice',
  'ShippingTax',
  'ShippingDiscount',
  'ShippingDiscountTax',
  'PromotionDiscount',
  'PromotionDiscountTax',
] as const
type MoneyField = (typeof MONEY_FIELDS)[number]

/**
 * The times a notification adds to the order's own LastUpdateDate; none for an order read from
 * the order list, whose snapshot is timed by LastUpdateDate alone.
 */
export interface SnapshotTimes {
  /** The notification's EventTime. */
  readonly eventTime?: string
  /** OrderChangeTrigger.TimeOfOrderChange, when the notification gives one. */
  readonly changedAt?: string | null
}

/**
 * Where the parts of a record sit in the input, for issues: the whole record, its `order` and its
 * `orderItems` (apart for a listed order, whose items were fetched on their own).
 */
export interface RecordPaths {
  readonly record: Path
  readonly order: Path
  readonly orderItems: Path
}

/** The paths of a fetched `{ order, orderItems }` record at `at` (`hydrated.<key>`). */
export function recordPaths(at: Path): RecordPaths {
  return { record: at, order: [...at, 'order'], orderItems: [...at, 'orderItems'] }
}

/**
 * Maps one order and its items; `at` locates them in the input. `marketplaceId` is the
 * notification's, used when the order names none. Throws InvalidPayloadError for what the schema
 * cannot catch (an unknown status, a bad amount, a second currency).
 */
export function toSnapshot(
  record: AmazonOrderRecord,
  at: RecordPaths,
  times: SnapshotTimes,
  marketplaceId?: string | null,
): OrderSnapshot {
  const { order, orderItems } = record
  const marketplace = text(order.MarketplaceId) ?? text(marketplaceId)
  const mapped = orderStatus(order.OrderStatus)
  if (!mapped) {
    const issue = `unknown order status "${order.OrderStatus}"`
    throw new InvalidPayloadError(issue, [...at.order, 'OrderStatus'])
  }
  const currency = orderCurrency(record, marketplace, at)
  const lines = orderItems.map((item, index) => toLine(item, currency, [...at.orderItems, index]))
  const sum = (pick: (line: MappedLine) => number, what: string) =>
    located(at.record, () =>
      safeMinor(
        lines.reduce((total, line) => total + pick(line), 0),
        what,
      ),
    )
  const subtotal = sum((line) => line.line.total.amountMinor, 'subtotal')
  const shipping = sum((line) => line.shipping, 'shipping')
  const tax = sum((line) => line.tax, 'tax')
  const taxesIncluded = marketplace !== null && !TAX_ON_TOP.has(marketplace)
  const total = order.OrderTotal
    ? amount(order.OrderTotal, currency, [...at.order, 'OrderTotal'])
    : located(at.record, () => safeMinor(subtotal + shipping + (taxesIncluded ? 0 : tax), 'total'))
  const money = (amountMinor: number) => ({ amountMinor, currency })
  const cancelled = mapped.status === 'cancelled'
  const reasons = cancelled ? [...new Set(orderItems.flatMap(buyerCancelReason))] : []
  return {
    externalId: order.AmazonOrderId,
    number: order.AmazonOrderId,
    status: mapped.status,
    paymentStatus: mapped.paymentStatus,
    channelStatus: {
      OrderStatus: order.OrderStatus,
      FulfillmentChannel: text(order.FulfillmentChannel),
    },
    placedAt: order.PurchaseDate,
    updatedAt: latest(
      order.LastUpdateDate,
      ...(times.eventTime ? [times.eventTime] : []),
      ...(times.changedAt ? [times.changedAt] : []),
    ),
    currency,
    totals: {
      subtotal: money(subtotal),
      discount: money(sum((line) => line.line.discount.amountMinor, 'discount')),
      shipping: money(shipping),
      tax: money(tax),
      total: money(total),
      taxesIncluded,
    },
    lines: lines.map((line) => line.line),
    customerEmail: text(order.BuyerInfo?.BuyerEmail),
    shippingAddress: toAddress(order.ShippingAddress),
    cancelReason: reasons.length > 0 ? reasons.join(', ') : null,
  }
}

interface MappedLine {
  readonly line: OrderLine
  readonly shipping: number
  readonly tax: number
}

function toLine(item: Item, currency: string, at: Path): MappedLine {
  const get = (field: MoneyField) => {
    const value = item[field]
    return value ? amount(value, currency, [...at, field]) : 0
  }
  const price = get('ItemPrice')
  const discount = Math.abs(get('PromotionDiscount'))
  const quantity = item.QuantityOrdered
  const shown = `${formatMinorUnits(price, currency)} ${currency}`
  if (quantity === 0 ? price !== 0 : price % quantity !== 0) {
    const issue =
      quantity === 0
        ? `${shown} for a line of 0 units`
        : `${shown} does not divide into ${quantity} units of whole minor units`
    throw new InvalidPayloadError(issue, [...at, 'ItemPrice', 'Amount'])
  }
  const money = (amountMinor: number) => ({ amountMinor, currency })
  const shipping = get('ShippingPrice') - Math.abs(get('ShippingDiscount'))
  const tax = get('ItemTax') + get('ShippingTax')
  const sums = located(at, () => ({
    shipping: safeMinor(shipping, 'shipping'),
    tax: safeMinor(tax, 'tax'),
  }))
  return {
    line: {
      externalLineId: item.OrderItemId,
      sku: text(item.SellerSKU),
      title: item.Title ?? '',
      quantity,
      quantityFulfilled: Math.min(item.QuantityShipped ?? 0, quantity),
      unitPrice: money(quantity === 0 ? 0 : price / quantity),
      discount: money(discount),
      total: money(price - discount),
    },
    ...sums,
  }
}

/** Minor units of one Money; `at` locates it. */
function amount(value: AmazonMoney, currency: string, at: Path): number {
  if (value.CurrencyCode !== currency) {
    const issue = `currency ${value.CurrencyCode} differs from the order currency ${currency}`
    throw new InvalidPayloadError(issue, [...at, 'CurrencyCode'])
  }
  return minorAt(value.Amount, currency, [...at, 'Amount'])
}

/** OrderTotal's currency, else the first item amount's, else the marketplace's. */
function orderCurrency(
  record: AmazonOrderRecord,
  marketplace: string | null,
  at: RecordPaths,
): string {
  const first = record.order.OrderTotal ?? firstItemMoney(record.orderItems)
  if (first) return first.CurrencyCode
  const fallback = marketplace === null ? undefined : MARKETPLACE_CURRENCY.get(marketplace)
  if (fallback) return fallback
  const issue = `no amount names the order currency, and marketplace ${marketplace ?? '(none)'} has no known currency`
  throw new InvalidPayloadError(issue, [...at.order, 'MarketplaceId'])
}

function firstItemMoney(items: readonly Item[]): AmazonMoney | undefined {
  for (const item of items) {
    for (const field of MONEY_FIELDS) {
      const value = item[field]
      if (value) return value
    }
  }
  return undefined
}

function buyerCancelReason(item: Item): string[] {
  const cancel = item.BuyerRequestedCancel
  const requested = cancel?.IsBuyerRequestedCancel
  const reason = text(cancel?.BuyerCancelReason)
  return (requested === true || requested === 'true') && reason !== null ? [reason] : []
}
