/**
 * An order the hub read from TikTok's order list (topic `hub.order-sync`, body: one element of Get
 * Order List's `data.orders[]`, connectors/tiktok-shop/order-list.ts). The list answers the same
 * order object Get Order Detail does, so nothing is fetched: it maps exactly as the order fetched
 * for a type-1 ORDER_STATUS_CHANGE (order-webhooks.ts), to the same snapshot, timed by the order's
 * own update_time.
 *
 * A body that is not such an order is `invalid`, one issue per bad path (`payment.currency`, …).
 */
import { TikTokOrder } from '../../connectors/tiktok-shop/index.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { toSnapshot } from './order.js'
import { done, invalid } from './shared.js'

export function listedOrder(input: NormalizeInput): NormalizeResult {
  const parsed = TikTokOrder.safeParse(input.body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const order = parsed.data
  return done([
    { kind: 'order', snapshot: toSnapshot(order, [], { updatedAt: order.update_time }) },
  ])
}
