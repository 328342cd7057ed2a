/**
 * A purchase order the hub read from All orders (topic hub.order-sync, connectors/walmart/
 * order-list.ts) rather than one a webhook announced. The body is the `order` object itself, the
 * record Get an order answers for a hydrated webhook, so it maps through the same order.ts into
 * the same snapshot; only its time differs in source: with no webhook, the order's own latest line
 * statusDate (else orderDate) dates it, which is the change a webhook of the same state reports.
 * A body that does not match is `invalid`, one issue per path from the body's root.
 */
import { WalmartOrder } from '../../connectors/walmart/index.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { toSnapshot } from './order.js'
import { done, invalid } from './shared.js'

export function listedOrder(input: NormalizeInput): NormalizeResult {
  const parsed = WalmartOrder.safeParse(input.body)
  if (!parsed.success) return invalid(parsed.error.issues)
  return done([{ kind: 'order', snapshot: toSnapshot(parsed.data, [], {}) }])
}
