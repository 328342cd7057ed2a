/**
 * Walmart API access tokens, and the calls made with them. A token comes from
 * `POST /v3/token` — client credentials: `Authorization: Basic base64(clientId:clientSecret)`,
 * form body `grant_type=client_credentials`; answer `{ access_token, token_type, expires_in }`,
 * a token lives 900 s (https://developer.walmart.com/us-marketplace/docs/get-an-access-token).
 * It is cached until shortly before it expires (connectors/shared/cached-token.ts) and sent as
 * `WM_SEC.ACCESS_TOKEN` on every other call. The credentials and the tokens issued lately are
 * redacted from every error message.
 */
import {
  cachedToken,
  readTokenAnswer,
  sendWithToken,
  type IssuedToken,
} from '../shared/cached-token.js'
import type { CallErrors } from '../shared/call-errors.js'
import { redactSecrets } from '../shared/redact.js'
import type { ClientContext } from '../types.js'
import { walmartRequests, type Answer, type ApiCall } from './api-call.js'
import type { WalmartCredentials } from './config.js'

/** A token is renewed this long before it expires, so it cannot lapse between check and use. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000
/** Documented access-token lifetime, assumed when a token answer leaves `expires_in` out. */
const DOCUMENTED_TOKEN_LIFETIME_S = 900

/** Walmart API calls made with the account's access token. */
export interface WalmartApi {
  /**
   * One API call with the account's token. A 401 drops the token (if no other call replaced it
   * already) and the call is sent once more with a new one: tokens can be revoked, or end early
   * when clocks disagree. A second 401 is the credentials' problem: unauthorized.
   */
  readonly call: (spec: ApiCall) => Promise<Answer>
  readonly fail: CallErrors['fail']
  /** `text` with the client secret, its Basic form and the tokens issued lately redacted. */
  readonly redact: (text: string) => string
}

export function createWalmartApi(credentials: WalmartCredentials, ctx: ClientContext): WalmartApi {
  const basicCredentials = Buffer.from(
    `${credentials.clientId}:${credentials.clientSecret}`,
    'utf8',
  ).toString('base64')
  const token = cachedToken({
    clock: ctx.clock,
    issue: requestToken,
    refreshMarginMs: TOKEN_REFRESH_MARGIN_MS,
  })
  // The tokens issued lately are redacted from messages like the credentials.
  const redact = (text: string) =>
    redactSecrets(text, [credentials.clientSecret, basicCredentials, ...token.recent()])
  const { send, settle, fail } = walmartRequests(credentials, ctx, redact)

  async function requestToken(): Promise<IssuedToken> {
    const spec: ApiCall = {
      operation: 'get access token',
      method: 'POST',
      api: '/v3/token',
      path: '/v3/token',
    }
    const sent = await send(
      spec,
      {
        Authorization: `Basic ${basicCredentials}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      'grant_type=client_credentials',
    )
    const issued = readTokenAnswer(settle(spec, sent).value, DOCUMENTED_TOKEN_LIFETIME_S)
    if (!issued) {
      // Not quoted: the answer may hold a token in an unexpected place.
      throw fail('transient', spec, `not a token answer (correlation id ${sent.correlationId})`, {
        status: sent.status,
      })
    }
    return issued
  }

  async function call(spec: ApiCall): Promise<Answer> {
    const body =
      spec.rawBody?.text ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body))
    const contentType = spec.rawBody?.contentType ?? 'application/json'
    const headers = (accessToken: string): Record<string, string> => ({
      'WM_SEC.ACCESS_TOKEN': accessToken,
      ...(body === undefined ? {} : { 'Content-Type': contentType }),
    })
    const sent = await sendWithToken(
      token,
      (accessToken) => send(spec, headers(accessToken), body),
      (s) => s.status === 401,
    )
    return settle(spec, sent)
  }

  return { call, fail, redact }
}
