import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AdminCounters } from '../../metrics/admin.js'
import { lockedOut, type FailureLimit } from '../auth-failure-limit.js'
import { clientAddress } from '../client-address.js'
import type { AppEnv } from '../env.js'
import { createLogSampler } from '../log-sampler.js'

export interface AdminAuthOptions {
  readonly token: string
  /**
   * Also accept HTTP Basic with the token as the password (any user name): Bull Board's and the
   * console's pages only, since a browser can send nothing else. Browsers cache Basic credentials and attach
   * them to any request to the site, forged ones included, so the API takes Bearer only.
   */
  readonly allowBasic: boolean
  readonly failures: FailureLimit
  readonly counters: AdminCounters
}

type Failure = 'missing' | 'malformed' | 'scheme' | 'wrong'

const MESSAGES: Record<Failure, string> = {
  missing: 'admin authentication required: send Authorization: Bearer <ADMIN_TOKEN>',
  malformed: 'Authorization: not a Bearer token',
  scheme:
    'Authorization: HTTP Basic is accepted only by Bull Board (/admin/queues) and the console (/console); send Authorization: Bearer <ADMIN_TOKEN>',
  wrong: 'Authorization: not the admin token',
}

/**
 * Admin routes take `Authorization: Bearer <token>` (and, with `allowBasic`, HTTP Basic). There is
 * no anonymous access. An address that presents wrong credentials too often is answered 429 with
 * `Retry-After`, its credentials unchecked, until its window ends (auth-failure-limit.ts).
 */
export function adminAuth(opts: AdminAuthOptions) {
  const expected = digest(opts.token)
  const challenge = opts.allowBasic
    ? 'Basic realm="marketplace-hub admin", charset="UTF-8"'
    : 'Bearer realm="marketplace-hub admin"'
  const limiterDown = createLogSampler(60_000)
  return createMiddleware<AppEnv>(async (c, next) => {
    const address = clientAddress(c)
    const retryAfterSeconds = await lockedOut(c, opts.failures, {
      address,
      endpoint: 'admin-auth',
      counters: opts.counters,
      message: 'admin authentication rate-limited: too many failures from this address',
      onUnavailable: (err) => {
        // Without Redis nothing is counted: authentication still works, unthrottled.
        if (limiterDown.first('redis').log)
          c.get('log').warn({ err }, 'admin auth failure limit unavailable (Redis); not enforced')
      },
    })
    if (retryAfterSeconds !== undefined)
      return c.json(
        {
          error: 'too many failed admin authentications from this address; retry later',
          retryAfterSeconds,
        },
        429,
      )
    const presented = presentedToken(c.req.header('authorization'), opts.allowBasic)
    // Comparing fixed-length digests keeps the comparison constant-time whatever was sent.
    const failure: Failure | undefined =
      typeof presented !== 'string'
        ? presented.failure
        : timingSafeEqual(digest(presented), expected)
          ? undefined
          : 'wrong'
    if (!failure) return next()
    return refuse(c, failure, address)
  })

  async function refuse(c: Context<AppEnv>, failure: Failure, address: string) {
    opts.counters.authFailure(failure)
    const fields = {
      clientAddress: address,
      reason: failure,
      method: c.req.method,
      path: c.req.path,
    }
    if (failure === 'missing') {
      // A browser's first request to Bull Board or the console: not an attempt, not counted.
      c.get('log').debug(fields, 'admin authentication missing')
    } else {
      // At most `limit` of these per address per window: then the address gets 429s instead.
      await opts.failures.recordFailure(address).catch((err: unknown) => {
        if (limiterDown.first('redis').log)
          c.get('log').warn({ err }, 'admin auth failure limit unavailable (Redis); not enforced')
      })
      c.get('log').warn(fields, 'admin authentication failed')
    }
    c.header('WWW-Authenticate', challenge)
    return c.json({ error: MESSAGES[failure] }, 401)
  }
}

function presentedToken(
  header: string | undefined,
  allowBasic: boolean,
): string | { failure: Failure } {
  if (!header) return { failure: 'missing' }
  const [scheme, value] = header.split(' ', 2)
  if (!value?.trim()) return { failure: 'malformed' }
  if (scheme?.toLowerCase() === 'bearer') return value.trim()
  if (scheme?.toLowerCase() === 'basic') {
    if (!allowBasic) return { failure: 'scheme' }
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon >= 0 ? decoded.slice(colon + 1) : { failure: 'malformed' }
  }
  return { failure: 'malformed' }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}
