/**
 * A remote asked us to come back later (429, 503 with `Retry-After`). The job is retried no sooner
 * than `retryAfterMs`, still within its attempt budget.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError'
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The error message of anything thrown, for logs and status columns. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
