import { isDeepStrictEqual } from 'node:util'
import { OrderField, type OrderSnapshot, type OrderStatus } from '../events/index.js'
import type { EventDraft } from '../outbox/event.js'

/**
 * How far along its life an order is. Used only to break ties between two snapshots with the same
 * channel timestamp (channels often have one-second resolution): the one further along wins, so a
 * same-second pair delivered in reverse never moves an order backwards.
 */
const STATUS_RANK: Readonly<Record<OrderStatus, number>> = {
  pending: 0,
  awaiting_fulfillment: 1,
  partially_fulfilled: 2,
  fulfilled: 3,
  delivered: 4,
  cancelled: 5,
}

/** Every snapshot field `changedFields` can name: all of them are compared. */
const COMPARED_FIELDS: readonly OrderField[] = OrderField.options

export type OrderDecision =
  /** Older than what is stored (or the same snapshot again): change nothing, emit nothing. */
  | { readonly kind: 'keep' }
  /** Store `snapshot` and emit `events` (possibly none, when only `updatedAt` moved). */
  | {
      readonly kind: 'store'
      readonly snapshot: OrderSnapshot
      readonly events: readonly EventDraft[]
    }

/**
 * Compares an incoming snapshot with the stored one and decides what to store and emit. Events
 * come from the difference, so a repeated snapshot emits nothing and a stale one changes nothing.
 */
export function decideOrderChange(
  stored: OrderSnapshot | undefined,
  incoming: OrderSnapshot,
): OrderDecision {
  const subject = `order/${incoming.externalId}`
  if (!stored) {
    return {
      kind: 'store',
      snapshot: incoming,
      events: [
        { type: 'order.created.v1', subject, time: incoming.placedAt, data: { order: incoming } },
      ],
    }
  }
  const storedAt = Date.parse(stored.updatedAt)
  const incomingAt = Date.parse(incoming.updatedAt)
  if (incomingAt < storedAt) return { kind: 'keep' }
  if (incomingAt === storedAt && STATUS_RANK[incoming.status] < STATUS_RANK[stored.status]) {
    return { kind: 'keep' }
  }
  const merged = withStoredChannelStatus(stored, incoming)
  const changedFields = COMPARED_FIELDS.filter((f) => !isDeepStrictEqual(stored[f], merged[f]))
  if (changedFields.length === 0) {
    return incomingAt > storedAt
      ? { kind: 'store', snapshot: merged, events: [] }
      : { kind: 'keep' }
  }
  const data = { order: merged, previousStatus: stored.status, changedFields }
  const time = merged.updatedAt
  const becameCancelled = stored.status !== 'cancelled' && incoming.status === 'cancelled'
  const becameFulfilled = stored.status !== 'fulfilled' && incoming.status === 'fulfilled'
  const type = becameCancelled
    ? 'order.cancelled.v1'
    : becameFulfilled
      ? 'order.fulfilled.v1'
      : 'order.updated.v1'
  return { kind: 'store', snapshot: merged, events: [{ type, subject, time, data }] }
}

/**
 * Some channels report a status dimension only in the messages about it (TikTok Shop's
 * cancellation and return statuses come only with their own webhooks), so a `channelStatus` key
 * the incoming snapshot lacks keeps its stored value instead of reading as a change.
 */
function withStoredChannelStatus(stored: OrderSnapshot, incoming: OrderSnapshot): OrderSnapshot {
  const missing = Object.keys(stored.channelStatus).some((key) => !(key in incoming.channelStatus))
  if (!missing) return incoming
  return { ...incoming, channelStatus: { ...stored.channelStatus, ...incoming.channelStatus } }
}
