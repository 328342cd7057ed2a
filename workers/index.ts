import type { Worker } from 'bullmq'
import type { Deps } from '../src/deps.js'
import { startRelayLeader } from '../src/outbox/leader.js'
import { settleChangedSkus } from '../src/inventory/settle-changes.js'
import { relayBatch } from '../src/pipeline/relay.js'
import { reconcileAll } from '../src/pipeline/reconcile.js'
import { createSweeper } from '../src/pipeline/sweep.js'
import { createBacklogSampler } from '../src/pipeline/backlog-sampler.js'
import { createAgeRedactor } from '../src/pipeline/redact-after-age.js'
import { createDataLifecycle } from '../src/pipeline/data-lifecycle.js'
import { traceIdOf } from '../src/tracing/index.js'
import { createFirstAttempts } from '../src/pipeline/first-attempts.js'
import { createNormalizeHandoff } from '../src/pipeline/normalize-handoff.js'
import { createDeliverWorker } from './deliver.js'
import { createNormalizeBatches, createNormalizeWorker } from './normalize.js'
import { createReplayWorker } from './replay.js'
import { createStockWorker } from './stock.js'
import { createOrderSyncWorker } from './order-sync.js'
import { queueScheduledSyncs, resumeOrderSyncRuns } from '../src/pipeline/order-sync-schedule.js'

export interface RunningWorkers {
  /** Stops taking jobs, lets active ones finish, stops the relay leader. */
  close(): Promise<void>
}

const RELAY_BATCH = 500
/**
 * First delivery attempts the relay leader keeps in flight (see createFirstAttempts); beyond
 * this, new deliveries are queued for the deliver workers instead.
 */
const FIRST_ATTEMPTS_IN_FLIGHT = 256
/**
 * Webhooks this process received and is normalizing itself at most; beyond this (normalizing
 * falls behind intake), new ones are queued for any worker instead of held in memory.
 */
const HANDOFF_IN_FLIGHT = 1_000
/** Least time between two data lifecycle runs (partitions ahead, retention); days ahead are kept, so rarely is enough. */
const LIFECYCLE_INTERVAL_MS = 15 * 60_000
/** Least time between two ledger settles of reservation changes (see `settleChangedSkus`). */
const LEDGER_SETTLE_MS = 100
/**
 * How long a follower waits between tries at the relay leader's lock: a dead leader's duties
 * (relay, sweeper) resume within this of PostgreSQL releasing its lock.
 */
export const RELAY_LEADER_RETRY_MS = 2_000

