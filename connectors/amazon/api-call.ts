/**
 * One Selling Partner API (SP-API) request and how its answer is classified. Every request is
 * paced by a token bucket per operation (the usage plans, channels.md §2 B2), has a whole-request
 * deadline and a response size cap, and sends `Accept: application/json` and the `User-Agent`
 * Amazon requires ({@link USER_AGENT}). The LWA access token (`x-amz-access-token`) is added by
 * auth.ts; no AWS Signature Version 4 is needed since 2 October 2023
 * (https://developer-docs.amazon.com/sp-api/changelog/sp-api-will-no-longer-require-aws-iam-or-aws-signature-version-4).
 * Error messages quote Amazon's `x-amzn-RequestId` for Amazon support.
 *
 * Error bodies are `{ errors: [{ code, message, details? }] }` (`ErrorList` in
 * repo:amzn/selling-partner-api-models models/orders-api-model/ordersV0.json and
 * models/listings-items-api-model/listingsItems_2021-08-01.json). Classification:
 * - 429 → rate-limited. The wait is Retry-After if sent; else one period of the rate Amazon says
 *   applied, `1 / x-amzn-RateLimit-Limit` seconds (the models list that header on 429 for Orders
 *   v0 only, and only "when available"); else {@link DEFAULT_RATE_LIMIT_WAIT_MS}. Whether SP-API
 *   ever sends Retry-After is unconfirmed (channels.md §2 B2); the models list none on 429.
 * - 5xx (500 InternalFailure, 503 overload or maintenance), 408, no answer, a timeout, or a 2xx
 *   body that is not JSON → transient.
 * - 401 / 403 → unauthorized. The models say 403 means "Access Denied, Unauthorized, Expired
 *   Token, or Invalid Signature"; an expired token is answered 403
 *   (repo:amzn/selling-partner-api-models issues #2595, #4122). A call refused for its token is
 *   first retried once with a new one (auth.ts, {@link isTokenRefusal}).
 * - 404 on an order read → transient ("not visible yet"), see client.ts.
 * - Any other 4xx → permanent, the message listing Amazon's errors (code, message, details).
 * - A 2xx above the size cap, or of an unexpected shape → permanent.
 */
import { callErrors, httpStatusKind, type CallErrors } from '../shared/call-errors.js'
import {
  httpExchange,
  isRecord,
  jsonAnswer,
  parseJsonAnswer,
  unansweredReason,
  type Exchanged,
} from '../shared/http-exchange.js'
import { bucketsBy } from '../shared/per-api-buckets.js'
import type { RateLimit } from '../shared/rate-limit.js'
import type { ClientContext } from '../types.js'
import { SP_API_ENDPOINTS, type AmazonCredentials } from './config.js'

export const CHANNEL = 'Amazon'

/**
 * Wait after a 429 that names none (no Retry-After, no `x-amzn-RateLimit-Limit`): one period of
 * the slowest plan the hub uses (getOrder, 0.5/s). Our choice; the pipeline's backoff adds to it.
 */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 2_000

/**
 * Sent as `User-Agent` on every request, as Amazon requires: `AppId/Version (Language=…; …)`, at
 * most 500 characters (https://developer-docs.amazon.com/sp-api/docs/include-a-user-agent-header-in-all-requests).
 */
export const USER_AGENT = 'marketplace-hub/0.1 (Language=TypeScript; Platform=Node.js)'

/** The SP-API operations the hub calls; each has its own usage plan and so its own bucket. */
export type SpApiOperation =
  | 'getOrders'
  | 'getOrder'
  | 'getOrderItems'
  | 'patchListingsItem'
  | 'getListingsItem'
  | 'createFeedDocument'
  | 'createFeed'
  | 'getFeed'
  | 'getFeedDocument'

