/**
 * One TikTok Shop Open API call: signed (sign-request.ts), with the seller token in
 * `x-tts-access-token`, paced per API by a token bucket, with a whole-request deadline and a
 * response size cap; its answer is TikTok's JSON envelope, or a classified `ChannelApiError`.
 *
 * Error classification (HTTP status first, then TikTok's `code`):
 * - HTTP 429 → rate-limited (Retry-After if sent, else 1 s); 5xx (503 is platform overload) →
 *   transient (https://partner.tiktokshop.com/docv2/page/rate-limits, mirror
 *   guides/developer-guide/tiktok-shop-api-concepts/rate-limits.md).
 * - Any other non-2xx → the code's kind when the body carries a code listed in TIKTOK_CODE_KINDS,
 *   else 401/403 → unauthorized and the rest → permanent.
 * - HTTP 2xx with `code` ≠ 0 → TIKTOK_CODE_KINDS, permanent for any code not listed.
 * - No answer, a timeout, or a body that is not a JSON envelope → transient.
 */
import type { ChannelApiErrorKind } from '../shared/api-error.js'
import { callErrors, type CallErrors } from '../shared/call-errors.js'
import {
  httpExchange,
  isRecord,
  MAX_RESPONSE_BYTES,
  parseJsonAnswer,
  unansweredReason,
  type Exchanged,
} from '../shared/http-exchange.js'
import { perApiBuckets } from '../shared/per-api-buckets.js'
import { redactSecrets } from '../shared/redact.js'
import type { ClientContext } from '../types.js'
import type { TikTokShopCredentials } from './config.js'
import { signedApiQuery } from './sign-request.js'

/** A record as TikTok answered it (ids beyond 2^53 kept as digit strings by `parseJsonBody`). */
export type TikTokRecord = Readonly<Record<string, unknown>>

/**
 * TikTok `code` values whose kind is not `permanent`. Every other non-zero code is permanent.
 * Source: https://partner.tiktokshop.com/docv2/page/678e3a45786253031531b942 (Common errors; mirror
 * guides/developer-guide/tiktok-shop-api-concepts/common-errors.md), and for 36009003 the
 * `error_code_list` of the update-inventory, inventory-search and search-returns specs.
 */
export const TIKTOK_CODE_KINDS: Readonly<Record<string, ChannelApiErrorKind>> = {
  /** "Too many requests." */
  '36009002': 'rate-limited',
  /** "Internal error. Please try again." */
  '36009003': 'transient',
  /** "Request timeout." */
  '36009007': 'transient',
  /** "Expired credentials. The access_token or x-tts-access-token header has expired." */
  '105002': 'unauthorized',
  /** "Invalid credentials. The sign query parameter is invalid." (wrong app secret) */
  '106001': 'unauthorized',
  /**
   * Shared by several refusals: missing signature, invalid `x-tts-access-token`, invalid `app_key`,
   * timestamp outside the window (clock skew), unexpected identifier, invalid API version. Most are
   * credential problems and all need an operator, so the whole code is `unauthorized`.
   */
  '36009004': 'unauthorized',
  /** "Invalid query or header": token of the wrong user type or not for this `shop_cipher`. */
  '101000': 'unauthorized',
  /** "Access denied": the app or token lacks the endpoint's scope; the seller must re-authorize. */
  '105005': 'unauthorized',
  /** "Access denied. Your IP address is not in the IP allow list configured for this app." */
  '36009033': 'unauthorized',
}

/** The kind of a non-zero TikTok `code`. */
export function classifyTikTokCode(code: string): ChannelApiErrorKind {
  return TIKTOK_CODE_KINDS[code] ?? 'permanent'
}

export const CHANNEL = 'TikTok Shop'
/** TikTok documents no Retry-After on 429 (channels.md §4 B2), so this is the fallback wait. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000

export interface ApiCall {
  /** Human label used in error messages, e.g. `get orders`. */
  readonly operation: string
  readonly method: 'GET' | 'POST'
  /** The API's path template: TikTok counts its rate limit per API, so the bucket is keyed by this. */
  readonly api: string
  readonly path: string
  readonly params?: Readonly<Record<string, string>>
  readonly body?: unknown
}

/** A successful call's `data` (an empty object when TikTok sent none) and its `request_id`. */
export interface Answer {
  readonly data: TikTokRecord
  readonly requestId?: string
}

export interface TikTokApi {
  /** Sends one call; its answer, or a classified `ChannelApiError`. */
  readonly call: (spec: ApiCall) => Promise<Answer>
  readonly fail: CallErrors['fail']
  /** `text` with the access token and app secrets redacted. */
  readonly redact: (text: string) => string
  /** The objects in `data[field]`; an absent field is an empty list (TikTok omits empty lists). */
  readonly recordsIn: (spec: ApiCall, answer: Answer, field: string) => TikTokRecord[]
}

