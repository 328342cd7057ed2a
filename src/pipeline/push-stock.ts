import type { Kysely } from 'kysely'
import {
  recordPush,
  recordPushNotSent,
  recordReport,
  type PushBasis,
} from '../db/repos/listings.js'
import type { Database, Listing } from '../db/schema.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { StockQueues } from '../queues/index.js'
import { ChannelApiError, fitQuantity, type QuantityRange } from '../../connectors/index.js'
import type { AccountDirectory } from '../config/account-directory.js'
import { isStepResult, stockCallFailure } from './listing-stock.js'
import { partitionedWrite } from '../inventory/allocation.js'
import { allocationWindow, planPush } from './plan-push.js'
import { DONE, type StepResult } from './step-result.js'
import type { Tracing } from '../tracing/index.js'

export interface PushDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  readonly accounts: AccountDirectory
  /** Pushes of a SKU's other listings: lowerings a raise waits for, raises a lowering allows. */
  readonly queues: { readonly stock: Pick<StockQueues, 'enqueue'> }
  readonly config: { readonly stock: { readonly orderClockSkewMs: number } }
  /** While on, each push job is a span linked to the webhooks it serves (push-trace.ts). */
  readonly tracing?: Tracing
}

/**
 * A push's outcome, for metrics: what the channel said; `capped` additionally counts a push that
 * offered the channel's maximum because the hub's quantity was above it; `lowered` and `raised`
 * count a partitioned allocation's moves; `held` a push not sent (on-hand not known yet).
 */
export type PushOutcome =
  'applied' | 'queued' | 'throttled' | 'stale' | 'failed' | 'capped' | 'lowered' | 'raised' | 'held'

/**
 * Pushes a listing's quantity to its channel, decided when the job runs (not when it was queued),
 * so after a burst the last value is what lands (DESIGN.md §10 invariant 5), under the SKU's
 * allocation (src/inventory/allocation.ts): a partitioned listing is written only to lower it, or
 * to raise it into units no other listing may offer (invariant 7). A confirmed lowering queues the
 * SKU's other listings, whose raise may have waited for it. The outcome is recorded either way.
 */
export async function pushListingStock(
  deps: PushDeps,
  listingId: string,
  jobKey: string,
  count: (outcome: PushOutcome) => void = () => undefined,
): Promise<StepResult> {
  const planned = await planPush(
    deps.db,
    deps.accounts,
    listingId,
    allocationWindow(deps.config.stock),
  )
  if (isStepResult(planned)) return planned
  const { listing, stock, client, unit, decision } = planned
  const at = () => deps.clock.now()
  if (planned.donors.length > 0) await deps.queues.stock.enqueue('push', planned.donors)
  if (decision.kind === 'hold') {
    count('held')
    await recordPushNotSent(deps.db, listingId, at(), decision)
    return DONE
  }
  if (decision.kind !== 'write') {
    await recordPushNotSent(deps.db, listingId, at())
    return DONE
  }
  const shared = decision.reason === 'shared'
  const basis: PushBasis = { ats: planned.ats, planned: decision.quantity }
  // A partitioned write first reads what the channel offers: sales the hub has not heard of yet
  // are then known, and the write moves the channel by the planned difference instead of setting a
  // level those sales already took (which would offer their units again). Only a listing the hub
  // never wrote to skips the read: none of the units it may be selling were allocated by the hub.
  let onChannel: number | null = null
  const readAt = deps.clock.now()
  /** What the channel holds as it says it, below 0 when it oversold: compare-and-set's value. */
  let holds: number | null = null
  if (!shared && listing.offered_base !== null) {
    try {
      onChannel = (await stock.read(client, unit)) ?? 0
      holds = onChannel
    } catch (err) {
      return failed(deps, listing, basis, stockCallFailure(err, stock.throttlePauseMs), count)
    }
  }
  for (let attempt = 1; ; attempt++) {
    const moved = shared
      ? { quantity: Math.min(decision.quantity, onChannel ?? Infinity), committedAtBase: undefined }
      : partitionedWrite(decision.quantity, planned.believed, onChannel, listing.committed)
    const write = { quantity: moved.quantity, expected: holds ?? planned.believed }
    try {
      const sent = {
        ...write,
        quantity: fitToChannel(deps, listing, stock.quantityRange, write, count),
      }
      const result = await stock.write(client, unit, {
        ...sent,
        // Stable across retries of this job for the same write; a different write needs a new key.
        idempotencyKey: `${jobKey}.${sent.quantity}.${sent.expected ?? 'x'}`,
      })
      await recordPush(deps.db, listingId, {
        status: result.status,
        quantity: result.quantity,
        at: at(),
        committedAtBase: moved.committedAtBase,
        race: onChannel === null ? undefined : { from: readAt, to: at() },
        basis,
      })
      count(result.status)
      if (decision.reason === 'lower') count('lowered')
      if (decision.reason === 'raise') count('raised')
      // The units this lowering freed may be what another listing's raise waits for.
      if (decision.reason === 'lower') await deps.queues.stock.enqueue('push', planned.siblings)
      return DONE
    } catch (err) {
      const outcome = stockCallFailure(err, stock.throttlePauseMs)
      const stale = err instanceof ChannelApiError && err.details.code === 'stale'
      count(outcome.kind === 'later' ? 'throttled' : stale ? 'stale' : 'failed')
      // Compare-and-set found the channel holding another quantity: it sold units the hub may not
      // have heard of yet. Push at most what the channel holds now, compared against that, so a
      // sale in flight is never offered again; the sale's own webhook changes ats and brings the
      // next push, which sets the full quantity.
      const held = stale && attempt === 1 ? await stock.read(client, unit).catch(() => null) : null
      if (held !== null) {
        if (shared)
          await recordReport(deps.db, listingId, { quantity: held, at: at(), echo: false })
        // Shopify's `available` goes below 0 when it oversold; 0 is then the most it may offer.
        onChannel = Math.max(0, held)
        holds = held
        continue
      }
      return failed(deps, listing, basis, outcome, count, false, stale)
    }
  }
}

