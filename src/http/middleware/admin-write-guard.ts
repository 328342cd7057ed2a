import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AdminCounters } from '../../metrics/admin.js'
import { clientAddress } from '../client-address.js'
import type { AppEnv } from '../env.js'
import { createLogSampler } from '../log-sampler.js'

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

interface Refusal {
  readonly status: 403 | 415
  readonly reason: 'cross-origin' | 'cross-site' | 'content-type' | 'no-origin'
  readonly body: Record<string, unknown>
}

/**
 * Refuses admin writes a browser could have been tricked into sending (CSRF), before any
 * credential is looked at:
 * - a page of another origin: an `Origin` that is neither the hub's own nor listed in
 *   ADMIN_ALLOWED_ORIGINS, or `Sec-Fetch-Site: cross-site` without such an Origin (403);
 * - a body that is not `application/json`: the types an HTML form can send without a CORS
 *   preflight (text/plain, form encodings) are how a foreign page posts (415). A write with no
 *   body passes; a route that needs one answers 400.
 * Bull Board's own page sends same-origin XHRs (JSON or no body), so it keeps working.
 *
 * With `forms` (the console), a form-encoded body is what is expected instead, and the request
 * must show it comes from a page of the hub's own origin (or a trusted one): an `Origin` header
 * (browsers send it with every form post) or `Sec-Fetch-Site: same-origin`; without either it is
 * refused (403), since a form is exactly what a forged page can send.
 */
export function adminWriteGuard(opts: {
  readonly allowedOrigins: readonly string[]
  readonly counters: AdminCounters
  readonly forms?: boolean
}) {
  const allowed = new Set(opts.allowedOrigins)
  const sampler = createLogSampler(60_000)
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!MUTATING.has(c.req.method)) return next()
    const refusal =
      originRefusal(c, allowed) ??
      (opts.forms ? (unprovenOrigin(c) ?? formTypeRefusal(c)) : contentTypeRefusal(c))
    if (!refusal) return next()
    opts.counters.writeRefused(refusal.reason)
    const address = clientAddress(c)
    const sampled = sampler.first(`${refusal.reason}|${address}`)
    if (sampled.log)
      c.get('log').warn(
        {
          reason: refusal.reason,
          clientAddress: address,
          method: c.req.method,
          path: c.req.path,
          origin: c.req.header('origin'),
          contentType: c.req.header('content-type'),
          alikeSincePreviousLine: sampled.skipped,
        },
        'admin write refused',
      )
    return c.json(refusal.body, refusal.status)
  })
}

function originRefusal(c: Context<AppEnv>, allowed: ReadonlySet<string>): Refusal | undefined {
  const origin = c.req.header('origin')
  if (origin !== undefined) {
    if (isOwnOrigin(c, origin) || allowed.has(origin)) return undefined
    return {
      status: 403,
      reason: 'cross-origin',
      body: {
        error: `Origin: ${origin.slice(0, 200)} is not this hub's origin; admin writes from other sites are refused (trusted origins go in ADMIN_ALLOWED_ORIGINS)`,
      },
    }
  }
  if (c.req.header('sec-fetch-site')?.toLowerCase() === 'cross-site') {
    return {
      status: 403,
      reason: 'cross-site',
      body: { error: 'Sec-Fetch-Site: cross-site; admin writes from other sites are refused' },
    }
  }
  return undefined
}

/**
 * Same scheme, host and port as the request. Behind a TLS-terminating proxy the request arrives as
 * http, so the proxy's `X-Forwarded-Proto` is accepted for the scheme; a forged request cannot set
 * that header without a CORS preflight, which the hub never grants.
 */
function isOwnOrigin(c: Context<AppEnv>, origin: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return false // includes `null`, sent by sandboxed frames and file: pages
  }
  const own = new URL(c.req.url)
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  const schemes = [own.protocol, ...(forwarded ? [`${forwarded}:`] : [])]
  return parsed.host === own.host && schemes.includes(parsed.protocol) && parsed.origin === origin
}

/** A console form post whose browser said nothing of where it comes from. */
function unprovenOrigin(c: Context<AppEnv>): Refusal | undefined {
  if (c.req.header('origin') !== undefined) return undefined // checked by originRefusal
  if (c.req.header('sec-fetch-site')?.toLowerCase() === 'same-origin') return undefined
  return {
    status: 403,
    reason: 'no-origin',
    body: {
      error:
        "neither Origin nor Sec-Fetch-Site: same-origin; the console's forms are accepted from its own pages only",
    },
  }
}

const FORM_TYPE = 'application/x-www-form-urlencoded'

function formTypeRefusal(c: Context<AppEnv>): Refusal | undefined {
  const declared = c.req.header('content-type')
  if (declared?.split(';')[0]!.trim().toLowerCase() === FORM_TYPE) return undefined
  return {
    status: 415,
    reason: 'content-type',
    body: {
      error: `Content-Type: ${declared === undefined ? 'missing' : declared.slice(0, 100)}; the console's forms post ${FORM_TYPE}`,
      expected: FORM_TYPE,
    },
  }
}

function contentTypeRefusal(c: Context<AppEnv>): Refusal | undefined {
  const declared = c.req.header('content-type')
  if (declared === undefined) {
    const length = c.req.header('content-length')
    const hasBody =
      (length !== undefined && length.trim() !== '0') ||
      c.req.header('transfer-encoding') !== undefined
    if (!hasBody) return undefined
  } else if (declared.split(';')[0]!.trim().toLowerCase() === 'application/json') {
    return undefined
  }
  return {
    status: 415,
    reason: 'content-type',
    body: {
      error: `Content-Type: ${declared === undefined ? 'missing' : declared.slice(0, 100)}; admin writes take application/json`,
      expected: 'application/json',
    },
  }
}
