/**
 * The thin order webhooks: without the fetched order the answer is `hydrate` (plus the return, for
 * a completed one); with it, one `order` observation mapped from the order record (order.ts),
 * which is the order's full current state. Every need is listed whenever any is missing, so a
 * pipeline that replaces `hydrated` rather than merging it cannot loop.
 *
 * - ORDER_STATUS_CHANGE (1): updatedAt = the order's update_time.
 * - CANCELLATION_STATUS_CHANGE (11): channelStatus.cancellation_status = cancel_status; updatedAt
 *   = max(order update_time, webhook timestamp), since the webhook carries no time of its own
 *   change; SUCCESS or COMPLETE makes the status `cancelled` whatever the order record says, as
 *   that record can lag.
 * - RETURN_STATUS_CHANGE (12): channelStatus.return_status = return_status; updatedAt = max(order
 *   update_time, data.update_time ?? timestamp). RETURN_OR_REFUND_REQUEST_COMPLETE adds an
 *   `order-return` observation from the fetched return, occurring at that same time.
 *
 * The pipeline merges channelStatus keys, so a later type-1 snapshot keeps the keys 11 and 12 add.
 * A fetched record that does not parse is `invalid` under `hydrated.<key>`; one that is not the
 * record the webhook names (another id) is `invalid` too: a fault of the fetch.
 *
 * Docs: https://partner.tiktokshop.com/docv2/page/1-order-status-change, …/11-cancellation-status-change,
 * …/12-return-status-change (mirrored in repo:lazykern/ecommerce-api-docs
 * data/processed/tiktok/guides/webhooks/).
 */
import { hydrationKey, type HydrationNeed } from '../../connectors/index.js'
import {
  CancellationStatusChangeWebhook,
  OrderStatusChangeWebhook,
  ReturnStatusChangeWebhook,
  TikTokOrder,
  TikTokReturn,
} from '../../connectors/tiktok-shop/index.js'
import { fetched, type Fetched } from '../shared/fetched.js'
import type { NormalizeInput, NormalizeResult, Observation } from '../types.js'
import { toReturnData } from './order-return.js'
import { toSnapshot, type SnapshotOptions } from './order.js'
import { done, invalid, isoFromUnix, type Path } from './shared.js'

/** Cancellation states after which the order is cancelled, whatever its record says yet. */
const CANCELLED_FOR_GOOD = new Set([
  'CANCELLATION_REQUEST_SUCCESS',
  'CANCELLATION_REQUEST_COMPLETE',
])
const RETURN_COMPLETE = 'RETURN_OR_REFUND_REQUEST_COMPLETE'

export function orderStatusChange(input: NormalizeInput): NormalizeResult {
  const parsed = OrderStatusChangeWebhook.safeParse(input.body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const { data } = parsed.data
  const order = fetchedOrder(input, data.order_id, [])
  if (!order.ok) return order.result
  return done([orderObservation(order, { updatedAt: order.value.update_time })])
}

export function cancellationStatusChange(input: NormalizeInput): NormalizeResult {
  const parsed = CancellationStatusChangeWebhook.safeParse(input.body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const { data, timestamp } = parsed.data
  const order = fetchedOrder(input, data.order_id, [])
  if (!order.ok) return order.result
  return done([
    orderObservation(order, {
      status: CANCELLED_FOR_GOOD.has(data.cancel_status) ? 'cancelled' : undefined,
      updatedAt: Math.max(order.value.update_time, timestamp),
      channelStatus: { cancellation_status: data.cancel_status },
    }),
  ])
}

export function returnStatusChange(input: NormalizeInput): NormalizeResult {
  const parsed = ReturnStatusChangeWebhook.safeParse(input.body)
  if (!parsed.success) return invalid(parsed.error.issues)
  const { data, timestamp } = parsed.data
  const complete = data.return_status === RETURN_COMPLETE
  const returnNeed: HydrationNeed = { kind: 'return', id: data.return_id, orderId: data.order_id }
  const order = fetchedOrder(input, data.order_id, complete ? [returnNeed] : [])
  if (!order.ok) return order.result
  const changedAt = data.update_time ?? timestamp
  const snapshot = orderObservation(order, {
    updatedAt: Math.max(order.value.update_time, changedAt),
    channelStatus: { return_status: data.return_status },
  })
  if (!complete) return done([snapshot])

  const ret = fetched(input, returnNeed, TikTokReturn)
  if (!ret.ok) return ret.result
  const mismatch = mismatched(ret.at, [
    ['return_id', ret.value.return_id, data.return_id],
    ['order_id', ret.value.order_id, data.order_id],
  ])
  if (mismatch) return mismatch
  const returned: Observation = {
    kind: 'order-return',
    occurredAt: isoFromUnix(changedAt),
    data: toReturnData(ret.value, ret.at),
  }
  return done([snapshot, returned])
}

/**
 * The fetched order `orderId`, checked; `hydrate` (listing the order and `alsoNeeded`) when any of
 * them is missing.
 */
function fetchedOrder(
  input: NormalizeInput,
  orderId: string,
  alsoNeeded: readonly HydrationNeed[],
): Fetched<TikTokOrder> {
  const need: HydrationNeed = { kind: 'order', id: orderId }
  const needs = [need, ...alsoNeeded]
  if (needs.some((n) => input.hydrated?.[hydrationKey(n)] === undefined)) {
    return { ok: false, result: { kind: 'hydrate', needs } }
  }
  const order = fetched(input, need, TikTokOrder)
  if (!order.ok) return order
  const mismatch = mismatched(order.at, [['id', order.value.id, orderId]])
  return mismatch ? { ok: false, result: mismatch } : order
}

/** A fetched record that is not the one the webhook names is a fault of the fetch. */
function mismatched(
  at: Path,
  fields: readonly (readonly [field: string, got: string, expected: string])[],
): NormalizeResult | undefined {
  const issues = fields
    .filter(([, got, expected]) => got !== expected)
    .map(
      ([field, got, expected]) =>
        `${[...at, field].join('.')}: is ${got}, the webhook names ${expected}`,
    )
  return issues.length > 0 ? { kind: 'invalid', issues } : undefined
}

function orderObservation(
  order: Extract<Fetched<TikTokOrder>, { ok: true }>,
  options: SnapshotOptions,
): Observation {
  return { kind: 'order', snapshot: toSnapshot(order.value, order.at, options) }
}
