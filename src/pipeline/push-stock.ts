import type { Kysely } from 'kysely'
import { recordPush, recordReport } from '../db/repos/listings.js'
import type { Database, Listing } from '../db/schema.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import { ChannelApiError, fitQuantity, type QuantityRange } from '../../connectors/index.js'
import type { AccountDirectory } from '../config/account-directory.js'
import { isStepResult, loadListingStock, stockCallFailure } from './listing-stock.js'
import { DONE, type StepResult } from './step-result.js'

export interface PushDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  readonly accounts: AccountDirectory
}

/**
 * A push's outcome, for metrics: what the channel said; `capped` additionally counts a push that
 * offered the channel's maximum because the hub's quantity was above it.
 */
export type PushOutcome = 'applied' | 'queued' | 'throttled' | 'stale' | 'failed' | 'capped'

/**
 * Pushes a listing's current quantity to its channel: the SKU's available-to-sell is read now,
 * not when the job was queued, so after a burst the last value is what lands (DESIGN.md §10
 * invariant 5). The outcome is recorded on the listing either way.
 */
export async function pushListingStock(
  deps: PushDeps,
  listingId: string,
  jobKey: string,
  count: (outcome: PushOutcome) => void = () => undefined,
): Promise<StepResult> {
  const loaded = await loadListingStock(deps.db, deps.accounts, listingId)
  if (isStepResult(loaded)) return loaded
  const { listing, stock, client, unit, quantity } = loaded
  const at = () => deps.clock.now()
  let write = { quantity, expected: believedQuantity(listing) }
  for (let attempt = 1; ; attempt++) {
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
      })
      count(result.status)
      return DONE
    } catch (err) {
      const outcome = stockCallFailure(err, stock.throttlePauseMs)
      const stale = err instanceof ChannelApiError && err.details.code === 'stale'
      count(outcome.kind === 'later' ? 'throttled' : stale ? 'stale' : 'failed')
      if (outcome.kind === 'later') return outcome
      // Compare-and-set found the channel holding another quantity: it sold units the hub may not
      // have heard of yet. Push at most what the channel holds now, compared against that, so a
      // sale in flight is never offered again; the sale's own webhook changes ats and brings the
      // next push, which sets the full quantity.
      const held = stale && attempt === 1 ? await stock.read(client, unit).catch(() => null) : null
      if (held !== null) {
        await recordReport(deps.db, listingId, { quantity: held, at: at(), echo: false })
        // Shopify's `available` goes below 0 when it oversold; 0 is then the most it may offer.
        write = { quantity: Math.max(0, Math.min(quantity, held)), expected: held }
        continue
      }
      await recordPush(deps.db, listingId, {
        status: 'failed',
        error: errorText(outcome),
        at: at(),
      })
      deps.log.warn({ listingId, sku: listing.sku, err: errorText(outcome) }, 'stock push failed')
      return outcome
    }
  }
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

/** What the hub believes the channel holds: the newer of what it last pushed and last heard. */
export function believedQuantity(listing: Listing): number | null {
  const pushedAt = listing.last_pushed_at?.getTime() ?? -Infinity
  const reportedAt = listing.last_reported_at?.getTime() ?? -Infinity
  if (listing.last_reported_quantity !== null && reportedAt > pushedAt)
    return listing.last_reported_quantity
  return listing.last_pushed_quantity
}

function errorText(result: StepResult): string {
  return 'reason' in result ? result.reason : result.kind
}
