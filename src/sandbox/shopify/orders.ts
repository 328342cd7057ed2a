/**
 * The emulated store's buyers: an order takes stock and is announced by `orders/create`, a
 * cancellation returns it with `orders/cancelled`. Shopify's order webhooks carry the whole REST
 * order (channels.md §1 A1, A5), so nothing is fetched; the order is still kept in
 * `state.orders` (by its id) to know what a cancellation returns.
 */
import type { ChannelState, PlacedLine, PlaceOrderResult, SignedWebhook } from '../types.js'
import { idsOf, priceCentsOf, shopifyTime } from './seller.js'
import { echoLevels, inventoryLevelWebhook, shopifyWebhook } from './webhooks.js'
import { returnStock, takeStock } from '../buyer-stock.js'

/** First order id of a state; Shopify-shaped 13-digit ids. */
const FIRST_ORDER_ID = 5_940_139_500_000

/** What the emulator keeps of an order beside the payload: its lines, to return their stock. */
interface KeptOrder {
  readonly payload: Record<string, unknown>
  readonly lines: readonly PlacedLine[]
  cancelled: boolean
}

const kept = new WeakMap<ChannelState, Map<string, KeptOrder>>()

function keptOrders(state: ChannelState): Map<string, KeptOrder> {
  let orders = kept.get(state)
  if (!orders) {
    orders = new Map()
    kept.set(state, orders)
  }
  return orders
}

export function placeOrder(
  state: ChannelState,
  lines: readonly PlacedLine[],
  at: Date,
): PlaceOrderResult {
  const refused = takeStock(state, lines)
  if (refused !== undefined) return { accepted: false, reason: refused }
  state.stats.ordersAccepted += 1

  const id = String(FIRST_ORDER_ID + state.orders.size + 1)
  const payload = orderPayload(id, state.orders.size + 1, lines, at)
  state.orders.set(id, payload)
  keptOrders(state).set(id, { payload, lines, cancelled: false })
  echoLevels(state, new Set(lines.map((l) => l.sku)), at)
  return {
    accepted: true,
    orderId: id,
    webhooks: [shopifyWebhook(state, 'orders/create', JSON.stringify(payload), at)],
  }
}

export function cancelOrder(
  state: ChannelState,
  orderId: string,
  at: Date,
): readonly SignedWebhook[] {
  const order = keptOrders(state).get(orderId)
  // Shopify cannot cancel an order twice, nor one it does not have.
  if (!order || order.cancelled) return []
  order.cancelled = true
  for (const line of order.lines) returnStock(state, line.sku, line.quantity)
  const time = shopifyTime(at)
  const payload = {
    ...order.payload,
    updated_at: time,
    cancelled_at: time,
    cancel_reason: 'customer',
    financial_status: 'refunded',
  }
  state.orders.set(orderId, payload)
  echoLevels(
    state,
    order.lines.map((l) => l.sku),
    at,
  )
  return [shopifyWebhook(state, 'orders/cancelled', JSON.stringify(payload), at)]
}

/** The store's own report of a SKU's level: `inventory_levels/update`. */
export function reportStock(state: ChannelState, sku: string, at: Date): SignedWebhook {
  return inventoryLevelWebhook(state, sku, at)
}

const money = (cents: number) => (cents / 100).toFixed(2)
const shopMoney = (cents: number) => ({
  shop_money: { amount: money(cents), currency_code: 'USD' },
  presentment_money: { amount: money(cents), currency_code: 'USD' },
})

/**
 * The REST order resource as `orders/create` carries it (fields as in fixtures/shopify/orders-create;
 * https://shopify.dev/docs/api/admin-rest/latest/resources/order): paid, in USD, no tax, no
 * shipping charge, one line per placed line with the internal SKU as the variant's SKU.
 */
function orderPayload(
  id: string,
  number: number,
  lines: readonly PlacedLine[],
  at: Date,
): Record<string, unknown> {
  const time = shopifyTime(at)
  const lineItems = lines.map((line, index) => {
    const ids = idsOf(line.sku)
    const price = priceCentsOf(line.sku)
    // 16 digits, still below 2^53.
    const lineId = Number(id) * 1000 + index + 1
    return {
      id: lineId,
      admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`,
      variant_id: Number(ids.variantId),
      product_id: Number(ids.productId),
      sku: line.sku,
      title: `Sandbox product ${line.sku}`,
      name: `Sandbox product ${line.sku}`,
      variant_title: null,
      vendor: 'Hub Sandbox',
      quantity: line.quantity,
      current_quantity: line.quantity,
      fulfillable_quantity: line.quantity,
      fulfillment_service: 'manual',
      fulfillment_status: null,
      requires_shipping: true,
      taxable: true,
      gift_card: false,
      price: money(price),
      price_set: shopMoney(price),
      total_discount: '0.00',
      total_discount_set: shopMoney(0),
      discount_allocations: [],
      tax_lines: [],
      properties: [],
    }
  })
  const subtotal = lines.reduce((sum, line) => sum + priceCentsOf(line.sku) * line.quantity, 0)
  const address = {
    first_name: 'Sandbox',
    last_name: 'Buyer',
    name: 'Sandbox Buyer',
    company: null,
    address1: '1 Emulator Way',
    address2: null,
    city: 'Springfield',
    province: 'New York',
    province_code: 'NY',
    zip: '10001',
    country: 'United States',
    country_code: 'US',
    phone: null,
  }
  return {
    id: Number(id),
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${1000 + number}`,
    order_number: 1000 + number,
    number,
    confirmed: true,
    test: true,
    created_at: time,
    processed_at: time,
    updated_at: time,
    currency: 'USD',
    presentment_currency: 'USD',
    subtotal_price: money(subtotal),
    subtotal_price_set: shopMoney(subtotal),
    total_line_items_price: money(subtotal),
    total_discounts: '0.00',
    total_discounts_set: shopMoney(0),
    total_shipping_price_set: shopMoney(0),
    total_tax: '0.00',
    total_tax_set: shopMoney(0),
    taxes_included: false,
    total_price: money(subtotal),
    total_price_set: shopMoney(subtotal),
    total_outstanding: '0.00',
    financial_status: 'paid',
    fulfillment_status: null,
    cancelled_at: null,
    cancel_reason: null,
    email: `buyer-${number}@example.com`,
    contact_email: `buyer-${number}@example.com`,
    source_name: 'web',
    tags: 'hub-sandbox',
    line_items: lineItems,
    shipping_lines: [],
    fulfillments: [],
    refunds: [],
    shipping_address: address,
    billing_address: address,
  }
}
