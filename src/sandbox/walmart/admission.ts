/**
 * What stands in front of every emulated Walmart API call, as Walmart's API gateway does: its rate
 * limit, the headers every call must carry, and the access token. Refusals use Walmart's error
 * shape, `{ error: [{ code, field, description, info, severity, category, causes,
 * errorIdentifiers }] }`, the form the gateway answers a 401 with (codes, statuses, categories:
 * https://developer.walmart.com/us-marketplace/docs/error-codes; the gateway's `error` wrapper:
 * repo:highsidelabs/walmart-api-php issue #5).
 *
 * Checked in this order (Walmart's own order is not documented): rate limit (429
 * `REQUEST_THRESHOLD_VIOLATED`), `Accept` names JSON (406: the emulator answers JSON only, where
 * Walmart would fall back to XML), `WM_SVC.NAME` (400), `WM_QOS.CORRELATION_ID` (400), then
 * `WM_SEC.ACCESS_TOKEN` naming an issued, unexpired token (401 `UNAUTHORIZED.GMP_GATEWAY_API`)
 * for every API but the token endpoint. Header names are matched case-insensitively, as HTTP does.
 * A path no API serves is answered 404 `URI_NOT_FOUND` before any of these.
 *
 * Also here: how the gateway reads a request's path and query (Walmart's encoding rules).
 */
import type { Context, MiddlewareHandler } from 'hono'
import { admitCall, EmulatedRateLimit } from '../rate-limit.js'
import type { ChannelState } from '../types.js'

/** One entry of Walmart's error list; its category and severity follow from its code. */
export interface WalmartError {
  readonly code: string
  readonly field?: string
  readonly description?: string
}

/**
 * Category and severity by error code (the part before the API suffix, e.g. `CONTENT_NOT_FOUND`
 * of `CONTENT_NOT_FOUND.GMP_ORDER_API`), as the error-codes page's table lists them.
 */
const CLASSES: Readonly<Record<string, readonly [category: string, severity: string]>> = {
  INVALID_REQUEST: ['DATA', 'ERROR'],
  INVALID_REQUEST_HEADER: ['DATA', 'ERROR'],
  INVALID_REQUEST_PARAM: ['DATA', 'ERROR'],
  INVALID_REQUEST_CONTENT: ['DATA', 'ERROR'],
  MISSING_REQUEST_HEADER: ['DATA', 'ERROR'],
  MISSING_REQUEST_PARAM: ['DATA', 'ERROR'],
  MALFORMED_REQUEST_CONTENT: ['DATA', 'ERROR'],
  UNAUTHORIZED: ['DATA', 'ERROR'],
  FORBIDDEN: ['DATA', 'ERROR'],
  CONTENT_NOT_FOUND: ['APPLICATION', 'INFO'],
  URI_NOT_FOUND: ['DATA', 'ERROR'],
  METHOD_NOT_ALLOWED: ['DATA', 'ERROR'],
  INVALID_ACCEPT_TYPE: ['APPLICATION', 'ERROR'],
  UNSUPPORTED_MEDIA_TYPE: ['DATA', 'ERROR'],
  REQUEST_THRESHOLD_VIOLATED: ['REQUEST', 'ERROR'],
  INVALID_SYSTEM_STATE: ['SYSTEM', 'ERROR'],
  SYSTEM_ERROR: ['SYSTEM', 'ERROR'],
  DOWNSTREAM_SYSTEM_TIME_OUT: ['SYSTEM', 'ERROR'],
}

/**
 * Walmart documents no per-minute limit for the single-SKU inventory and order-read APIs
 * (channels.md §3 B2, unconfirmed), only that limits are per API. Assumed: 10 calls per second
 * per API, burst 10; twice the hub's own default pacing (connectors/walmart/config.ts
 * `rateLimitPerSecond` 5), so a hub pacing itself is never throttled, one that does not is.
 * Measured on the marketplace's clock (`state.now`).
 */
const PER_API_PER_SECOND = 10
const PER_API_BURST = 10

/** The gateway's answer to a missing, unknown or expired token, and to wrong client credentials. */
export const UNAUTHORIZED: WalmartError = {
  code: 'UNAUTHORIZED.GMP_GATEWAY_API',
  field: 'UNAUTHORIZED',
  description: 'Unauthorized token or incorrect authorization header.',
}

