import { DelayedError, UnrecoverableError, type BackoffStrategy, type Job } from 'bullmq'
import type { z } from 'zod'
import { RetryLaterError } from '../src/errors.js'
import { backoffMs } from '../src/queues/backoff.js'
import type { StepResult } from '../src/pipeline/step-result.js'

/** The single place where a step's outcome becomes BullMQ semantics. */
export function settle(result: StepResult): void {
  switch (result.kind) {
    case 'done':
      return
    case 'permanent':
      // Fails the job at once, whatever attempts remain; it stays in the failed set.
      throw new UnrecoverableError(result.reason)
    case 'retry':
      throw new RetryLaterError(result.reason, result.retryAfterMs)
    case 'later':
      // Only `settleJob` can park a job without spending an attempt; here it is a plain retry.
      throw new RetryLaterError(result.reason, result.delayMs)
  }
}

/**
 * `settle` for a running job: a `later` result moves the job back to the delayed set without
 * counting an attempt (BullMQ's DelayedError protocol); every other result is settled as usual.
 */
export async function settleJob(
  result: StepResult,
  job: Job,
  token: string | undefined,
): Promise<void> {
  if (result.kind === 'later') {
    await job.moveToDelayed(Date.now() + result.delayMs, token)
    throw new DelayedError(result.reason)
  }
  settle(result)
}

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
export function firstAttemptOf(data: unknown): number {
  const first = (data as { firstAttempt?: unknown } | undefined)?.firstAttempt
  return typeof first === 'number' && Number.isInteger(first) && first > 1 ? first : 1
}

/** Decodes job data with its catalog schema; data that does not fit can never succeed, so it is not retried. */
export function decode<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data)
  if (!parsed.success)
    throw new UnrecoverableError(`job data does not match its schema: ${parsed.error.message}`)
  return parsed.data
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