interface Envelope {
  readonly code?: string
  readonly message?: string
  readonly requestId?: string
  readonly data?: unknown
}

export function createTikTokApi(credentials: TikTokShopCredentials, ctx: ClientContext): TikTokApi {
  const baseUrl = credentials.apiBaseUrl.replace(/\/+$/, '')
  const firstSecret = credentials.appSecrets[0]
  if (firstSecret === undefined) throw new Error('TikTok Shop credentials list no app secret')
  const appSecret: string = firstSecret
  const timeoutMs = credentials.requestTimeoutMs
  const bucketFor = perApiBuckets(credentials.rateLimitPerSecond, ctx)
  const { fail, refused } = callErrors(CHANNEL, ctx.clock, DEFAULT_RATE_LIMIT_WAIT_MS)
  // Credentials never appear in messages, even if TikTok were to echo one back.
  const redact = (text: string) =>
    redactSecrets(text, [credentials.accessToken, ...credentials.appSecrets])

  function describe(status: number, envelope: Envelope | undefined): string {
    const parts = [`HTTP ${status}`]
    if (envelope?.code !== undefined) parts.push(`code ${envelope.code}`)
    if (envelope?.message) parts.push(`"${redact(envelope.message)}"`)
    if (envelope?.requestId) parts.push(`request_id ${envelope.requestId}`)
    return parts.join(', ')
  }

  /** Takes a token from the API's bucket, signs, sends, and reads the answer; none → transient. */
  async function send(spec: ApiCall): Promise<Exchanged> {
    await bucketFor(spec.api).take(`${CHANNEL} ${spec.operation}`)
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body)
    // Signed after the bucket's wait, so the timestamp is the time of sending.
    const query = signedApiQuery({
      appKey: credentials.appKey,
      appSecret,
      shopCipher: credentials.shopCipher,
      now: ctx.clock.now(),
      path: spec.path,
      params: spec.params,
      body,
    })
    try {
      return await httpExchange(ctx.transport, `${baseUrl}${spec.path}?${query.toString()}`, {
        method: spec.method,
        headers: {
          'content-type': 'application/json',
          'x-tts-access-token': credentials.accessToken,
        },
        body,
        timeoutMs,
      })
    } catch (err) {
      throw fail('transient', spec, redact(unansweredReason(err, timeoutMs)), {}, err)
    }
  }

  async function call(spec: ApiCall): Promise<Answer> {
    const sent = await send(spec)
    const { status } = sent
    const envelope = sent.tooLarge ? undefined : readEnvelope(sent.text)
    const code = envelope?.code

    const ok = status >= 200 && status < 300
    let kind: ChannelApiErrorKind | undefined
    if (status === 429) kind = 'rate-limited'
    else if (status >= 500) kind = 'transient'
    else if (!ok) {
      const known = code === undefined ? undefined : TIKTOK_CODE_KINDS[code]
      kind = known ?? (status === 401 || status === 403 ? 'unauthorized' : 'permanent')
    } else if (sent.tooLarge) {
      throw fail('permanent', spec, `answer larger than ${MAX_RESPONSE_BYTES} bytes`, { status })
    } else if (!envelope || code === undefined) {
      throw fail('transient', spec, `answer is not a TikTok JSON envelope (HTTP ${status})`, {
        status,
      })
    } else if (code !== '0') kind = classifyTikTokCode(code)

    if (kind !== undefined) {
      const summary = describe(status, envelope)
      const error = refused(spec, {
        kind,
        status,
        code,
        retryAfter: sent.header('retry-after'),
        summary,
      })
      // TikTok's 429 (or code 36009002): the API's bucket waits it out in every process.
      if (kind === 'rate-limited') bucketFor(spec.api).hold(error.details.retryAfterMs ?? 0)
      throw error
    }
    return { data: isRecord(envelope?.data) ? envelope.data : {}, requestId: envelope?.requestId }
  }

  function recordsIn(spec: ApiCall, answer: Answer, field: string): TikTokRecord[] {
    const value = answer.data[field]
    if (value === undefined || value === null) return []
    if (Array.isArray(value) && value.every(isRecord)) return value
    throw fail('permanent', spec, `unexpected answer: data.${field} is not a list of objects`)
  }

  return { call, fail, redact, recordsIn }
}

/** TikTok's `{ code, message, request_id, data }`, or undefined for a body that is not one. */
function readEnvelope(text: string): Envelope | undefined {
  const value = parseJsonAnswer(text)
  if (!isRecord(value)) return undefined
  const { code, message, request_id: requestId, data } = value
  return {
    code: typeof code === 'number' || typeof code === 'string' ? String(code) : undefined,
    message: typeof message === 'string' ? message : undefined,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    data,
  }
}