/** Records a push that failed and ends the job with `outcome`. */
async function failed(
  deps: PushDeps,
  listing: Listing,
  basis: PushBasis,
  outcome: StepResult,
  count: (outcome: PushOutcome) => void,
  counted = true,
  /** The channel refused the write (a stale compare-and-set): nothing of it was applied. */
  refused = false,
): Promise<StepResult> {
  if (counted) count(outcome.kind === 'later' ? 'throttled' : 'failed')
  await recordPush(deps.db, listing.id, {
    status: 'failed',
    error: errorText(outcome),
    at: deps.clock.now(),
    // A 429 or a refusal was not applied; a timeout or a 5xx may have been: keep counting the
    // quantity as offered until a later push or report says what the channel holds.
    keepInflight: outcome.kind === 'retry' && !refused,
    basis,
  })
  deps.log.warn(
    { listingId: listing.id, sku: listing.sku, err: errorText(outcome) },
    'stock push failed',
  )
  return outcome
}

/**
 * The quantity to send for `write`, by the one check every channel's writes pass
 * (connectors/shared/quantity-range.ts). Above the channel's maximum, the maximum, logged and
 * counted as `capped`; a quantity the channel cannot take is a permanent error naming the
 * channel, the listing, the quantity and the bound, and nothing is sent.
 */
function fitToChannel(
  deps: PushDeps,
  listing: Listing,
  range: QuantityRange,
  write: { readonly quantity: number },
  count: (outcome: PushOutcome) => void,
): number {
  const fit = fitQuantity(range, write.quantity)
  const where = `${listing.channel}/${listing.account_id} listing ${listing.id} (sku ${listing.sku})`
  if (!fit.ok) {
    throw new ChannelApiError('permanent', `${where}: stock push not sent: ${fit.reason}`)
  }
  if (fit.cappedFrom !== undefined) {
    count('capped')
    // Info, not warn: listing less than is available is safe, and the metric shows how often.
    deps.log.info(
      {
        listingId: listing.id,
        sku: listing.sku,
        channel: listing.channel,
        quantity: fit.cappedFrom,
        listed: fit.quantity,
      },
      'stock push capped at the channel maximum: the channel offers fewer units than are available',
    )
  }
  return fit.quantity
}

function errorText(result: StepResult): string {
  return 'reason' in result ? result.reason : result.kind
}
