/**
 * One Shopify REST Admin API request and how its answer is classified: the order list
 * (order-list.ts) is REST, because it lists the same REST Order the `orders/*` webhooks carry.
 * GraphQL calls are api-call.ts; REST has a limit of its own, so a gate of its own.
 *
 * Request: `GET {apiBaseUrl | https://<shopDomain>}/admin/api/{version}/<resource>.json?…`, the
 * token in `X-Shopify-Access-Token` (https://shopify.dev/docs/api/admin-rest#authentication), a
 * whole-request deadline and a response size cap. Every request first takes from the account's
 * gate `rest`: 2 requests a second with a burst of 40, a Standard plan's leaky bucket
 * (https://shopify.dev/docs/api/admin-rest/usage/rate-limits: 2/s on Standard, 4 on Advanced,
 * 20 on Plus, a full bucket answering "X-Shopify-Shop-Api-Call-Limit: 40/40"). Larger plans allow
 * more; the hub cannot tell a store's plan, so it paces to the smallest.
 *
 * Classification (shared wording: connectors/shared/call-errors.ts):
 * - 429 → rate-limited, after `Retry-After` (Shopify sends seconds with a decimal, `2.0`, same
 *   page), else {@link DEFAULT_RATE_LIMIT_WAIT_MS}; the gate is held that long, so no process of
 *   the hub calls this store's REST API meanwhile.
 * - 401, 403 (the app lacks a scope, e.g. `read_orders`) → unauthorized.
 * - 5xx, 408, no answer, a timeout, a 2xx that is not JSON → transient.
 * - Any other 4xx (a parameter Shopify refuses; 404: an unknown version or store) → permanent,
 *   quoting Shopify's `errors`. A 2xx above the size cap → permanent.
 */
import {
  callErrors,
  httpStatusKind,
  type CallErrors,
  type CallLabel,
} from '../shared/call-errors.js'
import {
  httpExchange,
  isRecord,
  jsonAnswer,
  parseJsonAnswer,
  unansweredReason,
} from '../shared/http-exchange.js'
import { bucketsBy } from '../shared/per-api-buckets.js'
import type { RateLimit } from '../shared/rate-limit.js'
import { redactSecrets } from '../shared/redact.js'
import type { ClientContext } from '../types.js'
import { CHANNEL, DEFAULT_RATE_LIMIT_WAIT_MS } from './api-call.js'
import { shopifyApiSettings, type ShopifyCredentials } from './config.js'

/** The REST gate's plan: a Standard store's bucket (see the module comment). */
export const REST_PLAN: RateLimit = { perSecond: 2, burst: 40 }
/** The name of the REST gate within the account's budget. */
export const REST_BUCKET = 'rest'

export interface RestCall {
  /** Human label used in error messages, e.g. `list orders`. */
  readonly operation: string
  /** The resource below the version, e.g. `/orders.json`. */
  readonly resource: string
  /** The query string without `?`, already encoded. */
  readonly query: string
}

/** A 2xx answer's JSON (parsed losslessly), and its headers. */
export interface RestAnswer {
  readonly value: unknown
  header(name: string): string | undefined
}

export interface ShopifyRest {
  readonly get: (call: RestCall) => Promise<RestAnswer>
  readonly fail: CallErrors['fail']
  /** What names a call in error messages. */
  readonly label: (call: Pick<RestCall, 'operation' | 'resource'>) => CallLabel
}

export function shopifyRest(credentials: ShopifyCredentials, ctx: ClientContext): ShopifyRest {
  const settings = shopifyApiSettings(credentials)
  const { fail, refused } = callErrors(CHANNEL, ctx.clock, DEFAULT_RATE_LIMIT_WAIT_MS)
  const gateOf = bucketsBy(() => REST_PLAN, ctx)
  const redact = (text: string) => redactSecrets(text, [settings.accessToken])
  const label = (call: Pick<RestCall, 'operation' | 'resource'>): CallLabel => ({
    operation: call.operation,
    method: 'GET',
    api: `/admin/api/${settings.apiVersion}${call.resource}`,
  })

  async function get(call: RestCall): Promise<RestAnswer> {
    const spec = label(call)
    if (settings.accessToken === undefined) {
      throw fail(
        'unauthorized',
        spec,
        'not sent: the account has no accessToken (Admin API access token) configured; it can receive webhooks but not call the API',
      )
    }
    if (settings.restBase === undefined) {
      throw fail(
        'unauthorized',
        spec,
        'not sent: the account names neither apiBaseUrl nor shopDomain',
      )
    }
    const gate = gateOf(REST_BUCKET)
    await gate.take(`${CHANNEL} ${call.operation}`)

    const url = `${settings.restBase}${call.resource}${call.query === '' ? '' : `?${call.query}`}`
    let sent
    try {
      sent = await httpExchange(ctx.transport, url, {
        method: 'GET',
        headers: { Accept: 'application/json', 'X-Shopify-Access-Token': settings.accessToken },
        timeoutMs: settings.requestTimeoutMs,
      })
    } catch (err) {
      const why = redact(unansweredReason(err, settings.requestTimeoutMs))
      throw fail('transient', spec, why, {}, err)
    }

    const { status } = sent
    const requestId = sent.header('x-request-id')
    if (status < 200 || status >= 300) {
      const errors = sent.tooLarge ? undefined : describeErrors(parseJsonAnswer(sent.text))
      const summary = [`HTTP ${status}`, ...(errors ? [errors] : [])]
      if (requestId) summary.push(`request id ${requestId}`)
      const kind = httpStatusKind(status)
      const err = refused(spec, {
        kind,
        status,
        fallbackWaitMs: decimalSeconds(sent.header('retry-after')),
        summary: redact(summary.join('; ')),
      })
      if (kind === 'rate-limited') gate.hold(err.details.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS)
      throw err
    }
    const value = jsonAnswer(sent, spec, fail, requestId ? `request id ${requestId}` : undefined)
    return { value, header: (name) => sent.header(name) }
  }

  return { get, fail, label }
}

/**
 * `Retry-After` as Shopify's REST API sends it, seconds with a decimal (`2.0`), in ms; the
 * shared reader (src/outbound/retry-after.ts) takes whole seconds and dates only.
 */
function decimalSeconds(value: string | undefined): number | undefined {
  const text = value?.trim()
  return text && /^\d+(\.\d+)?$/.test(text) ? Math.ceil(Number(text) * 1000) : undefined
}

/**
 * Shopify's REST `errors`: a string (`"[API] Invalid API key …"`), or parameter → message(s)
 * (`{ "page_info": "Invalid value." }`, `{ "limit": ["…"] }`).
 */
function describeErrors(body: unknown): string | undefined {
  const errors = isRecord(body) ? body.errors : undefined
  if (typeof errors === 'string') return JSON.stringify(errors)
  if (Array.isArray(errors)) return errors.map((e) => JSON.stringify(e)).join(', ')
  if (!isRecord(errors)) return undefined
  return Object.entries(errors)
    .map(([field, message]) => `${field}: ${JSON.stringify(message)}`)
    .join(', ')
}
