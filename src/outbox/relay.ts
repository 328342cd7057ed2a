import type { Kysely } from 'kysely'
import type { Logger } from '../logger.js'
import { publishNextEvents } from '../db/repos/outbox.js'
import type { Database } from '../db/schema.js'
import type { Queues } from '../queues/index.js'

export interface RelayDeps {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly log: Logger
}

/**
 * Publishes the next batch of committed events: assigns their feed positions and creates one
 * delivery per matching subscription, in one transaction; enqueues the deliveries only after it
 * commits, so no job ever points at an uncommitted row. If the enqueue fails, the sweeper
 * re-enqueues the pending deliveries later.
 */
export async function relayBatch(deps: RelayDeps, limit = 500): Promise<{ relayed: number }> {
  const { relayed, deliveryIds } = await publishNextEvents(deps.db, limit)
  try {
    await deps.queues.enqueueDeliveries(deliveryIds)
  } catch (err) {
    deps.log.warn(
      { err, deliveries: deliveryIds.length },
      'enqueue of deliveries failed; sweeper will retry',
    )
  }
  return { relayed }
}
