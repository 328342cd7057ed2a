/**
 * The emulated store's buyers: an order takes stock and is announced by `orders/create`, a
 * cancellation returns it with `orders/cancelled`. Shopify's order webhooks carry the whole REST
 * order (records.ts; channels.md §1 A1, A5), so nothing is fetched; the order is still kept in
 * `state.orders` (by its id) to know what a cancellation returns.
 */
import type { ChannelState, PlacedLine, PlaceOrderResult, SignedWebhook } from '../types.js'
import { returnStock, takeStock } from '../buyer-stock.js'
import { orderRecord, shopifyTime } from './records.js'
import { echoLevels, inventoryLevelWebhook, shopifyWebhook } from './webhooks.js'

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
  const payload = orderRecord(id, state.orders.size + 1, lines, at)
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
