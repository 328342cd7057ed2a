import { Worker } from 'bullmq'
import { normalizeInboxItem, type NormalizeDeps } from '../src/pipeline/normalize-inbox-item.js'
import { InboundJob, QUEUE_NAMES } from '../src/queues/index.js'
import { workerOptions, type WorkerBase } from './options.js'
import { attemptOf, decode, settle } from './settle.js'

export function createNormalizeWorker(
  deps: NormalizeDeps,
  base: WorkerBase,
  concurrency: number,
): Worker {
  return new Worker(
    QUEUE_NAMES.inbound,
    async (job) => {
      const { inboxId } = decode(InboundJob, job.data)
      settle(await normalizeInboxItem(deps, inboxId, { finalAttempt: attemptOf(job).final }))
    },
    workerOptions(base, concurrency),
  )
}
