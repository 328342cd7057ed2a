import { Queue } from 'bullmq'
import type { RedisClient } from '../redis-client.js'
import type { ChannelId } from '../events/index.js'
import {
  HUB_BACKOFF,
  REMOVE_COMPLETED,
  QUEUE_NAMES,
  deliverJobName,
  jobIds,
  type DeliverJob,
  type InboundJob,
  type OrderSyncJob,
  type ReplayJob,
} from './catalog.js'
import { queuePrefix, type QueueKeyLayout } from './key-layout.js'
import { createStockQueues, type StockQueues } from './stock.js'

export interface QueueSettings extends QueueKeyLayout {
  readonly normalizeAttempts: number
  readonly deliveryAttempts: number
  readonly deliveryBackoffBaseMs: number
  readonly stockPushAttempts: number
  /** Accounts whose channel takes stock pushes: each gets its own stock queue. */
  readonly stockAccounts: readonly { readonly channel: ChannelId; readonly accountId: string }[]
}

/** The hub's queues, with typed bulk enqueue that sets job ids and retry policy in one place. */
export interface Queues {
  readonly inbound: Queue<InboundJob>
  readonly deliver: Queue<DeliverJob>
  /** Bulk replay runs, one job per run (see src/admin/replay-run.ts). */
  readonly replay: Queue<ReplayJob>
  /** Order sync runs, at most one job per account and kind at a time. */
  readonly orderSync: Queue<OrderSyncJob>
  readonly stock: StockQueues
  /** Every queue, stock queues included (Bull Board, metrics). */
  readonly all: readonly Queue[]
  enqueueInbound(jobs: readonly InboundJob[]): Promise<void>
  /** Jobs as `deliverJob` makes them (see `queueDeliveries` for ids alone). */
  enqueueDeliveries(jobs: readonly DeliverJob[]): Promise<void>
  /**
   * Queues deliveries whose attempt `nextAttempt - 1` was made outside the queue (the relay's
   * first attempt) and failed: each job waits `delayMs`, then runs with the attempts still left.
   */
  retryDeliveries(
    retries: readonly { job: DeliverJob; nextAttempt: number; delayMs: number }[],
  ): Promise<void>
  /** At most one job per run exists at a time (the job id is the run's). */
  enqueueReplay(runId: string): Promise<void>
  /** Queues runs not queued already (the job id is the account's and kind's). */
  enqueueOrderSync(jobs: readonly OrderSyncJob[]): Promise<void>
  /** The subset of ids whose job no longer exists in Redis in any state. */
  withoutJobs(kind: 'inbound' | 'deliver', ids: readonly string[]): Promise<string[]>
  close(): Promise<void>
}

/** `onError` hears each queue's connection errors (BullMQ relays them from the shared connection). */
export function createQueues(
  connection: RedisClient,
  settings: QueueSettings,
  onError: (queue: string, err: Error) => void,
): Queues {
  const opts = (name: string) => ({ connection, prefix: queuePrefix(settings, name) })
  const inbound = new Queue<InboundJob>(QUEUE_NAMES.inbound, opts(QUEUE_NAMES.inbound))
  const deliver = new Queue<DeliverJob>(QUEUE_NAMES.deliver, opts(QUEUE_NAMES.deliver))
  const replay = new Queue<ReplayJob>(QUEUE_NAMES.replay, opts(QUEUE_NAMES.replay))
  const orderSync = new Queue<OrderSyncJob>(QUEUE_NAMES.orderSync, opts(QUEUE_NAMES.orderSync))
  const stock = createStockQueues(
    connection,
    {
      prefix: settings.prefix,
      tagEachQueue: settings.tagEachQueue,
      pushAttempts: settings.stockPushAttempts,
    },
    settings.stockAccounts,
  )
  // BullMQ's generics are invariant in the job data type; the list is only used untyped.
  const all = [inbound, deliver, replay, orderSync, ...stock.all] as unknown as readonly Queue[]
  for (const queue of all) {
    queue.on('error', (err) => onError(queue.name, err))
  }
  return {
    inbound,
    deliver,
    replay,
    orderSync,
    stock,
    all,
    async enqueueInbound(jobs) {
      if (jobs.length === 0) return
      await inbound.addBulk(
        jobs.map((data) => ({
          name: `${data.channel} ${data.topic}`,
          data,
          opts: {
            jobId: jobIds.inbound(data.inboxId),
            attempts: settings.normalizeAttempts,
            backoff: { type: HUB_BACKOFF, delay: 1_000 },
            removeOnComplete: REMOVE_COMPLETED,
            removeOnFail: false,
          },
        })),
      )
    },
    async enqueueDeliveries(jobs) {
      if (jobs.length === 0) return
      await deliver.addBulk(
        jobs.map((data) => ({
          name: deliverJobName(data),
          data,
          opts: {
            jobId: jobIds.deliver(data.deliveryId),
            attempts: settings.deliveryAttempts,
            backoff: { type: HUB_BACKOFF, delay: settings.deliveryBackoffBaseMs },
            removeOnComplete: REMOVE_COMPLETED,
            removeOnFail: false,
          },
        })),
      )
    },
    async retryDeliveries(retries) {
      if (retries.length === 0) return
      await deliver.addBulk(
        retries.map(({ job, nextAttempt, delayMs }) => ({
          name: deliverJobName(job),
          data: { ...job, firstAttempt: nextAttempt },
          opts: {
            jobId: jobIds.deliver(job.deliveryId),
            delay: delayMs,
            attempts: Math.max(1, settings.deliveryAttempts - nextAttempt + 1),
            backoff: { type: HUB_BACKOFF, delay: settings.deliveryBackoffBaseMs },
            removeOnComplete: REMOVE_COMPLETED,
            removeOnFail: false,
          },
        })),
      )
    },
    async enqueueOrderSync(jobs) {
      if (jobs.length === 0) return
      // A run's window and cursor are in Postgres: a failed job is not kept (its error is on the
      // run, `order_sync.last_error`), so the next tick or an operator can queue the run again.
      await orderSync.addBulk(
        jobs.map((data) => ({
          name: `${data.kind} ${data.channel}/${data.accountId}`,
          data,
          opts: {
            jobId: jobIds.orderSync(data),
            attempts: 5,
            backoff: { type: HUB_BACKOFF, delay: 5_000 },
            removeOnComplete: REMOVE_COMPLETED,
            removeOnFail: true,
          },
        })),
      )
    },
    async enqueueReplay(runId) {
      // A run's progress is in Postgres, so the job itself need not survive: a crashed run's job
      // is retried (or re-enqueued at worker start) and resumes from the run's cursor.
      await replay.add(
        'replay',
        { runId },
        {
          jobId: jobIds.replay(runId),
          attempts: 5,
          backoff: { type: HUB_BACKOFF, delay: 1_000 },
          removeOnComplete: REMOVE_COMPLETED,
          removeOnFail: false,
        },
      )
    },
    async withoutJobs(kind, ids) {
      const queue = kind === 'inbound' ? inbound : deliver
      const states = await Promise.all(ids.map((id) => queue.getJobState(jobIds[kind](id))))
      return ids.filter((_, i) => states[i] === 'unknown')
    },
    async close() {
      await Promise.all([
        inbound.close(),
        deliver.close(),
        replay.close(),
        orderSync.close(),
        stock.close(),
      ])
    },
  }
}
