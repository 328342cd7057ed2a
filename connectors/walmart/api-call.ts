/**
 * One Walmart Marketplace API request and how its answer is classified. Every request is paced
 * per API by a token bucket, has a whole-request deadline and a response size cap, and sends
 * `WM_QOS.CORRELATION_ID` (a new UUID per request, quoted in our error messages for Walmart
 * support), `WM_SVC.NAME`, `Accept: application/json` (both APIs can answer XML) and
 * `WM_CONSUMER.CHANNEL.TYPE` when set. The access token is added by auth.ts.
 *
 * Error classification (status codes: https://developer.walmart.com/us-marketplace/docs/error-codes):
 * - 429 (`REQUEST_THRESHOLD_VIOLATED`) → rate-limited, after Retry-After if sent, else
 *   {@link DEFAULT_RATE_LIMIT_WAIT_MS}. Walmart's feed docs say to honour Retry-After; whether
 *   these APIs send it is unconfirmed (channels.md §3 B2,
 *   https://developer.walmart.com/us-marketplace/docs/throttling).
 * - 5xx (`SYSTEM_ERROR`, `DOWNSTREAM_SYSTEM_TIME_OUT`, a 503 from before the gateway), 408, no
 *   answer, a timeout, or a 2xx body that is not JSON → transient.
 * - 401 (`UNAUTHORIZED`) / 403 (`FORBIDDEN.GMP_GATEWAY_API`, missing scope) → unauthorized. An
 *   API call answered 401 is first retried once with a new token (see auth.ts).
 * - 404 on Get an order → transient ("not visible yet"), see `getOrder` in client.ts.
 * - Any other 4xx → permanent, the message listing Walmart's errors (code, field, description).
 * - A 2xx above the size cap, or of an unexpected shape → permanent.
 */
import { randomUUID } from 'node:crypto'
import { callErrors, httpStatusKind, type CallErrors } from '../shared/call-errors.js'
import {
  httpExchange,
  isRecord,
  jsonAnswer,
  parseJsonAnswer,
  unansweredReason,
  type Exchanged,
} from '../shared/http-exchange.js'
import { perApiBuckets } from '../shared/per-api-buckets.js'
import type { ClientContext } from '../types.js'
import type { WalmartCredentials } from './config.js'

/**
 * Wait after a 429 that names none. Walmart documents no fixed window for these APIs
 * (channels.md §3 B2), so this is our choice; the pipeline's backoff adds to it.
 */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000
export const CHANNEL = 'Walmart'

export interface ApiCall {
  /** Human label used in error messages, e.g. `get order 1796277083022`. */
  readonly operation: string
  readonly method: 'GET' | 'PUT' | 'POST'
  /** The path template: names the API in messages and keys its rate-limit bucket. */
  readonly api: string
  /** Path and query, already encoded. */
  readonly path: string
  readonly body?: unknown
  /** A body sent as is, with its Content-Type (a feed's multipart/form-data), instead of `body`. */
  readonly rawBody?: { readonly contentType: string; readonly text: string }
  /** Get an order only: a 404 means "not visible yet" rather than a bad request. */
  readonly notFoundIsTransient?: boolean
}

/** A 2xx answer's JSON, with the correlation id it was sent with. */
export interface Answer {
  readonly value: unknown
  readonly correlationId: string
}

export type Sent = Exchanged & { readonly correlationId: string }

/** One entry of Walmart's error list, as far as the hub reads it. */
export interface WalmartErrorEntry {
  readonly code?: string
  readonly field?: string
  readonly description?: string
}

export interface WalmartRequests {
  /** Takes a token from the API's bucket, sends, and reads the answer; no answer → transient. */
  readonly send: (spec: ApiCall, headers: Record<string, string>, body?: string) => Promise<Sent>
  /** The error for a non-2xx answer, or the 2xx answer's JSON. */
  readonly settle: (spec: ApiCall, sent: Sent) => Answer
  readonly fail: CallErrors['fail']
}

