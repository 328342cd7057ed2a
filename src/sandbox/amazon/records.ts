/**
 * The emulator's orders as Amazon's Orders API v0 keeps them: getOrder's `Order` and
 * getOrderItems' `OrderItem`s, held in `state.orders` as `{ order, orderItems }`, the record the
 * hub's client hydrates (connectors/amazon/client.ts `AmazonHydratedOrder`) and its normalizer
 * reads (connectors/amazon/payloads.ts `AmazonOrderRecord`).
 *
 * Field names and values follow repo:amzn/selling-partner-api-models
 * models/orders-api-model/ordersV0.json. Only non-restricted data is filled in: the shipping
 * address's name, street and phone and the buyer's e-mail need a Restricted Data Token, which the
 * hub does not request. Prices are per SKU (seller.ts); there is no tax, shipping or promotion.
 */
import type { AmazonHydratedOrder } from '../../../connectors/amazon/index.js'
import type { PlacedLine } from '../types.js'
import { asinOf, decimalAmount, unitPriceCents } from './seller.js'

/** Orders are priced in USD, the currency of Amazon.com (ATVPDKIKX0DER), the sandbox's marketplace. */
const CURRENCY = 'USD'

/** One line of an order as the emulator reads it back. */
export interface ItemLine {
  readonly orderItemId: string
  readonly sku: string
  readonly quantity: number
}

/** An instant as the Orders API writes it: ISO 8601 UTC to the second (`2026-11-22T09:04:18Z`). */
export function amazonTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const money = (cents: number) => ({ CurrencyCode: CURRENCY, Amount: decimalAmount(cents) })

/** A new order, Unshipped: payment authorized, nothing shipped (the state its webhook reports). */
export function newOrderRecord(
  orderId: string,
  itemIdPrefix: string,
  marketplaceId: string,
  lines: readonly PlacedLine[],
  at: Date,
): AmazonHydratedOrder {
  const placed = amazonTime(at)
  const orderItems = lines.map((line, index) => ({
    ASIN: asinOf(line.sku),
    SellerSKU: line.sku,
    OrderItemId: `${itemIdPrefix}${String(index + 1).padStart(2, '0')}`,
    Title: `Sandbox item ${line.sku}`,
    QuantityOrdered: line.quantity,
    QuantityShipped: 0,
    ProductInfo: { NumberOfItems: '1' },
    ItemPrice: money(unitPriceCents(line.sku) * line.quantity),
    IsGift: 'false',
    ConditionId: 'New',
    ConditionSubtypeId: 'New',
    BuyerRequestedCancel: { IsBuyerRequestedCancel: 'false', BuyerCancelReason: '' },
  }))
  const totalCents = lines.reduce((sum, l) => sum + unitPriceCents(l.sku) * l.quantity, 0)
  return {
    order: {
      AmazonOrderId: orderId,
      PurchaseDate: placed,
      LastUpdateDate: placed,
      OrderStatus: 'Unshipped',
      FulfillmentChannel: 'MFN',
      SalesChannel: 'Amazon.com',
      ShipServiceLevel: 'Std US D2D Dom',
      OrderTotal: money(totalCents),
      NumberOfItemsShipped: 0,
      NumberOfItemsUnshipped: lines.reduce((n, l) => n + l.quantity, 0),
      PaymentMethod: 'Other',
      PaymentMethodDetails: ['Standard'],
      MarketplaceId: marketplaceId,
      ShipmentServiceLevelCategory: 'Standard',
      OrderType: 'StandardOrder',
      IsBusinessOrder: false,
      IsPrime: false,
      IsPremiumOrder: false,
      IsGlobalExpressEnabled: false,
      IsReplacementOrder: false,
      IsSoldByAB: false,
      IsISPU: false,
      IsAccessPointOrder: false,
      ShippingAddress: {
        City: 'Seattle',
        StateOrRegion: 'WA',
        PostalCode: '98101',
        CountryCode: 'US',
        AddressType: 'Residential',
      },
      BuyerInfo: {},
    },
    orderItems,
  }
}

/**
 * The LastUpdateDate of a change made at `at` to an order last updated at `previous`: `at` to the
 * second, but at least a second after `previous`, so that the order list, which selects and sorts
 * by it, sees every change as newer than the state before. Amazon writes whole seconds; how it
 * dates two changes within one second is unconfirmed.
 */
export function changedAt(previous: unknown, at: Date): string {
  const before = typeof previous === 'string' ? Date.parse(previous) : Number.NaN
  const second = Math.floor(at.getTime() / 1000) * 1000
  return amazonTime(new Date(Number.isNaN(before) ? second : Math.max(second, before + 1000)))
}

/**
 * The order after the buyer cancelled it. Lines keep their quantities and prices (whether Amazon
 * zeroes them on a cancelled order is unconfirmed); each says the buyer asked for it.
 */
export function cancelledRecord(record: AmazonHydratedOrder, at: Date): AmazonHydratedOrder {
  return {
    order: {
      ...record.order,
      OrderStatus: 'Canceled',
      LastUpdateDate: changedAt(record.order.LastUpdateDate, at),
      NumberOfItemsUnshipped: 0,
    },
    orderItems: record.orderItems.map((item) => ({
      ...item,
      BuyerRequestedCancel: {
        IsBuyerRequestedCancel: 'true',
        BuyerCancelReason: 'Buyer cancelled in the sandbox',
      },
    })),
  }
}

/** The order `state.orders` holds under `orderId`, if it is one the emulator wrote. */
export function storedOrder(
  orders: ReadonlyMap<string, unknown>,
  orderId: string,
): AmazonHydratedOrder | undefined {
  const value = orders.get(orderId)
  if (typeof value !== 'object' || value === null) return undefined
  const { order, orderItems } = value as Partial<AmazonHydratedOrder>
  return typeof order === 'object' && order !== null && Array.isArray(orderItems)
    ? { order, orderItems }
    : undefined
}

/** SKU and quantity of each item. */
export function itemLines(record: AmazonHydratedOrder): ItemLine[] {
  return record.orderItems.map((item) => ({
    orderItemId: String(item.OrderItemId),
    sku: String(item.SellerSKU),
    quantity: typeof item.QuantityOrdered === 'number' ? item.QuantityOrdered : 0,
  }))
}