/** One entry of Walmart's error list with every field the gateway sends. */
export function walmartErrorEntry(error: WalmartError): Record<string, unknown> {
  const [category, severity] = CLASSES[error.code.split('.')[0]!] ?? ['SYSTEM', 'ERROR']
  return {
    code: error.code,
    ...(error.field === undefined ? {} : { field: error.field }),
    description: error.description ?? error.code,
    info: error.description ?? error.code,
    severity,
    category,
    causes: [],
    errorIdentifiers: {},
  }
}

/** A refusal in Walmart's shape; every 4xx but 429 counts as rejected in the channel's stats. */
export function refuse(
  c: Context,
  state: ChannelState,
  status: 400 | 401 | 404 | 406 | 429,
  error: WalmartError,
): Response {
  if (status !== 429) state.stats.rejected += 1
  return c.json({ error: [walmartErrorEntry(error)] }, status)
}

/**
 * The admission of one emulated seller: `guard(api, { token })` is the middleware of one API
 * (`api` names its rate-limit bucket, e.g. `PUT /v3/inventory`); `validToken` says whether an
 * access token is one the seller's token endpoint issued and that has not expired.
 */
export function walmartAdmission(state: ChannelState, validToken: (token: string) => boolean) {
  const limits = new Map<string, EmulatedRateLimit>()
  const limitOf = (api: string) => {
    let limit = limits.get(api)
    if (!limit) {
      limit = new EmulatedRateLimit(PER_API_PER_SECOND, PER_API_BURST, () => state.now().getTime())
      limits.set(api, limit)
    }
    return limit
  }

  return function guard(api: string, opts: { readonly token: boolean }): MiddlewareHandler {
    return async (c, next) => {
      // Walmart documents Retry-After for feeds only (channels.md §3 B2), so none is sent here:
      // the hub must cope without it, as it must with Walmart.
      if (!admitCall(state, limitOf(api)).ok) {
        return refuse(c, state, 429, {
          code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API',
          description: 'Too Many Requests',
        })
      }
      const header = (name: string) => c.req.header(name)?.trim() ?? ''
      if (!header('accept').toLowerCase().includes('application/json')) {
        return refuse(c, state, 406, {
          code: 'INVALID_ACCEPT_TYPE.GMP_GATEWAY_API',
          field: 'Accept',
          description: 'The emulator answers application/json only',
        })
      }
      if (header('wm_svc.name') === '') {
        return refuse(c, state, 400, {
          code: 'MISSING_REQUEST_HEADER.GMP_GATEWAY_API',
          field: 'WM_SVC.NAME',
          description: 'WM_SVC.NAME set null or blank',
        })
      }
      if (header('wm_qos.correlation_id') === '') {
        return refuse(c, state, 400, {
          code: 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API',
          field: 'WM_QOS.CORRELATION_ID',
          description: 'WM_QOS.CORRELATION_ID set null or blank',
        })
      }
      if (opts.token && !validToken(header('wm_sec.access_token'))) {
        return refuse(c, state, 401, UNAUTHORIZED)
      }
      return next()
    }
  }
}

/**
 * A path no Walmart API serves (a wrong base URL or API version): 404 `URI_NOT_FOUND` (error-codes
 * page), which the hub must tell apart from an order or SKU not found.
 */
export function unknownUri(c: Context, state: ChannelState): Response {
  state.stats.calls += 1
  return refuse(c, state, 404, {
    code: 'URI_NOT_FOUND.GMP_GATEWAY_API',
    description: `No API at ${c.req.method} ${new URL(c.req.url).pathname}`,
  })
}

/**
 * The query's values decoded with `decodeURIComponent`: Walmart asks for spaces as %20, never `+`
 * (Get/Update inventory specs), so a `+` stays a plus, unlike with URLSearchParams.
 */
export function decodedQuery(url: string): Record<string, string> {
  const out: Record<string, string> = {}
  const search = new URL(url).search.replace(/^\?/, '')
  for (const pair of search.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    try {
      out[decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))] =
        eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1))
    } catch {
      // A malformed escape is left out; the route then reports the parameter missing.
    }
  }
  return out
}

/** The last path segment decoded, read from the raw URL so an encoded `/` stays inside it. */
export function lastSegment(url: string): string | undefined {
  const path = new URL(url).pathname
  try {
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1))
  } catch {
    return undefined
  }
}
