/**
 * An order the hub read from Amazon's order list (topic `hub.order-sync`, body `{ order }`:
 * getOrders' Order, connectors/amazon/order-list.ts). The list answers orders without items, so
 * the answer is first `hydrate` with an `order-items` need (getOrderItems alone: the order is in
 * hand), then one `order` observation mapped by the same toSnapshot as ORDER_CHANGE (order.ts), so
 * the same order state gives the same snapshot whichever way it came.
 *
 * updatedAt is Order.LastUpdateDate alone: there is no notification to add its times. A webhook
 * snapshot of the same state is timed by the latest of LastUpdateDate and the notification's
 * times (order-webhooks.ts), so it is never older than the polled one, and the polled one never
 * replaces it.
 *
 * A body that is not `{ order: Order }` is `invalid` with its paths (`order.LastUpdateDate`, …);
 * fetched items that do not parse are `invalid` under `hydrated.order-items:<id>`.
 */
import { AmazonListedOrder, AmazonOrderItemsRecord } from '../../connectors/amazon/index.js'
import { fetchedOrHydrate } from '../shared/fetched.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { toSnapshot } from './order.js'
import { done, invalid } from './shared.js'

export function listedOrder(input: NormalizeInput): NormalizeResult {
  const parsed = AmazonListedOrder.safeParse(input.body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const { order } = parsed.data
  const need = { kind: 'order-items', id: order.AmazonOrderId } as const
  const items = fetchedOrHydrate(input, need, AmazonOrderItemsRecord)
  if (!items.ok) return items.result
  const paths = { record: [], order: ['order'], orderItems: [...items.at, 'orderItems'] }
  const snapshot = toSnapshot({ order, orderItems: items.value.orderItems }, paths, {})
  return done([{ kind: 'order', snapshot }])
}
