/**
 * Login with Amazon (LWA) access tokens, and the SP-API calls made with them.
 *
 * A token comes from `POST <lwaTokenUrl>` (default `https://api.amazon.com/auth/o2/token`) with a
 * form body `grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…`; the answer is
 * `{ access_token, token_type, expires_in }`, and a token lives one hour
 * (https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api,
 * https://developer.amazon.com/docs/login-with-amazon/access-token.html). It is cached until
 * shortly before it expires (connectors/shared/cached-token.ts) and sent as `x-amz-access-token`
 * on every SP-API call. The client secret, the refresh token (also in their form-encoded spelling)
 * and the tokens issued lately are redacted from every error message.
 *
 * Token endpoint answers (OAuth 2.0 error bodies `{ error, error_description }`, RFC 6749 §5.2;
 * that LWA uses exactly these codes and statuses is taken from the RFC, not confirmed by an
 * Amazon page read here):
 * - 2xx with `access_token` → the token; a 2xx without one, or not JSON → transient.
 * - 401 / 403, or 400 `invalid_grant` (refresh token revoked or wrong), `invalid_client`,
 *   `unauthorized_client` → unauthorized: an operator must re-authorize or fix the credentials.
 * - 429 → rate-limited (Retry-After, else {@link DEFAULT_RATE_LIMIT_WAIT_MS}); 5xx, no answer,
 *   a timeout → transient; any other 4xx (`invalid_request`, `unsupported_grant_type`) →
 *   permanent (our request is wrong).
 * The token endpoint is not paced: the cache sends it about one request an hour per account.
 */
import type { ChannelApiErrorKind } from '../shared/api-error.js'
import {
  cachedToken,
  readTokenAnswer,
  sendWithToken,
  type IssuedToken,
} from '../shared/cached-token.js'
import {
  callErrors,
  httpStatusKind,
  type CallErrors,
  type CallLabel,
} from '../shared/call-errors.js'
import {
  httpExchange,
  isRecord,
  parseJsonAnswer,
  unansweredReason,
  type Exchanged,
} from '../shared/http-exchange.js'
import { redactSecrets } from '../shared/redact.js'
import type { ClientContext } from '../types.js'
import {
  CHANNEL,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  isTokenRefusal,
  spApiErrors,
  spApiRequests,
  USER_AGENT,
  type Answer,
  type ApiCall,
} from './api-call.js'
import type { AmazonCredentials } from './config.js'

/** A token is renewed this long before it expires, so it cannot lapse between check and use. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000
/** Documented access-token lifetime (one hour), assumed when an answer leaves `expires_in` out. */
const DOCUMENTED_TOKEN_LIFETIME_S = 3_600

/** OAuth error codes that mean the credentials or the seller's grant were refused. */
const CREDENTIAL_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client'])

/** SP-API calls made with the account's LWA access token. */
export interface AmazonApi {
  /**
   * One SP-API call with the account's token. A refusal of the token itself (see
   * `isTokenRefusal`) drops it (if no other call replaced it already) and the call is sent once
   * more with a new one: tokens can be revoked, or lapse early when clocks disagree. A second
   * refusal is unauthorized.
   */
  readonly call: (spec: ApiCall) => Promise<Answer>
  readonly fail: CallErrors['fail']
  /** `text` with the client secret, the refresh token and the tokens issued lately redacted. */
  readonly redact: (text: string) => string
}

export function createAmazonApi(credentials: AmazonCredentials, ctx: ClientContext): AmazonApi {
  const { lwa } = credentials
  const tokenUrl = credentials.lwaTokenUrl
  const timeoutMs = credentials.requestTimeoutMs
  // The secrets as sent in the form body too, where `|` in a refresh token becomes `%7C`.
  const secrets = [lwa.clientSecret, lwa.refreshToken].flatMap((s) => [s, formValue(s)])
  const token = cachedToken({
    clock: ctx.clock,
    issue: requestToken,
    refreshMarginMs: TOKEN_REFRESH_MARGIN_MS,
  })
  const redact = (text: string) => redactSecrets(text, [...secrets, ...token.recent()])
  const { send, settle, fail } = spApiRequests(credentials, ctx, redact)
  const { refused } = callErrors(CHANNEL, ctx.clock, DEFAULT_RATE_LIMIT_WAIT_MS)
  const tokenCall: CallLabel = {
    operation: 'get access token',
    method: 'POST',
    api: tokenPath(tokenUrl),
  }

  async function requestToken(): Promise<IssuedToken> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: lwa.refreshToken,
      client_id: lwa.clientId,
      client_secret: lwa.clientSecret,
    }).toString()
    let sent: Exchanged
    try {
      sent = await httpExchange(ctx.transport, tokenUrl, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
          'User-Agent': USER_AGENT,
        },
        body: form,
        timeoutMs,
      })
    } catch (err) {
      throw fail('transient', tokenCall, redact(unansweredReason(err, timeoutMs)), {}, err)
    }
    const { status } = sent
    const body = sent.tooLarge ? undefined : parseJsonAnswer(sent.text)
    if (status >= 200 && status < 300) {
      const issued = readTokenAnswer(body, DOCUMENTED_TOKEN_LIFETIME_S)
      // Not quoted: the answer may hold a token in an unexpected place.
      if (!issued) throw fail('transient', tokenCall, 'not a token answer', { status })
      return issued
    }
    const error = isRecord(body) && typeof body.error === 'string' ? body.error : undefined
    const description =
      isRecord(body) && typeof body.error_description === 'string'
        ? body.error_description
        : undefined
    const summary = [`HTTP ${status}`]
    if (error !== undefined) summary.push(error)
    if (description !== undefined) summary.push(JSON.stringify(description))
    const requestId = sent.header('x-amzn-requestid')
    if (requestId !== undefined) summary.push(`request id ${requestId}`)
    throw refused(tokenCall, {
      kind: tokenRefusalKind(status, error),
      status,
      code: error,
      retryAfter: sent.header('retry-after'),
      summary: redact(summary.join('; ')),
    })
  }

  async function call(spec: ApiCall): Promise<Answer> {
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body)
    const headers = (accessToken: string): Record<string, string> => ({
      'x-amz-access-token': accessToken,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    })
    const sent = await sendWithToken(
      token,
      (accessToken) => send(spec, headers(accessToken), body),
      (s) => isTokenRefusal(s.status, s.tooLarge ? [] : spApiErrors(parseJsonAnswer(s.text))),
    )
    return settle(spec, sent)
  }

  return { call, fail, redact }
}

/** By the HTTP status, except that an OAuth error naming the credentials is unauthorized. */
function tokenRefusalKind(status: number, error: string | undefined): ChannelApiErrorKind {
  const kind = httpStatusKind(status)
  return kind === 'permanent' && error !== undefined && CREDENTIAL_ERRORS.has(error)
    ? 'unauthorized'
    : kind
}

/** A value as `URLSearchParams` writes it in a form body. */
function formValue(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}

/** The token URL's path, to name the endpoint in messages (`/auth/o2/token`). */
function tokenPath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}
