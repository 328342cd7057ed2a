import type { Kysely } from 'kysely'
import {
  lockItems,
  settleConsumed,
  sumReservationsBySku,
  writeItems,
  type ItemRow,
} from '../db/repos/inventory.js'
import type { Database, InventoryItem } from '../db/schema.js'
import type { InventoryChangeCause } from '../events/index.js'
import type { EventDraft } from '../outbox/event.js'
import { availableToSell } from './policy.js'

/** What changes about one SKU's inputs. */
export interface ItemPatch {
  readonly onHand?: number
  readonly onHandAsOf?: Date
  readonly safetyStock?: number
}

export type InventoryChangedDraft = Extract<EventDraft, { type: 'inventory.changed.v1' }>

/**
 * Recomputes the locked items' `reserved` and `ats` after their inputs changed, writes them, and
 * returns one `inventory.changed.v1` draft per SKU whose ats moved. The caller holds the items'
 * locks (`lockItems`); `reserved` is summed from the live reservations, so it is exact whatever
 * happened since the last recompute (a caller that summed them under the locks passes `summed`).
 * At most two statements however many SKUs (a group commit locks many).
 */
export async function recomputeItems(
  trx: Kysely<Database>,
  items: ReadonlyMap<string, InventoryItem>,
  patches: ReadonlyMap<string, ItemPatch>,
  cause: InventoryChangeCause | ((sku: string) => InventoryChangeCause),
  at: Date,
  /** The items' live reservations, when the caller summed them already under the locks. */
  summed?: ReadonlyMap<string, number>,
): Promise<InventoryChangedDraft[]> {
  const reservedBySku = summed ?? (await sumReservationsBySku(trx, [...items.keys()]))
  const rows: ItemRow[] = []
  const drafts: InventoryChangedDraft[] = []
  for (const [sku, item] of items) {
    const patch = patches.get(sku) ?? {}
    const onHand = patch.onHand ?? item.on_hand
    const safetyStock = patch.safetyStock ?? item.safety_stock
    const reserved = reservedBySku.get(sku) ?? 0
    const ats = availableToSell(onHand, reserved, safetyStock)
    const moved = ats !== item.ats
    const onHandAsOf = patch.onHandAsOf ?? item.on_hand_as_of
    rows.push({
      sku,
      on_hand: onHand,
      on_hand_as_of: onHandAsOf,
      safety_stock: safetyStock,
      reserved,
      ats,
      moved,
    })
    if (!moved) continue
    drafts.push({
      type: 'inventory.changed.v1',
      subject: `sku/${sku}`,
      time: at.toISOString(),
      data: {
        sku,
        onHand,
        reserved,
        safetyStock,
        ats,
        previousAts: item.ats,
        cause: typeof cause === 'function' ? cause(sku) : cause,
      },
    })
  }
  await writeItems(trx, rows, new Date())
  return drafts
}

export type OnHandOutcome =
  | { readonly applied: true; readonly events: EventDraft[] }
  /** The stored level is as new or newer: nothing changed. */
  | { readonly applied: false; readonly storedAsOf: Date }

/**
 * Sets a SKU's absolute on-hand level as of `asOf`. A level not newer than the stored one changes
 * nothing. Shipped units consumed before `asOf` are in this level already, so they stop counting
 * as reserved (DESIGN.md §6: never counted twice nor zero times).
 */
export async function setOnHand(
  trx: Kysely<Database>,
  level: { readonly sku: string; readonly onHand: number; readonly asOf: Date },
  cause: InventoryChangeCause,
): Promise<OnHandOutcome> {
  const items = await lockItems(trx, [level.sku])
  const item = items.get(level.sku)!
  if (item.on_hand_as_of && item.on_hand_as_of.getTime() >= level.asOf.getTime())
    return { applied: false, storedAsOf: item.on_hand_as_of }
  await settleConsumed(trx, level.sku, level.asOf)
  const patch = { onHand: level.onHand, onHandAsOf: level.asOf }
  const events = await recomputeItems(trx, items, new Map([[level.sku, patch]]), cause, level.asOf)
  return { applied: true, events }
}
