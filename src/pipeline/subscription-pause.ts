import type { Kysely } from 'kysely'
import { pendingDeliveriesInFeedOrder } from '../db/repos/deliveries.js'
import { setSubscriptionPaused, type PauseTransition } from '../db/repos/subscriptions.js'
import type { Database } from '../db/schema.js'
import type { Logger } from '../logger.js'
import { jobIds, type Queues } from '../queues/index.js'
import { queueDeliveries } from './deliver-jobs.js'

export interface PauseDeps {
  readonly db: Kysely<Database>
  readonly log: Logger
  readonly queues: Pick<Queues, 'enqueueDeliveries' | 'deliver'>
}

/** Jobs per enqueue round trip when resuming a long backlog. */
const ENQUEUE_CHUNK = 1_000

/**
 * Holds a subscription's deliveries: the relay keeps creating them, the deliver step leaves them
 * pending without an attempt, the sweeper leaves them alone (see deliver-event.ts).
 */
export function pauseSubscription(deps: PauseDeps, id: string): Promise<PauseTransition> {
  return setSubscriptionPaused(deps.db, id, true)
}

/**
 * Makes a paused subscription active again and enqueues every pending delivery it has, in feed
 * order. The status changes first: a job that ran before it would find the subscription still
 * paused and leave its delivery pending again. Enqueuing is idempotent (job ids come from
 * delivery ids), so it runs for an already active subscription too: resuming again after an
 * enqueue failed (Redis away) finishes the job instead of leaving it to the sweeper's id order;
 * deliveries that still have a job keep it.
 *
 * A delivery that was waiting out a retry backoff when the subscription was paused may still have
 * its delayed job. When this call is what resumed the subscription, that job is removed and
 * enqueued afresh with the others, so it takes its place in feed order and goes now rather than
 * hours later; like every held delivery it starts a new round of attempts. A job that starts
 * running meanwhile cannot be removed (it is locked) and just runs; the fresh job that may follow
 * finds the delivery delivered and does nothing.
 */
export async function resumeSubscription(
  deps: PauseDeps,
  id: string,
): Promise<PauseTransition & { readonly enqueued: number }> {
  const transition = await setSubscriptionPaused(deps.db, id, false)
  if (transition.kind === 'missing' || transition.kind === 'conflict')
    return { ...transition, enqueued: 0 }
  const pending = await pendingDeliveriesInFeedOrder(deps.db, id)
  // Sequential chunks keep the order: BullMQ serves waiting jobs first in, first out.
  for (let i = 0; i < pending.length; i += ENQUEUE_CHUNK) {
    const chunk = pending.slice(i, i + ENQUEUE_CHUNK)
    if (transition.kind === 'changed') await removeDelayedJobs(deps.queues.deliver, chunk)
    await queueDeliveries(deps, chunk)
  }
  return { ...transition, enqueued: pending.length }
}

async function removeDelayedJobs(queue: Queues['deliver'], deliveryIds: readonly string[]) {
  const ids = deliveryIds.map(jobIds.deliver)
  const states = await Promise.all(ids.map((id) => queue.getJobState(id)))
  await Promise.all(ids.filter((_, k) => states[k] === 'delayed').map((id) => queue.remove(id)))
}
