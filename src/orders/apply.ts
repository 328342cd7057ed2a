import type { Kysely } from 'kysely'
import type { OrderSnapshot } from '../events/index.js'
import { insertOrder, lockOrder, updateOrder, type OrderKey } from '../db/repos/orders.js'
import type { Database } from '../db/schema.js'
import { reserveOrder } from '../inventory/reservations.js'
import type { EventDraft } from '../outbox/event.js'
import { decideOrderChange } from './diff.js'

/**
 * Applies one order snapshot inside the caller's transaction and returns the events it causes.
 * A new order is inserted directly (one statement, the common case for orders/create); a known one
 * is locked until the transaction ends, so concurrent snapshots of one order are compared one
 * after the other, never both against the same old state. The order's stock reservations follow
 * the stored snapshot in the same transaction.
 */
export async function applyOrderSnapshot(
  trx: Kysely<Database>,
  key: OrderKey,
  snapshot: OrderSnapshot,
  inboxId: string,
): Promise<readonly EventDraft[]> {
  if (await insertOrder(trx, key, snapshot, inboxId)) {
    const created = decideOrderChange(undefined, snapshot)
    await reserveOrder(trx, key, snapshot, false)
    return created.kind === 'store' ? created.events : []
  }
  const decision = decideOrderChange(await lockOrder(trx, key), snapshot)
  if (decision.kind === 'keep') return []
  await updateOrder(trx, key, decision.snapshot, inboxId)
  await reserveOrder(trx, key, decision.snapshot)
  return decision.events
}
