import type { Kysely } from 'kysely'
import { lockItems } from '../db/repos/inventory.js'
import type { Database } from '../db/schema.js'
import type { EventDraft } from '../outbox/event.js'
import { recomputeItems } from './ledger.js'

export interface Adjustment {
  readonly idempotencyKey: string
  readonly sku: string
  /** Signed change of on-hand units. */
  readonly delta: number
  readonly reason: string | null
}

export type AdjustmentOutcome =
  | { readonly status: 'applied'; readonly onHandAfter: number; readonly events: EventDraft[] }
  /** The key was applied before with the same SKU and delta: nothing changes now. */
  | { readonly status: 'duplicate'; readonly onHandAfter: number }
  /** The key was applied before to a different SKU or delta: a client bug, refused. */
  | { readonly status: 'conflict'; readonly existing: { sku: string; delta: number } }

/**
 * Applies an on-hand delta exactly once per idempotency key. The SKU is locked before the key is
 * claimed, so two requests with the same key are decided one after the other.
 */
export async function applyAdjustment(
  trx: Kysely<Database>,
  adjustment: Adjustment,
  at: Date,
): Promise<AdjustmentOutcome> {
  const items = await lockItems(trx, [adjustment.sku])
  const item = items.get(adjustment.sku)!
  const onHandAfter = item.on_hand + adjustment.delta
  const claimed = await trx
    .insertInto('inventory_adjustment')
    .values({
      idempotency_key: adjustment.idempotencyKey,
      sku: adjustment.sku,
      delta: adjustment.delta,
      reason: adjustment.reason,
      on_hand_after: onHandAfter,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('idempotency_key')
    .executeTakeFirst()
  if (!claimed) {
    const existing = await trx
      .selectFrom('inventory_adjustment')
      .select(['sku', 'delta', 'on_hand_after'])
      .where('idempotency_key', '=', adjustment.idempotencyKey)
      .executeTakeFirstOrThrow()
    return existing.sku === adjustment.sku && existing.delta === adjustment.delta
      ? { status: 'duplicate', onHandAfter: existing.on_hand_after }
      : { status: 'conflict', existing: { sku: existing.sku, delta: existing.delta } }
  }
  const cause = {
    kind: 'adjustment',
    reference: adjustment.idempotencyKey,
    channel: null,
    account: null,
  } as const
  const events = await recomputeItems(
    trx,
    items,
    new Map([[adjustment.sku, { onHand: onHandAfter }]]),
    cause,
    at,
  )
  return { status: 'applied', onHandAfter, events }
}