/** Starts every queue worker and the relay/sweeper leader loop of this process. */
export function startWorkers(deps: Deps): RunningWorkers {
  const { config, log } = deps
  // Everything that runs in the background uses the worker pool, never HTTP's.
  const work = { ...deps, db: deps.workDb }
  const base = {
    connection: deps.redis.worker,
    prefix: config.queues.prefix,
    tagEachQueue: config.queues.tagEachQueue,
    backoffMaxMs: config.delivery.backoffMaxMs,
    lockMs: config.maintenance.jobLockMs,
    stalledIntervalMs: config.maintenance.jobStalledIntervalMs,
  }
  const deliverDeps = {
    ...work,
    transport: deps.subscriberTransport,
    timeoutMs: config.delivery.timeoutMs,
    publicUrl: config.http.publicUrl,
  }
  const firstAttempts = createFirstAttempts(deliverDeps, {
    maxAttempts: config.delivery.maxAttempts,
    backoffBaseMs: config.delivery.backoffBaseMs,
    backoffMaxMs: config.delivery.backoffMaxMs,
    maxInFlight: FIRST_ATTEMPTS_IN_FLIGHT,
  })
  const normalizeBatches = createNormalizeBatches(work)
  // This process's own webhooks are normalized here rather than queued (see createNormalizeHandoff).
  const handoff = createNormalizeHandoff(work, normalizeBatches, {
    maxInFlight: HANDOFF_IN_FLIGHT,
  })
  deps.intake.handOffTo(handoff)
  const workers: Worker[] = [
    createNormalizeWorker(work, normalizeBatches, base, config.queues.concurrency.normalize),
    createDeliverWorker(deliverDeps, base, config.queues.concurrency.deliver),
    createReplayWorker(work, base),
  ]
  const orderSync = createOrderSyncWorker(work, base)
  const stockDeps = {
    ...work,
    settleMs: config.stock.echoWindowMs,
  }
  for (const account of config.accounts) {
    const queue = deps.queues.stock.queueOf(account.channel, account.id)
    if (queue)
      workers.push(createStockWorker(stockDeps, base, account, queue, config.stock.pushConcurrency))
  }
  for (const worker of [...workers, orderSync.worker]) {
    worker.on('failed', (job, err) =>
      log.warn(
        {
          queue: worker.name,
          jobId: job?.id,
          ...correlationIds(job?.data),
          attempt: job?.attemptsMade,
          err: err.message,
        },
        'job failed',
      ),
    )
    worker.on('error', (err) => {
      if (!deps.redis.watch.folds(err)) log.error({ queue: worker.name, err }, 'worker error')
    })
  }
  let lastSettle = 0
  let settling: Promise<void> | undefined
  const sweeper = createSweeper(work, { graceMs: config.maintenance.sweepGraceMs, batch: 500 })
  const backlog = createBacklogSampler(work)
  const redactor = createAgeRedactor(work, { afterDays: config.maintenance.piiRedactAfterDays })
  const lifecycle = createDataLifecycle(work, { intervalMs: LIFECYCLE_INTERVAL_MS })
  const leader = startRelayLeader(
    {
      databaseUrl: config.db.url,
      pollMs: config.maintenance.relayPollMs,
      minBatchIntervalMs: config.maintenance.relayMinIntervalMs,
      sweepIntervalMs: config.maintenance.sweepIntervalMs,
      reconcileIntervalMs: config.stock.reconcileIntervalMs,
      orderSyncIntervalMs: config.orderSync.intervalMs,
      relayBatch: RELAY_BATCH,
      retryMs: RELAY_LEADER_RETRY_MS,
    },
    {
      // Reservations changed by orders reach their SKUs' ledger rows at most every
      // LEDGER_SETTLE_MS, so the orders of a burst settle together: one ats change, one event
      // and one round of pushes for many orders. The settle runs beside the relay, not before
      // it, so publishing never waits for it; its events wake the next batch (NOTIFY).
      relay: async () => {
        if (!settling && Date.now() - lastSettle >= LEDGER_SETTLE_MS) {
          lastSettle = Date.now()
          settling = settleChangedSkus(work)
            .then(() => undefined)
            .catch((err: unknown) => log.warn({ err }, 'settling reservation changes failed'))
            .finally(() => (settling = undefined))
        }
        return (await relayBatch({ ...work, firstAttempts }, RELAY_BATCH)).relayed
      },
      // While Redis is away every sweep fails the same way; the Redis watch already says so.
      sweep: () => {
        // In the background: the leader waits for its sweep before it relays again.
        redactor.start()
        lifecycle.tick()
        return Promise.all([sweeper.sweep(), resumeOrderSyncRuns(work), backlog.sample()]).catch(
          (err: unknown) => {
            if (!deps.redis.watch.folds(err)) throw err
          },
        )
      },
      reconcile: () => reconcileAll(work),
      orderSync: () => queueScheduledSyncs(work, config.accounts),
    },
    log,
  )
  return {
    async close() {
      deps.intake.handOffTo(undefined)
      await deps.intake.drain()
      await handoff.drain()
      await Promise.all([...workers.map((w) => w.close()), orderSync.close()])
      await leader.stop()
      await redactor.drain()
      await lifecycle.drain()
      await settling
      await firstAttempts.drain()
    },
  }
}

// A deliver job's subscription, event type and URL host say which subscriber failed on what.
const CORRELATION_KEYS = [
  'inboxId',
  'requestId',
  'deliveryId',
  'listingId',
  'kind',
  'subscriptionId',
  'eventType',
  'urlHost',
] as const

/**
 * The ids a job carries that tie it to a webhook, delivery or listing, and, while tracing is on,
 * the trace it continues (to look the webhook up in the tracing backend); never the payload.
 */
function correlationIds(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null) return {}
  const ids: Record<string, unknown> = {}
  for (const key of CORRELATION_KEYS)
    if (key in data) ids[key] = (data as Record<string, unknown>)[key]
  const traceId = 'traceContext' in data ? traceIdOf(data.traceContext) : undefined
  if (traceId) ids.traceId = traceId
  return ids
}
