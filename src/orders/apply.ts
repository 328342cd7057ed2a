import type { Kysely } from 'kysely'
import type { OrderSnapshot } from '../events/index.js'
import {
  insertOrders,
  lockOrders,
  orderKeyString,
  updateOrders,
  type OrderKey,
  type OrderWrite,
} from '../db/repos/orders.js'
import type { Database } from '../db/schema.js'
import { planReservations } from '../inventory/reservations.js'
import { writeReservations, type ReservationWrites } from '../db/repos/reservations.js'
import type { EventDraft } from '../outbox/event.js'
import { decideOrderChange } from './diff.js'

/**
 * Applies order snapshots inside the caller's transaction and returns the events each one causes
 * (same order as `snapshots`). Snapshots are applied in the order given, so two of one order in a
 * batch are compared one after the other, exactly as if they had come in two transactions; a
 * stale one changes nothing. A few statements serve the whole batch:
 * - new orders are inserted directly (the common case for orders/create);
 * - known ones are locked until the transaction ends, so a concurrent batch that touches the same
 *   order waits and then compares against what this one stored;
 * - changed orders are written back; their stock reservations are decided (the caller writes them,
 *   with `reservationWrites` in its own last statement, or `writeReservations`).
 */
export async function applyOrderSnapshots(
  trx: Kysely<Database>,
  snapshots: readonly OrderWrite[],
): Promise<{ drafts: EventDraft[][]; reservations: ReservationWrites }> {
  const firstOfKey = new Map<string, OrderWrite>()
  for (const s of snapshots) {
    const k = orderKeyString(s.key)
    if (!firstOfKey.has(k)) firstOfKey.set(k, s)
  }
  const inserted = await insertOrders(trx, [...firstOfKey.values()])
  const known = [...firstOfKey].filter(([k]) => !inserted.has(k)).map(([, s]) => s.key)
  const stored: Map<string, OrderSnapshot | undefined> = await lockOrders(trx, known)

  // Walk the batch in order against the state each snapshot would have met.
  const changed = new Map<string, OrderWrite>()
  const drafts = snapshots.map((s) => {
    const k = orderKeyString(s.key)
    const created = firstOfKey.get(k) === s && inserted.has(k)
    const decision = decideOrderChange(created ? undefined : stored.get(k), s.snapshot)
    if (decision.kind === 'keep') return []
    stored.set(k, decision.snapshot)
    if (!created) changed.set(k, { key: s.key, snapshot: decision.snapshot, inboxId: s.inboxId })
    const polled = created && s.foundBy !== undefined && s.foundBy !== 'webhook'
    return polled
      ? [...decision.events, foundByPolling(s.snapshot, s.foundBy)]
      : [...decision.events]
  })
  await updateOrders(trx, [...changed.values()])
  const touched = new Set([...inserted, ...changed.keys()])
  const reservations = await planReservations(
    trx,
    [...touched].map((k) => ({
      key: firstOfKey.get(k)!.key,
      snapshot: stored.get(k)!,
      known: !inserted.has(k),
    })),
  )
  return { drafts, reservations }
}

/** An order that order sync, not a webhook, brought to the hub first. */
function foundByPolling(snapshot: OrderSnapshot, via: 'sync' | 'backfill'): EventDraft {
  return {
    type: 'order.found_by_polling.v1',
    subject: `order/${snapshot.externalId}`,
    time: snapshot.updatedAt,
    data: {
      externalOrderId: snapshot.externalId,
      via,
      placedAt: snapshot.placedAt,
      channelUpdatedAt: snapshot.updatedAt,
      status: snapshot.status,
    },
  }
}

/** One snapshot: {@link applyOrderSnapshots} with a batch of one. */
export async function applyOrderSnapshot(
  trx: Kysely<Database>,
  key: OrderKey,
  snapshot: OrderSnapshot,
  inboxId: string,
): Promise<readonly EventDraft[]> {
  const { drafts, reservations } = await applyOrderSnapshots(trx, [{ key, snapshot, inboxId }])
  await writeReservations(trx, reservations)
  return drafts[0]!
}
