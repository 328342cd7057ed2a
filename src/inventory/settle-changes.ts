import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { changedSkus, lockItems, settleConsumed, takeChanges } from '../db/repos/inventory.js'
import type { Database } from '../db/schema.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventOrigin } from '../outbox/event.js'
import { recomputeItems } from './ledger.js'

/**
 * Brings the ledger rows of SKUs whose reservations changed up to date: one transaction per SKU,
 * however many orders changed it since the last time. Under the SKU's lock it settles shipped
 * units an on-hand level already reflects, re-sums the live reservations, and appends one
 * `inventory.changed.v1` if ats moved (its cause names the newest order). Run by the relay leader
 * before each relay batch, so the event is published, and the SKU's listings pushed, right away.
 * Returns how many SKUs it settled.
 */
export async function settleChangedSkus(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  limit = 200,
): Promise<number> {
  const due = await changedSkus(deps.db, limit)
  for (const { sku, upto } of due) {
    await deps.db.transaction().execute(async (trx) => {
      const items = await lockItems(trx, [sku])
      const asOf = items.get(sku)!.on_hand_as_of
      if (asOf) await settleConsumed(trx, sku, asOf)
      const newest = await takeChanges(trx, sku, String(upto))
      const now = deps.clock.now()
      const cause = {
        kind: 'reservation',
        reference: newest?.order_id ?? null,
        channel: newest?.channel ?? null,
        account: newest?.account_id ?? null,
      } as const
      const drafts = await recomputeItems(trx, items, new Map(), cause, now)
      const origin: EventOrigin = { channel: 'hub', accountId: 'inventory', recordedAt: now }
      const events = drafts.map((d) =>
        toEvent(d, origin, eventId(origin, 'reservations', sku, String(upto))),
      )
      await appendEvents(trx, events)
    })
  }
  return due.length
}
