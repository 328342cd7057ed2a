import { sql } from 'kysely'
import {
  recordPushes,
  recordPushesNotSent,
  type ListingRoute,
  type PushBasis,
  type PushRecord,
} from '../db/repos/listings.js'
import { partitionedWrite } from '../inventory/allocation.js'
import {
  ChannelApiError,
  fitQuantity,
  type BulkStockItem,
  type BulkStockSupport,
  type ChannelClient,
} from '../../connectors/index.js'
import { isStepResult, stockCallFailure } from './listing-stock.js'
import { allocationWindow, planPushes, type PlannedPush } from './plan-push.js'
import type { PushDeps, PushOutcome } from './push-stock.js'
import { DONE, type StepResult } from './step-result.js'

interface Due {
  readonly planned: PlannedPush & { readonly decision: { kind: 'write' } }
  readonly quantity: number
  readonly expected: number
  readonly committedAtBase: number | undefined
  /** From the read before the write to its answer; absent without a read. */
  readonly readAt: Date | undefined
}

/**
 * Pushes many listings of one account at once in the channel's bulk form (a multi-quantity
 * mutation, a feed): each listing is planned as a single push would be (allocation, gates,
 * in-flight marking), the writes go out in chunks of the channel's `maxItems`, and each item's
 * result is recorded as a single push's would be. Listings whose item failed in a way a retry may
 * cure, or whose SKU changed while the batch was out, are queued again as single pushes, so the
 * last value still lands (DESIGN.md §10 invariant 5). A failure of a whole call (a 429, an outage)
 * queues every listing of the batch again and ends the job with that failure.
 */
