import type { Kysely } from 'kysely'
import {
  claimAdjustments,
  lockItems,
  readAdjustments,
  readLocationLevels,
  setOnHandAfter,
  writeLocationLevels,
} from '../db/repos/inventory.js'
import type { Database } from '../db/schema.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventOrigin } from '../outbox/event.js'
import { recomputeItems, reservationChange, reservationsNow } from './ledger.js'
import { planLedger, type LedgerCommand, type LedgerOutcome } from './ledger-plan.js'

/**
 * Applies a batch of adjustments and levels in the caller's transaction, under one lock per SKU,
 * with the same outcomes as running them one at a time in submit order (see `planLedger`). The
 * statements do not grow in number with the batch, and few run while the locks are held (each
 * one holds up every batch waiting for a hot SKU):
 * - lock every SKU, in SKU order (`lockItems`: 2), and read their locations (1);
 * - only if a level applied: settle the shipped units it reflects (2);
 * - take the orders' reservation changes noted for the SKUs (`reservationsNow`: 1);
 * - claim every new key with one multi-row insert (1);
 * - only if some key was used before: read those keys' rows, and correct the running on-hand
 *   stored with the claimed ones (2);
 * - write the changed locations (1) and SKUs (1), and append one `inventory.changed.v1` per SKU
 *   whose ats moved (1).
 *   Its cause is the last command that changed the SKU, and its id comes from that command,
 *   applied once only, so a retried batch cannot emit twice.
 * Common case, adjustments only: 8 statements plus BEGIN and COMMIT.
 */
export async function commitLedgerCommands(
  trx: Kysely<Database>,
  commands: readonly LedgerCommand[],
  now: Date,
): Promise<LedgerOutcome[]> {
  const skus = commands.map((c) => (c.kind === 'adjustment' ? c.adjustment.sku : c.level.sku))
  const items = await lockItems(trx, skus)
  const stored = await readLocationLevels(trx, skus)
  let plan = planLedger(items, commands, new Map(), now, stored)
  // Levels do not depend on the keys: settle the shipped units they reflect, and take the orders'
  // reservation changes noted since the SKUs were last written.
  const { reserved, taken } = await reservationsNow(trx, items, plan.levels)
  const claimed = await claimAdjustments(trx, plan.claims)
  if (claimed.size < plan.claims.length) {
    // Planned as if every key were new: plan again knowing which were not.
    const first = new Map(plan.claims.map((c) => [c.idempotency_key, c.on_hand_after]))
    const unclaimed = plan.claims.filter((c) => !claimed.has(c.idempotency_key))
    const used = await readAdjustments(
      trx,
      unclaimed.map((c) => c.idempotency_key),
    )
    plan = planLedger(items, commands, used, now, stored)
    if (plan.claims.some((c) => !claimed.has(c.idempotency_key)))
      throw new Error('an idempotency key was neither claimed nor found')
    await setOnHandAfter(
      trx,
      plan.claims.filter((c) => c.on_hand_after !== first.get(c.idempotency_key)),
    )
  }
  // Written: SKUs the commands changed, and SKUs whose reservations changed above (their notes
  // are gone, so their reserved must be stored now).
  const changed = new Map(
    [...items].filter(
      ([sku, item]) =>
        plan.patches.has(sku) || taken.has(sku) || reserved.get(sku) !== item.reserved,
    ),
  )
  const change = (sku: string) => {
    const last = plan.last.get(sku)
    if (last) return { ...last, idParts: [...last.idParts, '0'] }
    return { ...reservationChange(sku, items.get(sku)!, taken.get(sku)), at: now }
  }
  await writeLocationLevels(trx, plan.locationLevels, now)
  const drafts = await recomputeItems(
    trx,
    changed,
    plan.patches,
    (sku) => change(sku).cause,
    now,
    reserved,
    plan.locations,
  )
  const origin: EventOrigin = { channel: 'hub', accountId: 'inventory', recordedAt: now }
  const events = drafts.map((draft) => {
    const { at, idParts } = change(draft.data.sku)
    return toEvent({ ...draft, time: at.toISOString() }, origin, eventId(origin, ...idParts))
  })
  await appendEvents(trx, events)
  return plan.outcomes
}
