import type { Kysely } from 'kysely'
import {
  lockItems,
  readLocationLevels,
  settleConsumedMany,
  sumReservationsBySku,
  takeChanges,
  writeItems,
  writeLocationLevels,
  type ItemRow,
  type LocationLevel,
  type TakenChanges,
} from '../db/repos/inventory.js'
import { DEFAULT_LOCATION } from '../config/locations.js'
import type { Database, InventoryItem } from '../db/schema.js'
import type { InventoryChangeCause } from '../events/index.js'
import type { EventDraft } from '../outbox/event.js'
import { availableToSell } from './policy.js'
import { planLedger, type ItemPatch } from './ledger-plan.js'

export type InventoryChangedDraft = Extract<EventDraft, { type: 'inventory.changed.v1' }>

/**
 * What happened to the locked SKUs' reservations since their `reserved` was last written: the
 * orders' change notes, taken now (see `takeChanges`), and the shipped units an on-hand level
 * already reflects, settled now — the stored level's, or a newer one in `levels` being applied.
 * Returns each SKU's reserved units now, and per SKU the notes taken. Incremental, so its cost does
 * not grow with a SKU's open orders; a note from before deltas were kept re-sums its SKU once.
 */
export async function reservationsNow(
  trx: Kysely<Database>,
  items: ReadonlyMap<string, InventoryItem>,
  levels: ReadonlyMap<string, Date> = new Map(),
): Promise<{ reserved: Map<string, number>; taken: Map<string, TakenChanges> }> {
  const settleAsOf = new Map<string, Date>()
  for (const [sku, item] of items) {
    const stored = item.on_hand_as_of
    const level = levels.get(sku)
    const asOf = level && (!stored || level > stored) ? level : stored
    if (asOf) settleAsOf.set(sku, asOf)
  }
  // Take the notes, settle (which notes its own changes), and if it settled anything take again:
  // every take sees whole transactions (a row change and its note commit together), so `reserved`
  // is the live units of one consistent snapshot. A row an order commits after the settle has its
  // own note, which makes the SKU due for the next settle.
  const skus = [...items.keys()]
  let taken = await takeChanges(trx, skus)
  if ((await settleConsumedMany(trx, settleAsOf)) > 0)
    taken = mergeTaken(taken, await takeChanges(trx, skus))
  const recount = [...taken].filter(([, t]) => t.delta === 'recount').map(([sku]) => sku)
  const summed = await sumReservationsBySku(trx, recount)
  const reserved = new Map<string, number>()
  for (const [sku, item] of items) {
    const delta = taken.get(sku)?.delta ?? 0
    reserved.set(sku, delta === 'recount' ? (summed.get(sku) ?? 0) : item.reserved + delta)
  }
  return { reserved, taken }
}

function mergeTaken(
  a: ReadonlyMap<string, TakenChanges>,
  b: ReadonlyMap<string, TakenChanges>,
): Map<string, TakenChanges> {
  const merged = new Map(a)
  for (const [sku, later] of b) {
    const earlier = merged.get(sku)
    merged.set(
      sku,
      !earlier
        ? later
        : {
            delta:
              earlier.delta === 'recount' || later.delta === 'recount'
                ? 'recount'
                : earlier.delta + later.delta,
            newest: later.newest,
            upto: later.upto,
          },
    )
  }
  return merged
}

/**
 * Recomputes the locked items' `ats` from their inputs and `reserved` (see {@link reservationsNow}),
 * writes them, and returns one `inventory.changed.v1` draft per SKU whose ats moved. One statement
 * however many SKUs (a group commit locks many).
 */
