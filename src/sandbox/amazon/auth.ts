/**
 * Login with Amazon as the emulator plays it: the refresh-token grant at `POST /auth/o2/token`
 * and the access tokens it issues, which every SP-API call presents in `x-amz-access-token`.
 *
 * The request is a form (`application/x-www-form-urlencoded`) with `grant_type=refresh_token`,
 * `refresh_token`, `client_id` and `client_secret`; the answer is `{ access_token: 'Atza|…',
 * refresh_token, token_type: 'bearer', expires_in: 3600 }`
 * (https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api). Errors are
 * OAuth 2.0's `{ error, error_description }` (RFC 6749 §5.2): a wrong client is 401
 * `invalid_client`, a wrong refresh token 400 `invalid_grant`.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import type { ChannelState } from '../types.js'
import type { AmazonSeller } from './seller.js'

/** LWA access tokens live an hour (the docs above), by the marketplace's clock (`state.now`). */
const TOKEN_TTL_SECONDS = 3_600
/** Forget expired tokens once this many are held, so a long sandbox run stays small. */
const PRUNE_AT = 1_000

export type TokenCheck = 'ok' | 'unknown' | 'expired'

export interface AccessTokens {
  issue(): string
  check(token: string | undefined): TokenCheck
}

export function accessTokens(state: Pick<ChannelState, 'now'>): AccessTokens {
  const expiry = new Map<string, number>()
  return {
    issue() {
      const now = state.now().getTime()
      if (expiry.size >= PRUNE_AT) {
        for (const [token, at] of expiry) if (at <= now) expiry.delete(token)
      }
      const token = `Atza|${randomBytes(24).toString('base64url')}`
      expiry.set(token, now + TOKEN_TTL_SECONDS * 1_000)
      return token
    },
    check(token) {
      const at = token === undefined ? undefined : expiry.get(token)
      if (at === undefined) return 'unknown'
      return at > state.now().getTime() ? 'ok' : 'expired'
    },
  }
}

/** `POST /auth/o2/token`. */
export async function tokenEndpoint(
  c: Context,
  state: ChannelState,
  seller: AmazonSeller,
  tokens: AccessTokens,
): Promise<Response> {
  state.stats.calls += 1
  const refuse = (status: 400 | 401, error: string, description: string) => {
    state.stats.rejected += 1
    return c.json({ error, error_description: description }, status, {
      'x-amzn-RequestId': randomUUID(),
    })
  }
  const contentType = c.req.header('content-type') ?? ''
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return refuse(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded')
  }
  const form = new URLSearchParams(await c.req.text())
  if (form.get('grant_type') !== 'refresh_token') {
    return refuse(400, 'unsupported_grant_type', 'The authorization grant type is not supported')
  }
  const { lwa } = seller
  if (form.get('client_id') !== lwa.clientId || form.get('client_secret') !== lwa.clientSecret) {
    return refuse(401, 'invalid_client', 'Client authentication failed')
  }
  if (form.get('refresh_token') !== lwa.refreshToken) {
    return refuse(
      400,
      'invalid_grant',
      'The request has an invalid grant parameter : refresh_token',
    )
  }
  return c.json(
    {
      access_token: tokens.issue(),
      refresh_token: lwa.refreshToken,
      token_type: 'bearer',
      expires_in: TOKEN_TTL_SECONDS,
    },
    200,
    { 'x-amzn-RequestId': randomUUID() },
  )
}
