import { Worker } from 'bullmq'
import { normalizeInboxItem, type NormalizeDeps } from '../src/pipeline/normalize-inbox-item.js'
import { InboundJob, QUEUE_NAMES } from '../src/queues/index.js'
import { workerOptions, type WorkerBase } from './options.js'
import { attemptOf, decode, settleJob } from './settle.js'

export function createNormalizeWorker(
  deps: NormalizeDeps,
  base: WorkerBase,
  concurrency: number,
): Worker {
  return new Worker(
    QUEUE_NAMES.inbound,
    async (job, token) => {
      const { inboxId } = decode(InboundJob, job.data)
      const opts = { finalAttempt: attemptOf(job).final }
      await settleJob(await normalizeInboxItem(deps, inboxId, opts), job, token)
    },
    workerOptions(base, concurrency),
  )
}