export async function recomputeItems(
  trx: Kysely<Database>,
  items: ReadonlyMap<string, InventoryItem>,
  patches: ReadonlyMap<string, ItemPatch>,
  cause: InventoryChangeCause | ((sku: string) => InventoryChangeCause),
  at: Date,
  reservedBySku: ReadonlyMap<string, number>,
  locations: ReadonlyMap<string, ReadonlyMap<string, LocationLevel>> = new Map(),
): Promise<InventoryChangedDraft[]> {
  const rows: ItemRow[] = []
  const drafts: InventoryChangedDraft[] = []
  for (const [sku, item] of items) {
    const patch = patches.get(sku) ?? {}
    const onHand = patch.onHand ?? item.on_hand
    const safetyStock = patch.safetyStock ?? item.safety_stock
    const reserved = reservedBySku.get(sku) ?? item.reserved
    const ats = availableToSell(onHand, reserved, safetyStock)
    const moved = ats !== item.ats
    const onHandAsOf = patch.onHandAsOf !== undefined ? patch.onHandAsOf : item.on_hand_as_of
    rows.push({
      sku,
      on_hand: onHand,
      on_hand_as_of: onHandAsOf,
      safety_stock: safetyStock,
      reserved,
      ats,
      moved,
      on_hand_known: item.on_hand_known || patch.onHandKnown === true,
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
        ...locationBreakdown(locations.get(sku)),
      },
    })
  }
  await writeItems(trx, rows, new Date())
  return drafts
}

/** The event's per-location on-hand, for a SKU kept anywhere but `default` alone (else absent). */
function locationBreakdown(levels: ReadonlyMap<string, LocationLevel> | undefined) {
  if (!levels || [...levels.keys()].every((l) => l === DEFAULT_LOCATION)) return {}
  return {
    locations: [...levels]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([location, l]) => ({
        location,
        onHand: l.onHand,
        onHandAsOf: l.asOf?.toISOString() ?? null,
      })),
  }
}

/**
 * The cause and event id of a SKU change that only reservations made: the newest order noted,
 * or (no note taken: only shipped units a stored level reflects were settled) none, named by the
 * level they were settled against.
 */
export function reservationChange(
  sku: string,
  item: InventoryItem,
  taken: TakenChanges | undefined,
): { cause: InventoryChangeCause; idParts: string[] } {
  if (!taken)
    return {
      cause: { kind: 'reservation', reference: null, channel: null, account: null },
      idParts: ['settled', sku, item.on_hand_as_of?.toISOString() ?? ''],
    }
  return {
    cause: {
      kind: 'reservation',
      reference: taken.newest.order_id,
      channel: taken.newest.channel,
      account: taken.newest.account_id,
    },
    idParts: ['reservations', sku, taken.upto],
  }
}

export type OnHandOutcome =
  | { readonly applied: true; readonly events: EventDraft[] }
  /** The stored level is as new or newer: nothing changed. */
  | { readonly applied: false; readonly storedAsOf: Date }

/**
 * Sets the absolute on-hand level of one location of a SKU (absent: `default`) as of `asOf`. A
 * level not newer than the location's stored one changes nothing. Shipped units consumed before
 * the SKU's settle time (`settleAsOf`) are in on-hand already, so they stop counting as reserved
 * (DESIGN.md §6: never counted twice nor zero times). Decided by `planLedger`, as a level from
 * `PUT /v1/inventory/:sku` is.
 */
export async function setOnHand(
  trx: Kysely<Database>,
  level: {
    readonly sku: string
    readonly onHand: number
    readonly asOf: Date
    readonly location?: string
  },
  cause: InventoryChangeCause,
): Promise<OnHandOutcome> {
  const items = await lockItems(trx, [level.sku])
  const stored = await readLocationLevels(trx, [level.sku])
  const plan = planLedger(items, [{ kind: 'level', level }], new Map(), level.asOf, stored)
  const outcome = plan.outcomes[0]!
  if (outcome.kind === 'level' && !outcome.outcome.applied)
    return { applied: false, storedAsOf: outcome.outcome.storedAsOf }
  const { reserved } = await reservationsNow(trx, items, plan.levels)
  await writeLocationLevels(trx, plan.locationLevels, new Date())
  const events = await recomputeItems(
    trx,
    items,
    plan.patches,
    cause,
    level.asOf,
    reserved,
    plan.locations,
  )
  return { applied: true, events }
}
