import type { Kysely } from 'kysely'
import { readListingWithStock } from '../db/repos/listings.js'
import type { Database } from '../db/schema.js'
import type { StockQueues } from '../queues/index.js'

/**
 * An operator's "push this listing again": queues its push as every other trigger does (a stock
 * change, a new listing, the sweeper), so the job decides the quantity when it runs and is
 * deduplicated with a push already waiting. `account-not-configured`: its account has no stock
 * queue (no longer configured, or a channel without stock writes).
 */
export async function queueListingPush(
  deps: {
    readonly db: Kysely<Database>
    readonly queues: { readonly stock: Pick<StockQueues, 'enqueue'> }
  },
  listingId: string,
): Promise<'queued' | 'missing' | 'account-not-configured'> {
  const listing = await readListingWithStock(deps.db, listingId)
  if (!listing) return 'missing'
  const unqueued = await deps.queues.stock.enqueue('push', [listing])
  return unqueued.length > 0 ? 'account-not-configured' : 'queued'
}
