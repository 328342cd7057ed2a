import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq'
import type { z } from 'zod'
import { RetryLaterError } from '../src/errors.js'
import type { StepResult } from '../src/pipeline/step-result.js'

/** The running job a step's result settles, as BullMQ hands it to a processor. */
export interface Running {
  readonly job: Pick<Job, 'moveToDelayed'>
  readonly token: string | undefined
  /**
   * Set when a `later` comes from a limit shared by every job of the queue (a channel's rate
   * limit for one account): the whole queue waits. Otherwise only this job does.
   */
  readonly queueWide?: Pick<Queue, 'rateLimit'>
}

/**
 * The single place where a step's outcome becomes BullMQ behaviour; every worker's processor
 * ends with it. Resolves when the job is done; otherwise throws what BullMQ acts on.
 */
export async function settle(result: StepResult, running: Running): Promise<void> {
  switch (result.kind) {
    case 'done':
      return
    case 'permanent':
      // Fails the job at once, whatever attempts remain; it stays in the failed set.
      throw new UnrecoverableError(result.reason)
    case 'retry':
      // Spends an attempt; `hubBackoff` waits no less than `retryAfterMs`.
      throw new RetryLaterError(result.reason, result.retryAfterMs)
    case 'later':
      // Waiting our turn is not a failure: neither protocol below counts an attempt.
      if (running.queueWide) {
        await running.queueWide.rateLimit(result.delayMs)
        throw Worker.RateLimitError()
      }
      await running.job.moveToDelayed(Date.now() + result.delayMs, running.token)
      throw new DelayedError(result.reason)
  }
}

/** Decodes job data with its catalog schema; data that does not fit can never succeed, so it is not retried. */
export function decode<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data)
  if (!parsed.success)
    throw new UnrecoverableError(`job data does not match its schema: ${parsed.error.message}`)
  return parsed.data
}
