import type { Kysely } from 'kysely'
import { describeDeliveries } from '../db/repos/deliveries.js'
import type { Database } from '../db/schema.js'
import type { Logger } from '../logger.js'
import { deliverJob, type DeliverJob, type Queues } from '../queues/index.js'

export interface QueueDeliveriesDeps {
  readonly db: Kysely<Database>
  readonly queues: Pick<Queues, 'enqueueDeliveries'>
  readonly log: Logger
}

/**
 * Queues deliveries known by id only, each job labelled with its subscription, event type and
 * URL host for Bull Board (one read by primary key for the lot). The label is for people: when
 * the read fails the jobs are queued bare rather than not at all, and a delivery without a row is
 * queued bare too (its job then fails, visibly, as it did before).
 */
export async function queueDeliveries(
  deps: QueueDeliveriesDeps,
  deliveryIds: readonly string[],
): Promise<void> {
  if (deliveryIds.length === 0) return
  await deps.queues.enqueueDeliveries(await labelled(deps, deliveryIds))
}

async function labelled(deps: QueueDeliveriesDeps, ids: readonly string[]): Promise<DeliverJob[]> {
  try {
    const described = new Map(
      (await describeDeliveries(deps.db, ids)).map((d) => [d.id, deliverJob(d)] as const),
    )
    return ids.map((id) => described.get(id) ?? { deliveryId: id })
  } catch (err) {
    deps.log.warn({ err, deliveries: ids.length }, 'could not label deliver jobs; queued bare')
    return ids.map((deliveryId) => ({ deliveryId }))
  }
}
