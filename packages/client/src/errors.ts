/**
 * An answer from the hub that was not a success. `error` and `problems` are the hub's own words:
 * a 400 names every bad field (`query.after: position 9 is beyond the feed's head 4`).
 */
export class HubApiError extends Error {
  override readonly name = 'HubApiError'

  constructor(
    readonly status: number,
    readonly error: string,
    readonly problems: readonly string[] | undefined,
    /** The whole answer body as parsed JSON (e.g. a 409 commit's `position`), or its text. */
    readonly body: unknown,
    /** From a `retry-after` header in seconds, when the hub sent one (e.g. a 503). */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`hub answered ${status}: ${error}${problems?.length ? ` (${problems.join('; ')})` : ''}`)
  }
}

export type DeliveryRejection =
  'missing-headers' | 'stale-timestamp' | 'bad-signature' | 'not-a-hub-event'

/**
 * A delivery that must not be processed. Answer it with a 4xx other than 410 (which disables the
 * subscription): the hub retries it, so one refused for a fixable reason (a skewed clock, a client
 * older than the hub's event types, a rotated secret) arrives again once that is fixed.
 */
export class DeliveryVerificationError extends Error {
  override readonly name = 'DeliveryVerificationError'

  constructor(
    readonly reason: DeliveryRejection,
    message: string,
  ) {
    super(message)
  }
}
