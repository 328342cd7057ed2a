/**
 * The store's own order records: the REST Order resource, as `orders/create` and
 * `orders/cancelled` carry it whole (channels.md §1 A1, A5; fields as in
 * fixtures/shopify/orders-create; https://shopify.dev/docs/api/admin-rest/latest/resources/order),
 * and Shopify's REST timestamp form.
 */
import type { PlacedLine } from '../types.js'
import { idsOf, priceCentsOf } from './seller.js'

/** Shopify's REST timestamp form: seconds, with an offset (the sandbox store keeps UTC). */
export function shopifyTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

const money = (cents: number) => (cents / 100).toFixed(2)
const shopMoney = (cents: number) => ({
  shop_money: { amount: money(cents), currency_code: 'USD' },
  presentment_money: { amount: money(cents), currency_code: 'USD' },
})

/**
 * A placed order as Shopify records it: paid, in USD, no tax, no shipping charge, one line per
 * placed line with the internal SKU as the variant's SKU.
 */
export function orderRecord(
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
