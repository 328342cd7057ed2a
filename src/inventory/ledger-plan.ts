import type { AdjustmentRow } from '../db/repos/inventory.js'
import type { InventoryItem } from '../db/schema.js'
import type { InventoryChangeCause } from '../events/index.js'
import type { Adjustment, AdjustmentOutcome } from './adjustments.js'
import type { ItemPatch } from './ledger.js'

/** `PUT /v1/inventory/:sku`: an absolute on-hand level as of a time, optionally the safety stock. */
export interface Level {
  readonly sku: string
  readonly onHand: number
  readonly asOf: Date
  readonly safetyStock?: number
}

export type LevelOutcome =
  | { readonly applied: true }
  /** The stored level (or one earlier in the batch) is as new or newer: on-hand did not change. */
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
  /** The newest applied level per SKU: consumed units shipped before it are in it (settle them). */
  readonly levels: Map<string, Date>
  readonly last: Map<string, LastChange>
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
): LedgerPlan {
  const state = new Map<
    string,
    { onHand: number; asOf: Date | null; safetyStock: number; known: boolean }
  >()
  const stateOf = (sku: string) => {
    let s = state.get(sku)
    if (!s) {
      const item = items.get(sku)
      if (!item) throw new Error(`planLedger: SKU ${sku} is not locked`)
      s = {
        onHand: item.on_hand,
        asOf: item.on_hand_as_of,
        safetyStock: item.safety_stock,
        known: false,
      }
      state.set(sku, s)
    }
    return s
  }
  const plan: LedgerPlan = {
    outcomes: [],
    claims: [],
    patches: new Map(),
    levels: new Map(),
    last: new Map(),
  }
  const seen = new Map<string, AdjustmentRow>()
  for (const command of commands) {
    if (command.kind === 'adjustment') {
      const a = command.adjustment
      const prior = used.get(a.idempotencyKey) ?? seen.get(a.idempotencyKey)
      if (prior) {
        const outcome: AdjustmentOutcome =
          prior.sku === a.sku && prior.delta === a.delta
            ? { status: 'duplicate', onHandAfter: prior.on_hand_after }
            : { status: 'conflict', existing: { sku: prior.sku, delta: prior.delta } }
        plan.outcomes.push({ kind: 'adjustment', outcome })
        continue
      }
      const s = stateOf(a.sku)
      s.onHand += a.delta
      s.known = true
      const row = {
        idempotency_key: a.idempotencyKey,
        sku: a.sku,
        delta: a.delta,
        reason: a.reason,
        on_hand_after: s.onHand,
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
      if (s.asOf && s.asOf.getTime() >= l.asOf.getTime()) {
        plan.outcomes.push({ kind: 'level', outcome: { applied: false, storedAsOf: s.asOf } })
      } else {
        s.onHand = l.onHand
        s.asOf = l.asOf
        s.known = true
        plan.levels.set(l.sku, l.asOf)
        plan.last.set(l.sku, {
          cause: { kind: 'on-hand-set', reference: null, ...API },
          at: l.asOf,
          idParts: ['on-hand', l.sku, l.asOf.toISOString()],
        })
        plan.outcomes.push({ kind: 'level', outcome: { applied: true } })
      }
    }
  }
  for (const sku of plan.last.keys()) {
    const s = state.get(sku)!
    const patch = { onHand: s.onHand, safetyStock: s.safetyStock, onHandKnown: s.known }
    plan.patches.set(sku, s.asOf ? { ...patch, onHandAsOf: s.asOf } : patch)
  }
  return plan
}
