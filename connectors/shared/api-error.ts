/**
 * How a channel API call failed, which decides what the caller does next:
 * - `rate-limited`: the channel asked us to slow down (429); wait `retryAfterMs`, then try again
 * - `transient`: a fault that may pass (5xx, timeout, connection reset, record not visible yet)
 * - `unauthorized`: the credentials were refused (expired or revoked token); an operator must act
 * - `permanent`: the request itself is wrong (other 4xx, a business error); retrying cannot help
 */
export type ChannelApiErrorKind = 'rate-limited' | 'transient' | 'unauthorized' | 'permanent'

/** A failed channel API call. The message carries the channel's own error text, never a credential. */
export class ChannelApiError extends Error {
  override readonly name = 'ChannelApiError'
  constructor(
    readonly kind: ChannelApiErrorKind,
    message: string,
    readonly details: {
      /** HTTP status, when the channel answered. */
      readonly status?: number
      /** The channel's own error code (e.g. TikTok's `code`). */
      readonly code?: string
      /** For `rate-limited`: how long the channel asked us to wait. */
      readonly retryAfterMs?: number
    } = {},
    options?: ErrorOptions,
  ) {
    super(message, options)
  }

  /** Whether trying again later can succeed. */
  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'transient'
  }
}

/**
 * For a need a channel's client does not serve: its normalizer never asks for one, so a request
 * for it is a bug upstream, not something a retry can fix.
 */
export function unsupportedNeed(
  channel: string,
  need: { kind: string; id: string },
): ChannelApiError {
  return new ChannelApiError(
    'permanent',
    `${channel}: fetching ${need.kind} records is not supported (${need.kind}:${need.id})`,
  )
}
