import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import { queueDeliveries } from './deliver-jobs.js'
import { listPendingDeliveries } from '../db/repos/deliveries.js'
import { listUnprocessedInbox } from '../db/repos/inbox.js'
import { listingsAwaitingPush } from '../db/repos/listings.js'
import type { Database } from '../db/schema.js'
import { inboundJob, type Queues } from '../queues/index.js'
import { storedCarrier } from '../tracing/index.js'

export interface SweepDeps {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly clock: Clock
  readonly log: Logger
}

export interface Sweeper {
  /** One pass: looks at up to `batch` unfinished rows of each kind and re-enqueues those whose jobs are gone. */
  sweep(): Promise<{
    readonly inbox: number
    readonly deliveries: number
    readonly stockPushes: number
  }>
}

/**
 * Postgres is the record; Redis only holds work. Anything recorded but still unprocessed after
 * `graceMs` is enqueued again. Rows whose job still exists (waiting, retrying, failed) are left to it; job ids
 * are derived from row ids, so even a race with a job that reappears cannot duplicate it. Each table
 * is walked with a cursor that wraps around, so every row is looked at eventually.
 */
export function createSweeper(
  deps: SweepDeps,
  opts: { readonly graceMs: number; readonly batch: number },
): Sweeper {
  let inboxCursor = '0'
  let deliveryCursor = '0'
  return {
    async sweep() {
      const before = new Date(deps.clock.now().getTime() - opts.graceMs)
      const messages = await listUnprocessedInbox(deps.db, {
        before,
        afterId: inboxCursor,
        limit: opts.batch,
      })
      inboxCursor = messages.length < opts.batch ? '0' : messages[messages.length - 1]!.id
      const lostInbox = new Set(
        await deps.queues.withoutJobs(
          'inbound',
          messages.map((m) => m.id),
        ),
      )
      await deps.queues.enqueueInbound(
        messages
          .filter((m) => lostInbox.has(m.id))
          .map((m) =>
            inboundJob({
              inboxId: m.id,
              channel: m.channel,
              accountId: m.account_id,
              topic: m.topic,
              dedupeKey: m.dedupe_key,
              receivedAt: m.received_at,
              rawBody: m.raw_body,
              // The request's trace goes on, so its row outlives the job (src/tracing/).
              traceContext: storedCarrier(m.trace_context),
            }),
          ),
      )
      const deliveries = await listPendingDeliveries(deps.db, {
        before,
        afterId: deliveryCursor,
        limit: opts.batch,
      })
      deliveryCursor = deliveries.length < opts.batch ? '0' : deliveries[deliveries.length - 1]!
      const lostDeliveries = await deps.queues.withoutJobs('deliver', deliveries)
      await queueDeliveries(deps, lostDeliveries)
      // A listing whose SKU changed after its last push attempt, longer ago than the grace
      // period, is overdue for a push: its job was lost, or waits behind its channel's rate limit.
      // Enqueuing one that still has a job is harmless: pushes are deduplicated per listing.
      const awaiting = await listingsAwaitingPush(deps.db, opts.graceMs, opts.batch)
      // (Listings of accounts no longer configured have no queue and are left alone.)
      const unserved = await deps.queues.stock.enqueue('push', awaiting)
      const result = {
        inbox: lostInbox.size,
        deliveries: lostDeliveries.length,
        stockPushes: awaiting.length - unserved.length,
      }
      if (result.inbox + result.deliveries > 0) {
        const { inbox, deliveries } = result
        deps.log.warn({ inbox, deliveries }, 'sweeper re-enqueued work whose jobs were lost')
      }
      if (result.stockPushes > 0) {
        // Whether each push's job was lost is not known: one still waiting behind the channel's
        // rate limit (a Walmart backlog at 5/s) absorbs the enqueue. Said so, not "lost".
        deps.log.warn(
          { stockPushes: result.stockPushes },
          "sweeper queued again the pushes of listings overdue for one: lost, or still waiting behind their channel's rate limit",
        )
      }
      return result
    },
  }
}
