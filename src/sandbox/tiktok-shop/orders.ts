/**
 * Buyers on the emulated TikTok shop: orders placed and cancelled, kept as Get Order Detail
 * records (the type-1 webhook is thin; the hub fetches the order, channels.md §4 A5), and the
 * shop's inventory status alerts (type 27).
 *
 * Record shape: the `data.orders[]` element of Get Order Detail as connectors/tiktok-shop/payloads.ts
 * (`TikTokOrder`) reads it, see fixtures/tiktok-shop/ORDER_STATUS_CHANGE/awaiting-shipment.json.
 * TikTok has no quantity on an order line: two units are two line items.
 */
import type { ChannelState, PlaceOrderResult, PlacedLine, SignedWebhook } from '../types.js'
import { freshId, idsOf, priceCentsOf, WAREHOUSE_IDS } from './ids.js'
import { tiktokWebhook, unixSeconds } from './webhooks.js'
import { returnStock, takeStock } from '../buyer-stock.js'

/** Type 1 ORDER_STATUS_CHANGE; type 27 inventory status change (connectors/tiktok-shop/topics.ts). */
const ORDER_STATUS_CHANGE = 1
const INVENTORY_STATUS_CHANGE = 27

/** The fields of an emulated order record this module changes after placing it. */
interface EmulatedOrder {
  readonly id: string
  status: string
  update_time: number
  cancel_time?: number
  cancel_reason?: string
  cancellation_initiator?: string
  readonly line_items: { readonly seller_sku: string; display_status: string }[]
}

/** `1234` cents → `"12.34"`. */
function dollars(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}

export function placeOrder(
  state: ChannelState,
  lines: readonly PlacedLine[],
  at: Date,
): PlaceOrderResult {
  const refused = takeStock(state, lines)
  if (refused !== undefined) return { accepted: false, reason: refused }

  const orderId = freshId('57', at)
  const time = unixSeconds(at)
  let subtotalCents = 0
  const lineItems = lines.flatMap(({ sku, quantity }) => {
    const { productId, skuId } = idsOf(sku)
    const price = dollars(priceCentsOf(sku))
    subtotalCents += priceCentsOf(sku) * quantity
    return Array.from({ length: quantity }, () => ({
      product_id: productId,
      sku_id: skuId,
      seller_sku: sku,
      product_name: `Sandbox product ${sku}`,
      sku_name: 'Default',
      original_price: price,
      sale_price: price,
      seller_discount: '0',
      platform_discount: '0',
      currency: 'USD',
      display_status: 'AWAITING_SHIPMENT',
      sku_type: 'NORMAL',
      is_gift: false,
    }))
  })
  const subtotal = dollars(subtotalCents)
  const order = {
    id: orderId,
    status: 'AWAITING_SHIPMENT',
    fulfillment_type: 'FULFILLMENT_BY_SELLER',
    warehouse_id: WAREHOUSE_IDS[0],
    is_cod: false,
    is_on_hold_order: false,
    payment_method_name: 'CCDC',
    create_time: time,
    paid_time: time,
    update_time: time,
    payment: {
      currency: 'USD',
      original_total_product_price: subtotal,
      seller_discount: '0',
      platform_discount: '0',
      sub_total: subtotal,
      original_shipping_fee: '0',
      shipping_fee: '0',
      tax: '0',
      total_amount: subtotal,
    },
    recipient_address: {
      name: 'Sandbox Buyer',
      region_code: 'US',
      postal_code: '80202',
      address_line1: '1 Sandbox Street',
      full_address: '1 Sandbox Street, Denver, CO 80202',
      district_info: [
        { address_level_name: 'Country', address_name: 'United States', address_level: 'L0' },
        { address_level_name: 'State', address_name: 'Colorado', address_level: 'L1' },
        { address_level_name: 'City', address_name: 'Denver', address_level: 'L3' },
      ],
    },
    buyer_email: `buyer-${orderId}@sandbox.invalid`,
    line_items: lineItems.map((item, index) => ({
      id: `${orderId}${String(index + 1).padStart(3, '0')}`,
      ...item,
    })),
  }
  state.orders.set(orderId, order)
  state.stats.ordersAccepted += 1
  // The buyer paid at once: TikTok announces the order as AWAITING_SHIPMENT.
  const webhook = tiktokWebhook(
    state,
    ORDER_STATUS_CHANGE,
    {
      order_id: orderId,
      order_status: 'AWAITING_SHIPMENT',
      is_on_hold_order: false,
      update_time: time,
    },
    at,
  )
  return { accepted: true, orderId, webhooks: [webhook] }
}

export function cancelOrder(
  state: ChannelState,
  orderId: string,
  at: Date,
): readonly SignedWebhook[] {
  const order = state.orders.get(orderId) as EmulatedOrder | undefined
  if (order === undefined || order.status === 'CANCELLED') return []
  for (const item of order.line_items) {
    returnStock(state, item.seller_sku, 1)
    item.display_status = 'CANCELLED'
  }
  const time = unixSeconds(at)
  order.status = 'CANCELLED'
  order.update_time = time
  order.cancel_time = time
  order.cancel_reason = 'No longer needed'
  order.cancellation_initiator = 'BUYER'
  // The type-1 webhook spells the status CANCEL; the order record says CANCELLED (channels.md §4 A4).
  const data = {
    order_id: orderId,
    order_status: 'CANCEL',
    is_on_hold_order: false,
    update_time: time,
  }
  return [tiktokWebhook(state, ORDER_STATUS_CHANGE, data, at)]
}

/** The seller's low-stock threshold the emulated shop has configured. */
const LOW_STOCK_THRESHOLD = 5
/** How far ahead a PREDICTION alert looks. */
const PREDICTION_LEAD_DAYS = 3

/**
 * Type 27. TikTok sends it only when stock falls to LOW_STOCK / OUT_OF_STOCK (REALTIME) or a
 * stock-out is predicted (PREDICTION) (channels.md §4 A4), so above the threshold the report is a
 * prediction; either way it carries the current quantities.
 */
export function reportStock(state: ChannelState, sku: string, at: Date): SignedWebhook | undefined {
  const available = state.stock.get(sku)
  if (available === undefined) return undefined
  const { productId, skuId } = idsOf(sku)
  const low = available <= LOW_STOCK_THRESHOLD
  const data = {
    product_id: productId,
    sku_id: skuId,
    trigger_reason: low
      ? { alert_type: 'REALTIME', low_stock_threshold: LOW_STOCK_THRESHOLD }
      : { alert_type: 'PREDICTION', lead_days: PREDICTION_LEAD_DAYS },
    current_inventory_status:
      available === 0 ? 'OUT_OF_STOCK' : low ? 'LOW_STOCK' : 'SUFFICIENT_STOCK',
    inventory_distribution: {
      total_quantity: available,
      available_quantity: available,
      creator_reserved_quantity: 0,
      campaign_reserved_quantity: 0,
      committed_quantity: 0,
    },
    update_time: unixSeconds(at),
  }
  return tiktokWebhook(state, INVENTORY_STATUS_CHANGE, data, at)
}
