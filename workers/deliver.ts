import { Worker } from 'bullmq'
import { deliverEvent, type DeliverDeps } from '../src/pipeline/deliver-event.js'
import { DeliverJob, QUEUE_NAMES } from '../src/queues/index.js'
import { workerOptions, type WorkerBase } from './options.js'
import { attemptOf } from './attempts.js'
import { decode, settle } from './settle.js'

/** Deliveries the relay's first attempt did not settle: retries, and anything the sweeper re-queues. */
export function createDeliverWorker(
  deps: DeliverDeps,
  base: WorkerBase,
  concurrency: number,
): Worker {
  return new Worker(
    QUEUE_NAMES.deliver,
    async (job, token) => {
      const { deliveryId } = decode(DeliverJob, job.data)
      await settle(await deliverEvent(deps, deliveryId, attemptOf(job)), { job, token })
    },
    workerOptions(base, QUEUE_NAMES.deliver, concurrency),
  )
}
