import type { Kysely } from 'kysely'
import type { Logger } from '../logger.js'
import { insertDeliveries } from '../db/repos/deliveries.js'
import { assignFeedPositions } from '../db/repos/outbox.js'
import { listActiveSubscriptions } from '../db/repos/subscriptions.js'
import type { Database } from '../db/schema.js'
import type { Queues } from '../queues/index.js'
import { matchesAny } from '../subscriptions/event-filter.js'

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
  const { relayed, deliveryIds } = await deps.db.transaction().execute(async (trx) => {
    const events = await assignFeedPositions(trx, limit)
    if (events.length === 0) return { relayed: 0, deliveryIds: [] }
    const subscriptions = await listActiveSubscriptions(trx)
    const pairs = events.flatMap((e) =>
      subscriptions
        .filter((s) => matchesAny(s.event_types, e.type))
        .map((s) => ({ eventId: e.id, subscriptionId: s.id })),
    )
    return { relayed: events.length, deliveryIds: await insertDeliveries(trx, pairs) }
  })
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
