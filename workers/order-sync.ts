import { Worker } from 'bullmq'
import { OrderSyncJob, QUEUE_NAMES } from '../src/queues/index.js'
import { runOrderSync, type OrderSyncDeps } from '../src/pipeline/order-sync.js'
import { workerOptions, type WorkerBase } from './options.js'
import { decode } from './settle.js'

/** Runs at once per process: a run is mostly waiting on its channel's rate limit. */
const CONCURRENCY = 4

export interface OrderSyncWorker {
  readonly worker: Worker
  /** Makes running syncs stop after their current page (they resume later), then closes. */
  close(): Promise<void>
}

/**
 * One order sync run per job (src/pipeline/order-sync.ts): pages are committed as they are read,
 * so a job lost with its worker resumes at its page, on a retry or when the leader re-queues it.
 */
export function createOrderSyncWorker(deps: OrderSyncDeps, base: WorkerBase): OrderSyncWorker {
  let stopping = false
  const worker = new Worker(
    QUEUE_NAMES.orderSync,
    async (job) => {
      const data = decode(OrderSyncJob, job.data)
      const outcome = await runOrderSync(deps, data, data.kind, {
        stopping: () => stopping,
        onPage: (p) => {
          void job.updateProgress({ ordersRead: p.ordersRead, reached: p.reached?.toISOString() })
        },
      })
      const account = `${data.channel}/${data.accountId}`
      if (outcome.kind === 'done')
        deps.log.info(
          {
            account,
            kind: data.kind,
            ordersRead: outcome.ordersRead,
            newRows: outcome.newRows,
            resumed: outcome.resumed,
            window: { from: outcome.window.from, to: outcome.window.to },
          },
          'order sync run finished',
        )
      else if (outcome.kind === 'unsupported')
        deps.log.warn({ account, kind: data.kind, reason: outcome.reason }, 'order sync skipped')
      return outcome.kind
    },
    workerOptions(base, QUEUE_NAMES.orderSync, CONCURRENCY),
  )
  return {
    worker,
    async close() {
      stopping = true
      await worker.close()
    },
  }
}
