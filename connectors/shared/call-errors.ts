/**
 * The errors a channel client raises for one API call, worded the same way for every channel:
 * `Walmart get order 1 (GET /v3/orders/{purchaseOrderId}): refused (HTTP 400; …)`. Deciding the
 * kind of an answer stays with each client, because every channel reports errors differently;
 * this turns the decision into a `ChannelApiError`, and offers {@link httpStatusKind}, the HTTP
 * status table the clients that classify by status share.
 */
import type { Clock } from '../../src/clock.js'
import { ChannelApiError, type ChannelApiErrorKind } from './api-error.js'
import { retryAfterMs } from '../../src/outbound/retry-after.js'

/** What names one API call in error messages. */
export interface CallLabel {
  /** Human label, e.g. `get orders`. */
  readonly operation: string
  readonly method: string
  /** The API's path template, e.g. `/v3/orders/{purchaseOrderId}`. */
  readonly api: string
}

export type CallErrorDetails = NonNullable<ConstructorParameters<typeof ChannelApiError>[2]>

/** An answer the client classified as a failure. */
export interface Refusal {
  readonly kind: ChannelApiErrorKind
  readonly status: number
  /** The channel's own error code, when the answer carried one. */
  readonly code?: string
  /** The answer's Retry-After header; read for `rate-limited` only. */
  readonly retryAfter?: string
  /** The wait when rate limited and Retry-After names none; default the channel's. */
  readonly fallbackWaitMs?: number
  /** What the answer said, credentials already redacted, e.g. `HTTP 429, code 36009002`. */
  readonly summary: string
  /** Replaces the usual wording of the kind: `rate limited`, `failed` (transient), `refused`. */
  readonly what?: string
}

export interface CallErrors {
  /** `<channel> <operation> (<method> <api>): <what>`. */
  readonly fail: (
    kind: ChannelApiErrorKind,
    call: CallLabel,
    what: string,
    details?: CallErrorDetails,
    cause?: unknown,
  ) => ChannelApiError
  /**
   * The error for a refused call, `<what> (<summary>)`, with the status, the channel's code and,
   * when rate limited, the wait the channel asked for in Retry-After, else `fallbackWaitMs`, else
   * the channel's default.
   */
  readonly refused: (call: CallLabel, refusal: Refusal) => ChannelApiError
}

/** The error builders of one channel's client. */
export function callErrors(
  channel: string,
  clock: Clock,
  defaultRateLimitWaitMs: number,
): CallErrors {
  const fail: CallErrors['fail'] = (kind, call, what, details = {}, cause) =>
    new ChannelApiError(
      kind,
      `${channel} ${call.operation} (${call.method} ${call.api}): ${what}`,
      details,
      cause === undefined ? undefined : { cause },
    )

  function refused(call: CallLabel, refusal: Refusal): ChannelApiError {
    const { kind, status, code } = refusal
    const waitMs =
      kind === 'rate-limited'
        ? (retryAfterMs(refusal.retryAfter, clock.now()) ??
          refusal.fallbackWaitMs ??
          defaultRateLimitWaitMs)
        : undefined
    const what =
      refusal.what ??
      (kind === 'rate-limited' ? 'rate limited' : kind === 'transient' ? 'failed' : 'refused')
    return fail(kind, call, `${what} (${refusal.summary})`, {
      status,
      ...(code === undefined ? {} : { code }),
      ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }),
    })
  }

  return { fail, refused }
}

/**
 * The kind of a non-2xx answer by its HTTP status alone: 429 → rate-limited; 5xx and 408 →
 * transient; 401 and 403 → unauthorized; 404 → transient when `notFoundIsTransient` (a record not
 * visible yet), else permanent, like any other 4xx.
 */
export function httpStatusKind(status: number, notFoundIsTransient = false): ChannelApiErrorKind {
  if (status === 429) return 'rate-limited'
  if (status >= 500 || status === 408) return 'transient'
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 404 && notFoundIsTransient) return 'transient'
  return 'permanent'
}