/** `redact` hides the credentials (auth.ts knows them) in messages built from Walmart's text. */
export function walmartRequests(
  credentials: WalmartCredentials,
  ctx: ClientContext,
  redact: (text: string) => string,
): WalmartRequests {
  const baseUrl = credentials.apiBaseUrl.replace(/\/+$/, '')
  const timeoutMs = credentials.requestTimeoutMs
  const bucketFor = perApiBuckets(credentials.rateLimitPerSecond, ctx)
  const bucketOf = (spec: ApiCall) => bucketFor(`${spec.method} ${spec.api}`)
  const { fail, refused } = callErrors(CHANNEL, ctx.clock, DEFAULT_RATE_LIMIT_WAIT_MS)

  async function send(
    spec: ApiCall,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Sent> {
    await bucketOf(spec).take(`${CHANNEL} ${spec.operation}`)
    const correlationId = randomUUID()
    try {
      const answer = await httpExchange(ctx.transport, `${baseUrl}${spec.path}`, {
        method: spec.method,
        headers: {
          Accept: 'application/json',
          'WM_QOS.CORRELATION_ID': correlationId,
          'WM_SVC.NAME': credentials.serviceName,
          ...(credentials.channelType === undefined
            ? {}
            : { 'WM_CONSUMER.CHANNEL.TYPE': credentials.channelType }),
          ...headers,
        },
        body,
        timeoutMs,
      })
      return Object.assign(answer, { correlationId })
    } catch (err) {
      const why = redact(unansweredReason(err, timeoutMs))
      throw fail('transient', spec, `${why} (correlation id ${correlationId})`, {}, err)
    }
  }

  function settle(spec: ApiCall, sent: Sent): Answer {
    const { status, correlationId } = sent
    if (status >= 200 && status < 300) {
      return {
        value: jsonAnswer(sent, spec, fail, `correlation id ${correlationId}`),
        correlationId,
      }
    }
    const errors = sent.tooLarge ? [] : walmartErrors(parseJsonAnswer(sent.text))
    const code = errors[0]?.code
    // A 404 naming URI_NOT_FOUND is a wrong path or base URL, never an order not visible yet.
    const notVisibleYet = spec.notFoundIsTransient === true && !code?.startsWith('URI_NOT_FOUND')
    const kind = httpStatusKind(status, notVisibleYet)
    const summary = [
      `HTTP ${status}`,
      ...errors.map(describeError),
      `correlation id ${correlationId}`,
    ]
    const error = refused(spec, {
      kind,
      status,
      code,
      retryAfter: sent.header('retry-after'),
      summary: redact(summary.join('; ')),
      what: kind === 'transient' && status === 404 ? 'not visible yet' : undefined,
    })
    // Walmart's 429: the API's bucket waits it out in every process, not just this one.
    if (kind === 'rate-limited') bucketOf(spec).hold(error.details.retryAfterMs ?? 0)
    throw error
  }

  return { send, settle, fail }
}

/**
 * Walmart's error list, in any of the shapes it comes in: `{ errors: [...] }` (error-codes page),
 * `{ error: [...] }` (gateway 401s, e.g. repo:highsidelabs/walmart-api-php issue #5), or
 * `{ errors: { error: [...] } }` (the XML form mapped to JSON); a single object counts as a list.
 */
export function walmartErrors(body: unknown): WalmartErrorEntry[] {
  if (!isRecord(body)) return []
  let list = body.errors ?? body.error
  if (isRecord(list) && 'error' in list) list = list.error
  const entries = Array.isArray(list) ? list : isRecord(list) ? [list] : []
  return entries.filter(isRecord).map((e) => ({
    code: text(e.code),
    field: text(e.field),
    description: text(e.description) ?? text(e.message) ?? text(e.info),
  }))
}

/** `INVALID_REQUEST_CONTENT (field sku) "The value is invalid"`. */
export function describeError(e: WalmartErrorEntry): string {
  const parts = [e.code ?? 'error']
  if (e.field !== undefined) parts.push(`(field ${e.field})`)
  if (e.description !== undefined) parts.push(JSON.stringify(e.description))
  return parts.join(' ')
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  return typeof value === 'number' ? String(value) : undefined
}