/**
 * Default usage plans (rate per second, burst). getOrder, getOrderItems and patchListingsItem as
 * in channels.md §2 B2 and `AmazonCredentials.rateLimits`; getListingsItem 5/s burst 10 from its
 * model (listingsItems_2021-08-01.json), not configurable (the credentials schema has no key).
 * A bucket starts full: with getOrder's plan 30 calls pass at once, then one every 2 s. The
 * bucket waits at most 2 s (`TokenBucket`'s maxWaitMs) and answers a longer wait with a
 * rate-limited error naming it, so a worker is never parked and the job is retried after it.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<SpApiOperation, RateLimit>> = {
  // getOrders (the order list): 0.0167/s, burst 20, one page a minute once the burst is spent
  // (models/orders-api-model/ordersV0.json; the same in repo:bizon/selling-partner-api-sdk
  // clients/orders-api-v0/src/client.ts `clientRateLimits`).
  getOrders: { perSecond: 0.0167, burst: 20 },
  getOrder: { perSecond: 0.5, burst: 30 },
  getOrderItems: { perSecond: 0.5, burst: 30 },
  patchListingsItem: { perSecond: 5, burst: 5 },
  getListingsItem: { perSecond: 5, burst: 10 },
  // Feeds API 2021-06-30 (https://developer-docs.amazon.com/sp-api/docs/feeds-api-rate-limits):
  // createFeedDocument 0.5/s burst 15, getFeed 2/s burst 15, getFeedDocument 0.0222/s burst 10.
  // createFeed's plan is 0.0083/s burst 15, and JSON_LISTINGS_FEED adds five submissions per five
  // minutes per region (https://developer-docs.amazon.com/sp-api/changelog/update-feed-size-and-rate-limit-changes-for-the-json_listings_feed);
  // "whichever threshold you reach first" applies, so the bucket holds 5 and refills at 0.0083/s
  // (one feed per 2 min), inside both.
  createFeedDocument: { perSecond: 0.5, burst: 15 },
  createFeed: { perSecond: 0.0083, burst: 5 },
  getFeed: { perSecond: 2, burst: 15 },
  getFeedDocument: { perSecond: 0.0222, burst: 10 },
}

export interface ApiCall {
  /** Human label used in error messages, e.g. `get order 113-4567890-1234567`. */
  readonly operation: string
  /** Amazon's operation name: picks the rate-limit bucket. */
  readonly operationId: SpApiOperation
  readonly method: 'GET' | 'PATCH' | 'POST'
  /** The path template, e.g. `/orders/v0/orders/{orderId}`: names the API in messages. */
  readonly api: string
  /** Path and query, already encoded. */
  readonly path: string
  readonly body?: unknown
  /** Order reads only: a 404 means "not visible yet" rather than a bad request. */
  readonly notFoundIsTransient?: boolean
}

/** A 2xx answer's JSON (parsed losslessly), with Amazon's request id. */
export interface Answer {
  readonly value: unknown
  readonly requestId?: string
}

export type Sent = Exchanged & { readonly requestId?: string }

/** One entry of SP-API's `errors[]`, as far as the hub reads it. */
export interface SpApiErrorEntry {
  readonly code?: string
  readonly message?: string
  readonly details?: string
}

export interface SpApiRequests {
  /** Takes a token from the operation's bucket, sends, and reads the answer; none → transient. */
  readonly send: (spec: ApiCall, headers: Record<string, string>, body?: string) => Promise<Sent>
  /** The error for a non-2xx answer, or the 2xx answer's JSON. */
  readonly settle: (spec: ApiCall, sent: Sent) => Answer
  readonly fail: CallErrors['fail']
}

