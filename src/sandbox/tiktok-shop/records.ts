/**
 * The emulated shop's own records as TikTok's API returns them: orders as Get Order Detail's
 * `data.orders[]` elements (kept in `state.orders`), and returns as Search Returns'
 * `data.return_orders[]` elements (kept per state here: the shared ChannelState has no returns).
 *
 * Order shape: repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/orders/
 * get-order-detail.spec.json, as connectors/tiktok-shop/payloads.ts (`TikTokOrder`) reads it, see
 * fixtures/tiktok-shop/ORDER_STATUS_CHANGE/awaiting-shipment.json. TikTok has no quantity on an
 * order line: two units are two line items. Return shape: return-and-refund/search-returns.spec.json.
 */
import type { ChannelState, PlacedLine } from '../types.js'
import { idsOf, priceCentsOf, WAREHOUSE_IDS } from './seller.js'

/** The fields of an emulated order record the emulator reads or changes after placing it. */
export interface EmulatedOrder {
  readonly id: string
  status: string
  update_time: number
  cancel_time?: number
  cancel_reason?: string
  cancellation_initiator?: string
  readonly warehouse_id?: string
  readonly line_items: { readonly seller_sku: string; display_status: string }[]
}

/**
 * Order statuses whose units are reserved for the buyer ("units reserved by existing customer
 * orders", Inventory Search's `committed_quantity`): placed and not yet handed to the carrier.
 */
const COMMITTING_STATUSES: ReadonlySet<string> = new Set([
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPING',
])

/** `1234` cents → `"12.34"`. */
function dollars(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}

/** A paid order for `lines`, placed at `time` (Unix seconds), awaiting shipment. */
export function orderRecord(orderId: string, lines: readonly PlacedLine[], time: number): object {
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
  return {
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
}

/**
 * Units of `sku` that open orders reserve, per warehouse index (an order ships from its
 * `warehouse_id`, the first warehouse when it names none). Records a test put in `state.orders`
 * in another shape reserve nothing.
 */
export function committedUnits(state: ChannelState, sku: string): number[] {
  const committed = WAREHOUSE_IDS.map(() => 0)
  for (const record of state.orders.values()) {
    const order = record as Partial<EmulatedOrder> | undefined
    if (!order || !COMMITTING_STATUSES.has(order.status ?? '')) continue
    const at = Math.max(0, (WAREHOUSE_IDS as readonly string[]).indexOf(order.warehouse_id ?? ''))
    for (const item of Array.isArray(order.line_items) ? order.line_items : []) {
      if (item?.seller_sku === sku && item.display_status !== 'CANCELLED') committed[at]! += 1
    }
  }
  return committed
}

const returnsByState = new WeakMap<ChannelState, Map<string, Readonly<Record<string, unknown>>>>()

/**
 * The shop's returns by return id, as Search Returns lists them (`return_id`, `order_id`,
 * `create_time`, …). The emulated buyers do not return goods; tests add the returns they need.
 */
export function returnsOf(state: ChannelState): Map<string, Readonly<Record<string, unknown>>> {
  let returns = returnsByState.get(state)
  if (!returns) {
    returns = new Map()
    returnsByState.set(state, returns)
  }
  return returns
}
