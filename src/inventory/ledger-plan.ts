import type { AdjustmentRow, LocationLevel, LocationLevelRow } from '../db/repos/inventory.js'
import type { InventoryItem } from '../db/schema.js'
import { DEFAULT_LOCATION } from '../config/locations.js'
import type { InventoryChangeCause } from '../events/index.js'
import type { Adjustment, AdjustmentOutcome } from './adjustments.js'

/** What changes about one SKU's inputs. */
export interface ItemPatch {
  readonly onHand?: number
  /** The SKU's settle time (`settleAsOf`); null when one of its locations has no level yet. */
  readonly onHandAsOf?: Date | null
  readonly safetyStock?: number
  /** A level or an adjustment set on-hand: from now on it is known (pushes may go out). */
  readonly onHandKnown?: boolean
}

/**
 * `PUT /v1/inventory/:sku`: an absolute on-hand level of one location (absent: `default`) as of a
 * time, optionally the SKU's safety stock.
 */
export interface Level {
  readonly sku: string
  readonly onHand: number
  readonly asOf: Date
  readonly safetyStock?: number
  readonly location?: string
}

export type LevelOutcome =
  | { readonly applied: true }
  /**
   * The location's stored level (or one earlier in the batch) is as new or newer: on-hand did not
   * change.
   */
  | { readonly applied: false; readonly storedAsOf: Date }

export type LedgerCommand =
  | { readonly kind: 'adjustment'; readonly adjustment: Adjustment }
  | { readonly kind: 'level'; readonly level: Level }

export type LedgerOutcome =
  | { readonly kind: 'adjustment'; readonly outcome: AdjustmentOutcome }
  | { readonly kind: 'level'; readonly outcome: LevelOutcome }

/** The last command that changed a SKU in the batch: the cause of its event, and the event's id. */
export interface LastChange {
  readonly cause: InventoryChangeCause
  /** When it happened: a level's as-of, else when the batch was applied. */
  readonly at: Date
  /** Unique to that command (its key, or SKU and as-of), so a retry yields the same event id. */
  readonly idParts: readonly string[]
}

export interface LedgerPlan {
  readonly outcomes: LedgerOutcome[]
  /** Adjustments to store, first use of each key only, with the running on-hand after each. */
  readonly claims: AdjustmentRow[]
  /** The SKUs something changed, with their inputs after the whole batch. */
  readonly patches: Map<string, ItemPatch>
  /**
   * Per SKU whose levels moved its settle time (see {@link settleAsOf}) forward, the new one:
   * consumed units shipped before it are in on-hand (settle them).
   */
  readonly levels: Map<string, Date>
  /** The locations something changed, as they are after the whole batch. */
  readonly locationLevels: LocationLevelRow[]
  /** Per SKU something changed, its locations after the whole batch (for the event). */
  readonly locations: Map<string, ReadonlyMap<string, LocationLevel>>
  readonly last: Map<string, LastChange>
}

/**
 * The time before which a SKU's shipped units are in its on-hand: its locations' oldest level,
 * null while any of its locations has none. With one location, that location's level's as-of, as
 * before locations. With several, a shipment stops counting as reserved only once every location
 * has been counted after it: the hub does not know which location shipped it, and settling it
 * against another location's count would count it zero times (offer units that are gone); this
 * way it may count twice for a while (offer fewer), the safe side.
 */
export function settleAsOf(locations: ReadonlyMap<string, LocationLevel>): Date | null {
  let oldest: Date | null = null
  for (const level of locations.values()) {
    if (!level.asOf) return null
    if (!oldest || level.asOf < oldest) oldest = level.asOf
  }
  return oldest
}

const API = { channel: null, account: null } as const

/**
 * Decides a batch of ledger commands in submit order, as if each had run alone one after the
 * other: adjustments add to the running on-hand of their SKU; a level replaces it when it is newer
 * than the as-of stored or set earlier in the batch; a key seen before (`used`: stored by an
 * earlier transaction; or earlier in this batch) is a duplicate when its SKU and delta match, else a
 * conflict. Pure, so the transaction around it can plan, claim the keys, and plan again with the
 * keys it could not claim.
 */
