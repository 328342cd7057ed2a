import type { Kysely } from 'kysely'
import type { Logger } from '../logger.js'
import { listingsOfSkus } from '../db/repos/listings.js'
import { publishNextEvents } from '../db/repos/outbox.js'
import type { Database } from '../db/schema.js'
import type { Queues } from '../queues/index.js'
import { queueDeliveries } from './deliver-jobs.js'
import type { FirstAttempts } from './first-attempts.js'
import type { Tracing } from '../tracing/index.js'

export interface RelayDeps {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly log: Logger
  /** Makes each new delivery's first attempt at once; without it, every delivery is queued. */
  readonly firstAttempts?: FirstAttempts
  readonly tracing?: Tracing
}

/**
 * Publishes the next batch of committed events: assigns their feed positions and creates one
 * delivery per matching subscription, in one transaction; only after it commits are the deliveries
 * attempted (or queued), so nothing ever points at an uncommitted row. Every listing of a SKU whose
 * available-to-sell changed in the batch gets a stock push (deduplicated per listing). If an
 * enqueue fails, the sweeper re-enqueues the pending deliveries and pushes later.
 */
export async function relayBatch(deps: RelayDeps, limit = 500): Promise<{ relayed: number }> {
  const { relayed, deliveryIds, stockSkus } = await publishNextEvents(deps.db, limit)
  try {
    if (deps.firstAttempts) deps.firstAttempts.send(deliveryIds)
    else await queueDeliveries(deps, deliveryIds)
  } catch (err) {
    deps.log.warn(
      { err, deliveries: deliveryIds.length },
      'enqueue of deliveries failed; sweeper will retry',
    )
  }
  try {
    if (stockSkus.length > 0) {
      const listings = await listingsOfSkus(deps.db, stockSkus)
      // The webhooks that changed these SKUs, for the pushes to link to (src/tracing/push-causes.ts).
      if (deps.tracing?.enabled) await deps.tracing.causes.fanOut(listings)
      await deps.queues.stock.enqueue('push', listings)
    }
  } catch (err) {
    deps.log.warn(
      { err, skus: stockSkus.length },
      'enqueue of stock pushes failed; sweeper will retry',
    )
  }
  return { relayed }
}