export async function pushListingsInBulk(
  deps: PushDeps,
  listingIds: readonly string[],
  count: (outcome: PushOutcome) => void,
): Promise<StepResult> {
  const startedAt = new Date()
  const due: Due[] = []
  const again: ListingRoute[] = []
  // Records are written together, one statement each before and after every call.
  const notSent: Parameters<typeof recordPushesNotSent>[1][number][] = []
  const failed: PushRecordOf[] = []
  const donors: ListingRoute[] = []
  let bulk: BulkStockSupport<unknown, ChannelClient> | undefined
  let client: ChannelClient | undefined
  const plans = await planPushes(
    deps.db,
    deps.accounts,
    listingIds,
    allocationWindow(deps.config.stock),
  )
  for (const [id, planned] of plans) {
    if (isStepResult(planned)) continue // deleted, or its account gone: nothing to send
    const { decision, listing } = planned
    donors.push(...planned.donors)
    if (decision.kind === 'hold') {
      count('held')
      notSent.push({ id, at: deps.clock.now(), held: decision })
      continue
    }
    if (decision.kind !== 'write') {
      notSent.push({ id, at: deps.clock.now() })
      continue
    }
    bulk = planned.stock.bulk
    client = planned.client
    // As a single partitioned push: read first, so sales the hub has not heard of are not offered
    // again (push-stock.ts).
    let onChannel: number | null = null
    const readAt = deps.clock.now()
    if (decision.reason !== 'shared' && listing.offered_base !== null) {
      try {
        onChannel = (await planned.stock.read(planned.client, planned.unit)) ?? 0
      } catch (err) {
        const outcome = stockCallFailure(err, planned.stock.throttlePauseMs)
        failed.push(
          failure(deps, id, outcome, false, { ats: planned.ats, planned: decision.quantity }),
        )
        again.push(route(listing))
        continue
      }
    }
    const moved =
      decision.reason === 'shared'
        ? { quantity: decision.quantity, committedAtBase: undefined }
        : partitionedWrite(decision.quantity, planned.believed, onChannel, listing.committed)
    const fit = fitQuantity(planned.stock.quantityRange, moved.quantity)
    if (!fit.ok) {
      failed.push(
        failure(deps, id, { kind: 'permanent', reason: fit.reason }, false, {
          ats: planned.ats,
          planned: decision.quantity,
        }),
      )
      count('failed')
      continue
    }
    if (fit.cappedFrom !== undefined) count('capped')
    due.push({
      planned: planned as Due['planned'],
      quantity: fit.quantity,
      expected: onChannel ?? planned.believed,
      committedAtBase: moved.committedAtBase,
      readAt: onChannel === null ? undefined : readAt,
    })
  }
  if (donors.length > 0) await deps.queues.stock.enqueue('push', donors)
  await recordPushesNotSent(deps.db, notSent)
  await recordPushes(deps.db, failed)
  if (!bulk || !client || due.length === 0) return finish(deps, again, DONE)
  for (let i = 0; i < due.length; i += bulk.maxItems) {
    const chunk = due.slice(i, i + bulk.maxItems)
    const items: BulkStockItem<unknown>[] = chunk.map((d) => ({
      key: d.planned.listing.id,
      unit: d.planned.unit,
      write: {
        quantity: d.quantity,
        expected: d.expected,
        idempotencyKey: `bulk.${d.planned.listing.id}.${startedAt.getTime()}.${d.quantity}`,
      },
    }))
    let results
    try {
      results = await bulk.writeMany(client, items)
    } catch (err) {
      const outcome = stockCallFailure(err, chunk[0]!.planned.stock.throttlePauseMs)
      count(outcome.kind === 'later' ? 'throttled' : 'failed')
      const rest = due.slice(i)
      await recordPushes(
        deps.db,
        rest.map((d) => failure(deps, d.planned.listing.id, outcome, false, basisOf(d.planned))),
      )
      again.push(...rest.map((d) => route(d.planned.listing)))
      return finish(deps, again, outcome)
    }
    const byKey = new Map(results.map((r) => [r.key, r]))
    const records: PushRecordOf[] = []
    for (const d of chunk) {
      const id = d.planned.listing.id
      const result = byKey.get(id)
      if (result?.ok) {
        records.push({
          id,
          status: result.status,
          quantity: result.quantity,
          at: deps.clock.now(),
          committedAtBase: d.committedAtBase,
          race: d.readAt && { from: d.readAt, to: deps.clock.now() },
          basis: basisOf(d.planned),
        })
        count(result.status)
        if (d.planned.decision.reason === 'lower') {
          count('lowered')
          again.push(...d.planned.siblings)
        }
        if (d.planned.decision.reason === 'raise') count('raised')
        continue
      }
      const error =
        result?.error ??
        new ChannelApiError('transient', `the bulk answer named no result for ${id}`)
      const outcome = stockCallFailure(error, d.planned.stock.throttlePauseMs)
      const stale = error.details.code === 'stale'
      count(stale ? 'stale' : 'failed')
      // A stale compare-and-set was refused, so nothing of it was applied: it is no longer in flight.
      records.push(failure(deps, id, outcome, stale, basisOf(d.planned)))
      // A stale compare-and-set or a passing failure: the single push reads and tries again.
      if (outcome.kind !== 'permanent') again.push(route(d.planned.listing))
    }
    await recordPushes(deps.db, records)
  }
  // A SKU that changed after its listing was planned may need another value than the one sent.
  const changed = await skusChangedSince(
    deps,
    due.map((d) => d.planned.listing.sku),
    startedAt,
  )
  again.push(
    ...due.filter((d) => changed.has(d.planned.listing.sku)).map((d) => route(d.planned.listing)),
  )
  return finish(deps, again, DONE)
}

async function finish(
  deps: PushDeps,
  again: readonly ListingRoute[],
  result: StepResult,
): Promise<StepResult> {
  if (again.length > 0) await deps.queues.stock.enqueue('push', again)
  return result
}

type PushRecordOf = { readonly id: string } & PushRecord

function failure(
  deps: PushDeps,
  id: string,
  outcome: StepResult,
  refused: boolean,
  basis: PushBasis,
): PushRecordOf {
  return {
    id,
    status: 'failed',
    error: 'reason' in outcome ? outcome.reason : outcome.kind,
    at: deps.clock.now(),
    // A timeout or a 5xx may have been applied: counted as offered until a later push says.
    keepInflight: outcome.kind === 'retry' && !refused,
    basis,
  }
}

/** What a planned write was computed from, for its `stock_push` row. */
function basisOf(planned: Due['planned']): PushBasis {
  return { ats: planned.ats, planned: planned.decision.quantity }
}

function route(l: PlannedPush['listing']): ListingRoute {
  return { id: l.id, channel: l.channel, account_id: l.account_id, sku: l.sku }
}

async function skusChangedSince(
  deps: PushDeps,
  skus: readonly string[],
  since: Date,
): Promise<Set<string>> {
  if (skus.length === 0) return new Set()
  const rows = await deps.db
    .selectFrom('inventory_item')
    .select('sku')
    .where('sku', '=', sql<string>`any(${[...new Set(skus)]}::text[])`)
    .where('ats_changed_at', '>', since)
    .execute()
  return new Set(rows.map((r) => r.sku))
}
