import { Worker } from 'bullmq'
import { processReplayRun, resumeReplayRuns } from '../src/admin/index.js'
import type { NormalizeDeps } from '../src/pipeline/normalize-inbox-item.js'
import { ReplayJob } from '../src/queues/catalog.js'
import { QUEUE_NAMES, type Queues } from '../src/queues/index.js'
import { workerOptions, type WorkerBase } from './options.js'
import { attemptOf } from './attempts.js'
import { decode, settle } from './settle.js'

/**
 * One bulk replay run per job, processed a batch at a time with progress in Postgres. One run at
 * a time per process, so a replay cannot crowd out live normalization. A job lost or stalled with
 * its worker resumes from the run's cursor; runs whose job is gone altogether (Redis lost its
 * data) are re-enqueued when a replay worker starts.
 */
export function createReplayWorker(
  deps: NormalizeDeps & { readonly queues: Queues },
  base: WorkerBase,
): Worker {
  const worker = new Worker(
    QUEUE_NAMES.replay,
    async (job, token) => {
      const { runId } = decode(ReplayJob, job.data)
      const result = await processReplayRun(deps, runId, { finalAttempt: attemptOf(job).final })
      await settle(result, { job, token })
    },
    workerOptions(base, QUEUE_NAMES.replay, 1),
  )
  resumeReplayRuns(deps).catch((err: unknown) =>
    deps.log.warn({ err }, 'could not re-enqueue unfinished replay runs'),
  )
  return worker
}