export function planLedger(
  items: ReadonlyMap<string, InventoryItem>,
  commands: readonly LedgerCommand[],
  used: ReadonlyMap<string, AdjustmentRow>,
  now: Date,
  stored: ReadonlyMap<string, ReadonlyMap<string, LocationLevel>> = new Map(),
): LedgerPlan {
  interface State {
    onHand: number
    safetyStock: number
    locations: Map<string, LocationLevel>
    /** A level or an adjustment set on-hand in this batch. */
    known: boolean
  }
  const state = new Map<string, State>()
  const stateOf = (sku: string) => {
    let s = state.get(sku)
    if (!s) {
      const item = items.get(sku)
      if (!item) throw new Error(`planLedger: SKU ${sku} is not locked`)
      // A SKU with no location rows but some stock (none kept since the migration moved every
      // SKU to `default`) has it all in `default`.
      const fallback: Array<[string, LocationLevel]> =
        item.on_hand !== 0 || item.on_hand_as_of !== null
          ? [[DEFAULT_LOCATION, { onHand: item.on_hand, asOf: item.on_hand_as_of }]]
          : []
      s = {
        onHand: item.on_hand,
        safetyStock: item.safety_stock,
        locations: new Map(stored.get(sku) ?? fallback),
        known: false,
      }
      state.set(sku, s)
    }
    return s
  }
  const touched = new Set<string>()
  const locationOf = (s: State, sku: string, location: string) => {
    touched.add(`${sku}\u001f${location}`)
    return s.locations.get(location) ?? { onHand: 0, asOf: null }
  }
  const plan: LedgerPlan = {
    outcomes: [],
    claims: [],
    patches: new Map(),
    levels: new Map(),
    locationLevels: [],
    locations: new Map(),
    last: new Map(),
  }
  const seen = new Map<string, AdjustmentRow>()
  for (const command of commands) {
    if (command.kind === 'adjustment') {
      const a = command.adjustment
      const location = a.location ?? DEFAULT_LOCATION
      const prior = used.get(a.idempotencyKey) ?? seen.get(a.idempotencyKey)
      if (prior) {
        const outcome: AdjustmentOutcome =
          prior.sku === a.sku && prior.delta === a.delta && prior.location === location
            ? { status: 'duplicate', onHandAfter: prior.on_hand_after }
            : {
                status: 'conflict',
                existing: {
                  sku: prior.sku,
                  delta: prior.delta,
                  ...(prior.location === DEFAULT_LOCATION ? {} : { location: prior.location }),
                },
              }
        plan.outcomes.push({ kind: 'adjustment', outcome })
        continue
      }
      const s = stateOf(a.sku)
      const level = locationOf(s, a.sku, location)
      s.locations.set(location, { ...level, onHand: level.onHand + a.delta })
      s.onHand += a.delta
      s.known = true
      const row = {
        idempotency_key: a.idempotencyKey,
        sku: a.sku,
        delta: a.delta,
        reason: a.reason,
        on_hand_after: s.onHand,
        location,
      }
      seen.set(a.idempotencyKey, row)
      plan.claims.push(row)
      plan.last.set(a.sku, {
        cause: { kind: 'adjustment', reference: a.idempotencyKey, ...API },
        at: now,
        idParts: ['adjustment', a.idempotencyKey],
      })
      plan.outcomes.push({
        kind: 'adjustment',
        outcome: { status: 'applied', onHandAfter: s.onHand },
      })
    } else {
      const l = command.level
      const location = l.location ?? DEFAULT_LOCATION
      const s = stateOf(l.sku)
      if (l.safetyStock !== undefined) {
        // The transition is part of the id: two batches changing one SKU's safety stock within
        // the same millisecond (5 → 3, then 3 → 5) are two events, not one deduplicated away.
        const transition = `${s.safetyStock}->${l.safetyStock}`
        s.safetyStock = l.safetyStock
        plan.last.set(l.sku, {
          cause: { kind: 'safety-stock', reference: null, ...API },
          at: now,
          idParts: ['safety-stock', l.sku, now.toISOString(), transition],
        })
      }
      const level = s.locations.get(location) ?? { onHand: 0, asOf: null }
      if (level.asOf && level.asOf.getTime() >= l.asOf.getTime()) {
        plan.outcomes.push({ kind: 'level', outcome: { applied: false, storedAsOf: level.asOf } })
      } else {
        locationOf(s, l.sku, location)
        s.onHand += l.onHand - level.onHand
        s.locations.set(location, { onHand: l.onHand, asOf: l.asOf })
        s.known = true
        plan.last.set(l.sku, {
          cause: { kind: 'on-hand-set', reference: null, ...API },
          at: l.asOf,
          // `default`'s ids are as before locations; another location's name its own.
          idParts: [
            'on-hand',
            l.sku,
            l.asOf.toISOString(),
            ...(location === DEFAULT_LOCATION ? [] : [location]),
          ],
        })
        plan.outcomes.push({ kind: 'level', outcome: { applied: true } })
      }
    }
  }
  for (const sku of plan.last.keys()) {
    const s = state.get(sku)!
    const item = items.get(sku)!
    const asOf = s.locations.size > 0 ? settleAsOf(s.locations) : item.on_hand_as_of
    if (asOf && (!item.on_hand_as_of || asOf > item.on_hand_as_of)) plan.levels.set(sku, asOf)
    plan.patches.set(sku, {
      onHand: s.onHand,
      safetyStock: s.safetyStock,
      onHandAsOf: asOf,
      onHandKnown: s.known,
    })
    plan.locations.set(sku, s.locations)
  }
  for (const key of touched) {
    const [sku, location] = key.split('\u001f') as [string, string]
    const level = state.get(sku)!.locations.get(location)!
    plan.locationLevels.push({
      sku,
      location,
      on_hand: level.onHand,
      on_hand_as_of: level.asOf,
    })
  }
  return plan
}
