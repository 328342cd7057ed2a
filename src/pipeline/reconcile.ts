import type { Kysely } from 'kysely'
import { listListings } from '../db/repos/listings.js'
import type { Database } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import type { Logger } from '../logger.js'
import type { Queues, StockTarget } from '../queues/index.js'

export interface ReconcileFilter {
  readonly sku?: string
  readonly channel?: ChannelId
  readonly accountId?: string
}

/**
 * Queues a reconciliation check of every listing matching the filter, on its account's stock
 * queue, so the reads share the account's rate limit with its pushes. Returns what was queued
 * and what could not be (an account no longer configured).
 */
export async function reconcileAll(
  deps: { readonly db: Kysely<Database>; readonly queues: Queues; readonly log: Logger },
  filter: ReconcileFilter = {},
): Promise<{ queued: number; skipped: StockTarget[] }> {
  const listings = await listListings(deps.db, filter)
  const skipped = await deps.queues.stock.enqueue('check', listings)
  const queued = listings.length - skipped.length
  deps.log.info({ queued, skipped: skipped.length, ...filter }, 'reconciliation queued')
  return { queued, skipped }
}
