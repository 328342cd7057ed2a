/**
 * The emulated seller's token endpoint, `POST /v3/token`
 * (https://developer.walmart.com/us-marketplace/docs/get-an-access-token; spec mirrored in
 * repo:api-evangelist/walmart openapi/walmart-marketplace-authentication-openapi-original.yml):
 * client credentials as `Authorization: Basic base64(clientId:clientSecret)` (the connector's
 * published sandbox API client), form body `grant_type=client_credentials`; answers
 * `{ access_token, token_type: 'Bearer', expires_in }`. A token lives 900 s by the marketplace's
 * clock (`state.now`), after which the gateway (admission.ts) refuses it with 401.
 *
 * An address whose credentials were wrong `state.authFailures.limit` times in a window gets 429
 * (with Retry-After) until the window ends, without its credentials being checked.
 */
import { randomBytes } from 'node:crypto'
import type { Handler, MiddlewareHandler } from 'hono'
import { clientAddress } from '../../http/client-address.js'
import { AuthFailureWindow } from '../auth-failures.js'
import type { ChannelState } from '../types.js'
import { refuse, UNAUTHORIZED } from './admission.js'
import { SANDBOX } from './seller.js'

/** Walmart's access tokens live 900 s (get-an-access-token page). */
export const TOKEN_TTL_SECONDS = 900

/** The access tokens the seller's token endpoint issued, with when each expires. */
export class IssuedTokens {
  private readonly expiries = new Map<string, number>()

  /** `ttlSeconds` is what `expires_in` says; `now` is the marketplace's clock. */
  constructor(
    readonly ttlSeconds: number,
    private readonly now: () => Date,
  ) {}

  issue(): string {
    const now = this.now().getTime()
    for (const [token, expiresAt] of this.expiries)
      if (expiresAt <= now) this.expiries.delete(token)
    const token = randomBytes(24).toString('base64url')
    this.expiries.set(token, now + this.ttlSeconds * 1000)
    return token
  }

  valid(token: string): boolean {
    const expiresAt = this.expiries.get(token)
    return expiresAt !== undefined && expiresAt > this.now().getTime()
  }
}

/**
 * The token endpoint of one seller: `lockout` goes before the gateway (a locked-out address is
 * refused without using the API's allowance), `issue` after it.
 */
export function tokenEndpoint(
  state: ChannelState,
  tokens: IssuedTokens,
): { readonly lockout: MiddlewareHandler; readonly issue: Handler } {
  const basic = `Basic ${Buffer.from(`${SANDBOX.clientId}:${SANDBOX.clientSecret}`, 'utf8').toString('base64')}`
  const failures = new AuthFailureWindow(() => state.authFailures)
  const now = () => state.now().getTime()

  const lockout: MiddlewareHandler = async (c, next) => {
    const address = clientAddress(c)
    const blocked = failures.blocked(address, now())
    if (!blocked) return next()
    state.stats.calls += 1
    state.stats.throttled += 1
    state.stats.authLockouts += 1
    if (blocked.refused === 1)
      state.log?.warn(
        {
          channel: 'walmart',
          clientAddress: address,
          retryAfterSeconds: blocked.retryAfterSeconds,
        },
        'emulator: token requests rate-limited after repeated bad client credentials',
      )
    // Walmart sends Retry-After on feeds only (channels.md §3 B2); sent here so a guesser (and a
    // test) can see when the window ends. RFC 6585 §4.
    c.header('Retry-After', String(blocked.retryAfterSeconds))
    return refuse(c, state, 429, {
      code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API',
      description: 'Too Many Requests',
    })
  }

  const issue: Handler = async (c) => {
    if (c.req.header('authorization')?.trim() !== basic) {
      failures.fail(clientAddress(c), now())
      state.stats.authFailures += 1
      return refuse(c, state, 401, UNAUTHORIZED)
    }
    const form = new URLSearchParams(await c.req.text())
    const isForm = (c.req.header('content-type') ?? '').startsWith(
      'application/x-www-form-urlencoded',
    )
    if (!isForm || form.get('grant_type') !== 'client_credentials') {
      return refuse(c, state, 400, {
        code: 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API',
        field: 'grant_type',
        description: 'grant_type must be client_credentials, form-encoded',
      })
    }
    return c.json({
      access_token: tokens.issue(),
      token_type: 'Bearer',
      expires_in: tokens.ttlSeconds,
    })
  }

  return { lockout, issue }
}
