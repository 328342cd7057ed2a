/**
 * Walmart API access tokens, and the calls made with them. A token comes from
 * `POST /v3/token` — client credentials: `Authorization: Basic base64(clientId:clientSecret)`,
 * form body `grant_type=client_credentials`; answer `{ access_token, token_type, expires_in }`,
 * a token lives 900 s (https://developer.walmart.com/us-marketplace/docs/get-an-access-token).
 * It is cached until shortly before it expires and sent as `WM_SEC.ACCESS_TOKEN` on every other
 * call. The credentials and the tokens issued lately are redacted from every error message.
 */
import { z } from 'zod'
import type { CallErrors } from '../shared/call-errors.js'
import { redactSecrets } from '../shared/redact.js'
import type { ClientContext } from '../types.js'
import { walmartRequests, type Answer, type ApiCall } from './api-call.js'
import type { WalmartCredentials } from './config.js'

/** A token is renewed this long before it expires, so it cannot lapse between check and use. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000
/** Documented access-token lifetime, assumed when a token answer leaves `expires_in` out. */
const DOCUMENTED_TOKEN_LIFETIME_S = 900
/** How many of the latest tokens stay redacted from messages. */
const REDACTED_TOKENS = 4

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
})

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
  /** Tokens this client was issued lately: redacted from messages like the credentials. */
  const recentTokens: string[] = []
  const redact = (text: string) =>
    redactSecrets(text, [credentials.clientSecret, basicCredentials, ...recentTokens])
  const { send, settle, fail } = walmartRequests(credentials, ctx, redact)

  let token: { readonly value: string; readonly renewAt: number } | undefined
  let renewal: Promise<string> | undefined

  /** A valid access token: the cached one, else one renewal shared by every caller waiting. */
  function accessToken(): Promise<string> {
    if (token && ctx.clock.now().getTime() < token.renewAt) return Promise.resolve(token.value)
    renewal ??= requestToken().finally(() => {
      renewal = undefined
    })
    return renewal
  }

  async function requestToken(): Promise<string> {
    const spec: ApiCall = {
      operation: 'get access token',
      method: 'POST',
      api: '/v3/token',
      path: '/v3/token',
    }
    // Lifetime counts from when we asked, not when the answer arrived: errs on the early side.
    const askedAt = ctx.clock.now().getTime()
    const sent = await send(
      spec,
      {
        Authorization: `Basic ${basicCredentials}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      'grant_type=client_credentials',
    )
    const parsed = TokenAnswer.safeParse(settle(spec, sent).value)
    if (!parsed.success) {
      // Not quoted: the answer may hold a token in an unexpected place.
      throw fail('transient', spec, `not a token answer (correlation id ${sent.correlationId})`, {
        status: sent.status,
      })
    }
    const lifetimeMs = (parsed.data.expires_in ?? DOCUMENTED_TOKEN_LIFETIME_S) * 1000
    // Half the lifetime at most, so a short-lived token is still used before it is renewed.
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2)
    const value = parsed.data.access_token
    token = { value, renewAt: askedAt + lifetimeMs - margin }
    recentTokens.unshift(value)
    recentTokens.length = Math.min(recentTokens.length, REDACTED_TOKENS)
    return value
  }

  async function call(spec: ApiCall): Promise<Answer> {
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body)
    const headers = (accessTokenValue: string): Record<string, string> => ({
      'WM_SEC.ACCESS_TOKEN': accessTokenValue,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    })
    const used = await accessToken()
    let sent = await send(spec, headers(used), body)
    if (sent.status === 401) {
      if (token?.value === used) token = undefined
      sent = await send(spec, headers(await accessToken()), body)
    }
    return settle(spec, sent)
  }

  return { call, fail, redact }
}
