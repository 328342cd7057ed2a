/**
 * What every emulated SP-API call goes through before its handler: the LWA access token in
 * `x-amz-access-token`, then the operation's usage plan (a token bucket per operation,
 * https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits-in-the-sp-api), and
 * the answer's headers.
 *
 * Answers carry `x-amzn-RequestId`, and those past the token check `x-amzn-RateLimit-Limit` (the
 * plan's rate, e.g. `5.0`, as Amazon sends it: repo:amzn/selling-partner-api-models issue #4283).
 * Errors are `{ errors: [{ code, message, details }] }` (`ErrorList` in the models). A refused
 * token is 403 `Unauthorized`, worded as Amazon words it for an unknown and an expired token
 * (selling-partner-api-models issue #2595, selling-partner-api-docs issue #2336). A throttled call
 * is 429 `QuotaExceeded` without Retry-After: the models list none, and the code is the usage-plan
 * docs' (both unconfirmed, channels.md §2 B2). Bodies are written losslessly: a record a test
 * stores with a bigint keeps every digit, as Amazon's own JSON would.
 */
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import { DEFAULT_RATE_LIMITS, type SpApiOperation } from '../../../connectors/amazon/index.js'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { stringify } from 'lossless-json'
import { admitCall, EmulatedRateLimit } from '../rate-limit.js'
import type { ChannelState } from '../types.js'
import type { AccessTokens } from './auth.js'

export type { SpApiOperation }

export interface UsagePlan {
  readonly perSecond: number
  readonly burst: number
}

/**
 * Amazon's documented default plans, as the connector states them (connectors/amazon/api-call.ts,
 * with their sources): one statement of the fact, so the emulator and the client cannot disagree.
 */
export const USAGE_PLANS: Readonly<Record<SpApiOperation, UsagePlan>> = DEFAULT_RATE_LIMITS

export interface SpApiErrorEntry {
  readonly code: string
  readonly message: string
  readonly details?: string
}

const ACCESS_DENIED: SpApiErrorEntry = {
  code: 'Unauthorized',
  message: 'Access to requested resource is denied.',
}
const TOKEN_EXPIRED: SpApiErrorEntry = {
  code: 'Unauthorized',
  message: 'The security token included in the request is expired',
}
export const QUOTA_EXCEEDED: SpApiErrorEntry = {
  code: 'QuotaExceeded',
  message: 'You exceeded your quota for the requested resource.',
}

/** How a handler answers, with the operation's headers; a refusal counts in `stats.rejected`. */
export interface SpApiReply {
  /** 200 unless `status` says otherwise (createFeed answers 202). */
  json(body: unknown, status?: 200 | 201 | 202): Response
  refuse(status: ContentfulStatusCode, errors: readonly SpApiErrorEntry[]): Response
}

export type SpApiHandler = (c: Context, reply: SpApiReply) => Response | Promise<Response>

/** Wraps handlers of one seller's SP-API with the token check and the usage plans. */
export function spApiGate(
  state: ChannelState,
  tokens: AccessTokens,
  plans: Readonly<Record<SpApiOperation, UsagePlan>>,
): (operation: SpApiOperation, handler: SpApiHandler) => (c: Context) => Promise<Response> {
  const buckets = new Map<SpApiOperation, EmulatedRateLimit>()
  const bucket = (operation: SpApiOperation) => {
    let found = buckets.get(operation)
    if (found === undefined) {
      const { perSecond, burst } = plans[operation]
      found = new EmulatedRateLimit(perSecond, burst, () => state.now().getTime())
      buckets.set(operation, found)
    }
    return found
  }

  return (operation, handler) => async (c) => {
    const token = tokens.check(c.req.header('x-amz-access-token'))
    if (token !== 'ok') {
      // Refused before the usage plan is consulted: the plan belongs to an authenticated caller.
      state.stats.calls += 1
      state.stats.rejected += 1
      return spApiError(403, [token === 'expired' ? TOKEN_EXPIRED : ACCESS_DENIED])
    }
    const limit = { 'x-amzn-RateLimit-Limit': rateHeader(plans[operation].perSecond) }
    if (!admitCall(state, bucket(operation)).ok) {
      return spApiError(429, [QUOTA_EXCEEDED], limit)
    }
    const reply: SpApiReply = {
      json: (body, status = 200) => jsonAnswer(status, body, limit),
      refuse: (status, errors) => {
        state.stats.rejected += 1
        return spApiError(status, errors, limit)
      },
    }
    return handler(c, reply)
  }
}

/**
 * An SP-API error answer, `{ errors: [{ code, message, details }] }` with `x-amzn-RequestId` and
 * `headers`: how the emulator refuses, and how tests inject a refusal it would not make itself.
 */
export function spApiError(
  status: ContentfulStatusCode,
  errors: readonly SpApiErrorEntry[],
  headers: Record<string, string> = {},
): Response {
  const body = {
    errors: errors.map((e) => ({ code: e.code, message: e.message, details: e.details ?? '' })),
  }
  return jsonAnswer(status, body, headers)
}

function jsonAnswer(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(stringify(body), {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-RequestId': randomUUID(),
      ...headers,
    },
  })
}

/** `5.0`, `0.5`: a whole rate with one decimal place, as Amazon writes it. */
function rateHeader(perSecond: number): string {
  return Number.isInteger(perSecond) ? perSecond.toFixed(1) : String(perSecond)
}
