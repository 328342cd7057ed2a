import type { BackoffStrategy } from 'bullmq'
import { RetryLaterError } from '../src/errors.js'
import { backoffMs } from '../src/queues/backoff.js'

/**
 * BullMQ's side of the `hub` backoff (`backoffMs`): the job's own failures, plus the attempts made
 * before the job existed (`firstAttempt` in its data, as a delivery retried after the relay's first
 * attempt carries).
 */
export function hubBackoff(maxMs: number, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, err, job) => {
    const baseMs = typeof job?.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 1_000) : 1_000
    return backoffMs({
      failedAttempts: attemptsMade + firstAttemptOf(job?.data) - 1,
      baseMs,
      maxMs,
      retryAfterMs: err instanceof RetryLaterError ? err.retryAfterMs : undefined,
      random,
    })
  }
}

/** The attempt number a job's first run makes (1 unless its data says otherwise). */
function firstAttemptOf(data: unknown): number {
  const first = (data as { firstAttempt?: unknown } | undefined)?.firstAttempt
  return typeof first === 'number' && Number.isInteger(first) && first > 1 ? first : 1
}

/**
 * 1-based number of the attempt now running (counting attempts made before the job existed, see
 * `firstAttemptOf`), and whether no retry will follow if it fails.
 */
export function attemptOf(job: {
  readonly attemptsMade: number
  readonly opts: { readonly attempts?: number }
  readonly data?: unknown
}) {
  const run = job.attemptsMade + 1
  return {
    number: firstAttemptOf(job.data) + job.attemptsMade,
    final: run >= (job.opts.attempts ?? 1),
  }
}