/** `redact` hides the credentials and tokens (auth.ts knows them) in messages. */
export function spApiRequests(
  credentials: AmazonCredentials,
  ctx: ClientContext,
  redact: (text: string) => string,
): SpApiRequests {
  const baseUrl = (credentials.apiBaseUrl ?? SP_API_ENDPOINTS[credentials.region]).replace(
    /\/+$/,
    '',
  )
  const timeoutMs = credentials.requestTimeoutMs
  const plans = { ...DEFAULT_RATE_LIMITS, ...credentials.rateLimits }
  const bucketFor = bucketsBy((operation: SpApiOperation) => plans[operation], ctx)
  const { fail, refused } = callErrors(CHANNEL, ctx.clock, DEFAULT_RATE_LIMIT_WAIT_MS)

  async function send(
    spec: ApiCall,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Sent> {
    await bucketFor(spec.operationId).take(`${CHANNEL} ${spec.operation}`)
    try {
      const answer = await httpExchange(ctx.transport, `${baseUrl}${spec.path}`, {
        method: spec.method,
        headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...headers },
        body,
        timeoutMs,
      })
      return Object.assign(answer, { requestId: answer.header('x-amzn-requestid') })
    } catch (err) {
      throw fail('transient', spec, redact(unansweredReason(err, timeoutMs)), {}, err)
    }
  }

  function settle(spec: ApiCall, sent: Sent): Answer {
    const { status, requestId } = sent
    if (status >= 200 && status < 300) {
      const id = requestId === undefined ? undefined : `request id ${requestId}`
      return { value: jsonAnswer(sent, spec, fail, id), requestId }
    }
    const errors = sent.tooLarge ? [] : spApiErrors(parseJsonAnswer(sent.text))
    const kind = httpStatusKind(status, spec.notFoundIsTransient === true)
    const summary = [`HTTP ${status}`, ...errors.map(describeError)]
    if (requestId !== undefined) summary.push(`request id ${requestId}`)
    const error = refused(spec, {
      kind,
      status,
      code: errors[0]?.code,
      retryAfter: sent.header('retry-after'),
      fallbackWaitMs: ratePeriodMs(sent.header('x-amzn-ratelimit-limit')),
      summary: redact(summary.join('; ')),
      what: kind === 'transient' && status === 404 ? 'not visible yet' : undefined,
    })
    // Amazon's 429: the operation's bucket waits it out in every process, not just this one.
    if (kind === 'rate-limited') bucketFor(spec.operationId).hold(error.details.retryAfterMs ?? 0)
    throw error
  }

  return { send, settle, fail }
}

/**
 * One period of the rate in `x-amzn-RateLimit-Limit` (requests per second, e.g. `0.5` → 2,000
 * ms), the wait after a 429 without Retry-After; undefined when the header is absent or not a
 * positive number (then {@link DEFAULT_RATE_LIMIT_WAIT_MS} applies).
 */
export function ratePeriodMs(rateLimitLimit: string | undefined): number | undefined {
  const rate = rateLimitLimit === undefined ? Number.NaN : Number(rateLimitLimit.trim())
  if (rateLimitLimit?.trim() && Number.isFinite(rate) && rate > 0) return Math.ceil(1000 / rate)
  return undefined
}

/**
 * Whether a refusal is about the access token itself, so a new token may help: any 401, or a 403
 * whose errors say the token expired or is invalid ("The security token included in the request
 * is expired", issue #2595 above). A 403 "Access to requested resource is denied." is the app's
 * or seller's authorization (a missing role, a revoked grant, the wrong region) and is not
 * retried: a new token from the same refresh token carries the same grant.
 */
export function isTokenRefusal(status: number, errors: readonly SpApiErrorEntry[]): boolean {
  if (status === 401) return true
  if (status !== 403) return false
  return errors.some((e) => {
    const text = `${e.code ?? ''} ${e.message ?? ''} ${e.details ?? ''}`
    return /expired/i.test(text) || /\btoken\b.*\binvalid\b|\binvalid\b.*\btoken\b/i.test(text)
  })
}

/** SP-API's `errors[]`; a single object counts as a list, anything else as none. */
export function spApiErrors(body: unknown): SpApiErrorEntry[] {
  if (!isRecord(body)) return []
  const list = body.errors
  const entries = Array.isArray(list) ? list : isRecord(list) ? [list] : []
  return entries.filter(isRecord).map((e) => ({
    code: text(e.code),
    message: text(e.message),
    details: text(e.details),
  }))
}

/** `InvalidInput "Invalid Input" (details "…")`. */
export function describeError(e: SpApiErrorEntry): string {
  const parts = [e.code ?? 'error']
  if (e.message !== undefined) parts.push(JSON.stringify(e.message))
  if (e.details !== undefined) parts.push(`(details ${JSON.stringify(e.details)})`)
  return parts.join(' ')
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  return typeof value === 'number' ? String(value) : undefined
}
