import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { changedSkus, lockItems } from '../db/repos/inventory.js'
import type { Database } from '../db/schema.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventOrigin } from '../outbox/event.js'
import { recomputeItems, reservationChange, reservationsNow } from './ledger.js'

/**
 * Brings the ledger rows of SKUs whose reservations changed up to date: one transaction per SKU,
 * however many orders changed it since the last time. Under the SKU's lock it settles shipped
 * units an on-hand level already reflects, adds the orders' noted reservation changes, and appends one
 * `inventory.changed.v1` if ats moved (its cause names the newest order). Run by the relay leader
 * before each relay batch, so the event is published, and the SKU's listings pushed, right away.
 * Returns how many SKUs it settled.
 */
export async function settleChangedSkus(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  limit = 200,
): Promise<number> {
  const due = await changedSkus(deps.db, limit)
  for (const sku of due) {
    await deps.db.transaction().execute(async (trx) => {
      const items = await lockItems(trx, [sku])
      const item = items.get(sku)!
      const { reserved, taken } = await reservationsNow(trx, items)
      // Another holder of the SKU's lock may have taken the notes first.
      if (!taken.has(sku) && reserved.get(sku) === item.reserved) return
      const { cause, idParts } = reservationChange(sku, item, taken.get(sku))
      const now = deps.clock.now()
      const drafts = await recomputeItems(trx, items, new Map(), cause, now, reserved)
      const origin: EventOrigin = { channel: 'hub', accountId: 'inventory', recordedAt: now }
      await appendEvents(
        trx,
        drafts.map((d) => toEvent(d, origin, eventId(origin, ...idParts))),
      )
    })
  }
  return due.length
}
