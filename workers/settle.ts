import { DelayedError, UnrecoverableError, type BackoffStrategy, type Job } from 'bullmq'
import type { z } from 'zod'
import { RetryLaterError } from '../src/errors.js'
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
 * The `hub` backoff: exponential from the job's `backoff.delay`, capped at `maxMs`, with "equal
 * jitter" (half fixed, half random) so retries of many jobs do not arrive in lockstep; never
 * sooner than a Retry-After the remote sent.
 */
export function hubBackoff(maxMs: number, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, err, job) => {
    const base = typeof job?.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 1_000) : 1_000
    const ceiling = Math.min(maxMs, base * 2 ** Math.max(0, attemptsMade - 1))
    const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2))
    const asked = err instanceof RetryLaterError ? (err.retryAfterMs ?? 0) : 0
    return Math.max(jittered, asked)
  }
}

/** Decodes job data with its catalog schema; data that does not fit can never succeed, so it is not retried. */
export function decode<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data)
  if (!parsed.success)
    throw new UnrecoverableError(`job data does not match its schema: ${parsed.error.message}`)
  return parsed.data
}

/** 1-based number of the attempt now running, and whether no retry will follow if it fails. */
export function attemptOf(job: {
  readonly attemptsMade: number
  readonly opts: { readonly attempts?: number }
}) {
  const number = job.attemptsMade + 1
  return { number, final: number >= (job.opts.attempts ?? 1) }
}
