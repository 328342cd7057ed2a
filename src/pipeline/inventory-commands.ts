import type { Kysely } from 'kysely'
import { upsertListings } from '../db/repos/listings.js'
import type { Database } from '../db/schema.js'
import {
  applyAdjustment,
  type Adjustment,
  type AdjustmentOutcome,
} from '../inventory/adjustments.js'
import { setOnHand, setSafetyStock, type OnHandOutcome } from '../inventory/ledger.js'
import { resolveListings, type ListingRow } from '../inventory/listing-input.js'
import type { Logger } from '../logger.js'
import { appendEvents } from '../outbox/append.js'
import { eventId, toEvent, type EventDraft, type EventOrigin } from '../outbox/event.js'
import type { Queues } from '../queues/index.js'
import type { Clock } from '../clock.js'
import type { AccountDirectory } from './accounts.js'

export interface InventoryCommandDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  readonly queues: Queues
  readonly accounts: AccountDirectory
}

/** Changes made through the hub's own API are sourced `/hub/inventory`. */
function hubOrigin(now: Date): EventOrigin {
  return { channel: 'hub', accountId: 'inventory', recordedAt: now }
}

async function append(
  trx: Kysely<Database>,
  origin: EventOrigin,
  drafts: readonly EventDraft[],
  ...idParts: string[]
): Promise<void> {
  const events = drafts.map((d, i) => toEvent(d, origin, eventId(origin, ...idParts, String(i))))
  await appendEvents(trx, events)
}

const API_CAUSE = { reference: null, channel: null, account: null } as const

/** `PUT /v1/inventory/:sku`: an absolute on-hand level as of a time, and optionally the safety stock. */
export async function putInventoryLevel(
  deps: InventoryCommandDeps,
  level: { sku: string; onHand: number; asOf: Date; safetyStock?: number },
): Promise<OnHandOutcome> {
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const origin = hubOrigin(now)
    if (level.safetyStock !== undefined) {
      const drafts = await setSafetyStock(trx, level.sku, level.safetyStock, now)
      await append(trx, origin, drafts, 'safety-stock', level.sku, now.toISOString())
    }
    const outcome = await setOnHand(trx, level, { kind: 'on-hand-set', ...API_CAUSE })
    if (outcome.applied)
      await append(trx, origin, outcome.events, 'on-hand', level.sku, level.asOf.toISOString())
    return outcome
  })
}

/** `POST /v1/inventory/adjustments`: a delta, applied once per idempotency key. */
export async function postAdjustment(
  deps: InventoryCommandDeps,
  adjustment: Adjustment,
): Promise<AdjustmentOutcome> {
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const outcome = await applyAdjustment(trx, adjustment, now)
    if (outcome.status === 'applied')
      await append(trx, hubOrigin(now), outcome.events, 'adjustment', adjustment.idempotencyKey)
    return outcome
  })
}

/**
 * `PUT /v1/listings` and `hub listings import`: creates or replaces listings (all or nothing),
 * then queues a push for each, so a new mapping shows the SKU's quantity at once. If the enqueue
 * fails, the sweeper pushes them later (their `updated_at` is after their last push).
 */
export async function putListings(
  deps: InventoryCommandDeps,
  rows: readonly ListingRow[],
): Promise<{ ok: true; ids: string[] } | { ok: false; problems: string[] }> {
  const resolved = resolveListings(rows, deps.accounts)
  if (!resolved.ok) return resolved
  let ids: string[]
  try {
    ids = await upsertListings(deps.db, resolved.listings)
  } catch (err) {
    if ((err as { constraint?: string }).constraint === 'listing_one_inventory_source')
      return {
        ok: false,
        problems: ['listings: a SKU listed here already has another inventory source'],
      }
    throw err
  }
  const targets = resolved.listings.map((l, i) => ({
    id: ids[i]!,
    channel: l.channel,
    account_id: l.accountId,
    sku: l.sku,
  }))
  await deps.queues.stock.enqueue('push', targets).catch((err: unknown) => {
    deps.log.warn({ err }, 'enqueue of stock pushes for new listings failed; sweeper will retry')
  })
  return { ok: true, ids }
}
