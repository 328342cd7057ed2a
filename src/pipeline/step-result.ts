/**
 * How a pipeline step ended, for the worker to translate into queue semantics. Unexpected
 * exceptions are not results: they propagate and the queue retries with backoff.
 */
export type StepResult =
  | { readonly kind: 'done' }
  /** Retrying cannot help; the job fails at once and stays in the failed set for an operator. */
  | { readonly kind: 'permanent'; readonly reason: string }
  /** Try again later, no sooner than `retryAfterMs` when the remote said so. */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  /**
   * The remote is rate limiting us: come back after `delayMs` without spending an attempt, since
   * waiting our turn is not a failure.
   */
  | { readonly kind: 'later'; readonly reason: string; readonly delayMs: number }

export const DONE: StepResult = { kind: 'done' }
