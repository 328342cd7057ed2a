import { Worker } from 'bullmq'
import { createBatcher, type Batcher } from '../src/pipeline/batcher.js'
import { normalizeBatch, type BatchResult } from '../src/pipeline/normalize-batch.js'
import { normalizeInboxItem, type NormalizeDeps } from '../src/pipeline/normalize-inbox-item.js'
import {
  InboundJob,
  QUEUE_NAMES,
  inboundMessage,
  type InboundMessage,
} from '../src/queues/index.js'
import { workerOptions, type WorkerBase } from './options.js'
import { attemptOf } from './attempts.js'
import { decode, settle } from './settle.js'

/** Most messages normalized in one transaction. */
const MAX_BATCH = 100

/** The batches every message of this process is normalized in: its jobs and its handoff's. */
export function createNormalizeBatches(deps: NormalizeDeps): Batcher<InboundMessage, BatchResult> {
  // One batch in flight: messages arriving meanwhile gather into the next, so batches grow with
  // load (fewer round trips and commits per message; see the intake's note in src/deps.ts).
  return createBatcher((messages: readonly InboundMessage[]) => normalizeBatch(deps, messages), {
    maxBatch: MAX_BATCH,
    maxInFlight: 1,
  })
}

/**
 * The jobs this worker runs at once are normalized together (`normalizeBatch`: one transaction for
 * all of them); a job the batch hands back runs on its own (`normalizeInboxItem`), as does one
 * queued before jobs carried their exact bytes.
 */
export function createNormalizeWorker(
  deps: NormalizeDeps,
  batches: Batcher<InboundMessage, BatchResult>,
  base: WorkerBase,
  concurrency: number,
): Worker {
  return new Worker(
    QUEUE_NAMES.inbound,
    async (job, token) => {
      const data = decode(InboundJob, job.data)
      const message = inboundMessage(data)
      let result: BatchResult = message ? await batches.submit(message) : { kind: 'alone' }
      // Every line this job logs names the webhook's request, inbox row and job.
      const ids = { inboxId: data.inboxId, requestId: data.requestId, jobId: job.id }
      if (result.kind === 'alone') {
        const opts = {
          finalAttempt: attemptOf(job).final,
          ...(message ? { body: message.rawBody } : {}),
          traceContext: data.traceContext,
        }
        result = await normalizeInboxItem({ ...deps, log: deps.log.child(ids) }, data.inboxId, opts)
      }
      if (deps.log.isLevelEnabled('debug'))
        deps.log.debug({ ...ids, outcome: result.kind }, 'normalize step ended')
      await settle(result, { job, token })
    },
    workerOptions(base, QUEUE_NAMES.inbound, concurrency),
  )
}
