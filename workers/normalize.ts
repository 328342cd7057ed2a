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
      const { inboxId, requestId } = decode(InboundJob, job.data)
      const opts = { finalAttempt: attemptOf(job).final }
      // Every line this job logs names the webhook's request, inbox row and job.
      const log = deps.log.child({ inboxId, requestId, jobId: job.id })
      const result = await normalizeInboxItem({ ...deps, log }, inboxId, opts)
      log.debug({ outcome: result.kind }, 'normalize step ended')
      await settleJob(result, job, token)
    },
    workerOptions(base, concurrency),
  )
}
