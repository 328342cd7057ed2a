/**
 * One Shopify GraphQL Admin API request and how its answer is classified.
 *
 * Request: `POST {apiBaseUrl | https://<shopDomain>}/admin/api/{version}/graphql.json`, JSON body
 * `{ query, variables }`, the token in `X-Shopify-Access-Token`
 * (https://shopify.dev/docs/api/admin-graphql#authentication). Every call is paced by the cost
 * bucket Shopify reports (cost-bucket.ts), has a whole-request deadline and a response size cap.
 *
 * Classification:
 * - THROTTLED (`errors[].extensions.code`), whether answered 200 or 429 — the status is disputed
 *   (channels.md §1 B2) — or any 429 → rate-limited, after Retry-After when sent, else the time
 *   the bucket needs to hold the call's cost again (`(requestedQueryCost − currentlyAvailable) /
 *   restoreRate`), else {@link DEFAULT_RATE_LIMIT_WAIT_MS}.
 * - 401, 403, or `ACCESS_DENIED` (a missing scope) → unauthorized.
 * - 5xx, 408, no answer, a timeout, a 2xx that is not JSON, `INTERNAL_SERVER_ERROR` → transient.
 * - Any other 4xx, any other top-level GraphQL error (a query or variable Shopify refuses,
 *   `MAX_COST_EXCEEDED`), a 2xx without `data` or above the size cap → permanent.
 * `userErrors` of a mutation are business answers, classified by the caller (client.ts).
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
import { redactSecrets } from '../shared/redact.js'
import type { ClientContext } from '../types.js'
import { shopifyApiSettings, type ShopifyCredentials } from './config.js'
import { CostBucket, type ThrottleStatus } from './cost-bucket.js'

export const CHANNEL = 'Shopify'
/** Wait after a throttled answer that says nothing usable about the bucket; our choice. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000

export interface GraphqlCall {
  /** Human label used in error messages, e.g. `set available quantities`. */
  readonly operation: string
  /** The root field called, e.g. `inventorySetQuantities`: names the call in messages. */
  readonly field: string
  readonly query: string
  readonly variables: Readonly<Record<string, unknown>>
  /** Points the call is expected to cost until Shopify has told us (`requestedQueryCost`). */
  readonly estimatedCost: number
}

export interface ShopifyGraphql {
  /** The call's `data`, or a `ChannelApiError`. */
  readonly request: (call: GraphqlCall) => Promise<Readonly<Record<string, unknown>>>
  readonly fail: CallErrors['fail']
  /** What names a call in error messages. */
  readonly label: (call: Pick<GraphqlCall, 'operation' | 'field'>) => CallLabel
  /** `text` with the access token redacted. */
  readonly redact: (text: string) => string
}

export function shopifyGraphql(
  credentials: ShopifyCredentials,
  ctx: ClientContext,
): ShopifyGraphql {
  const settings = shopifyApiSettings(credentials)
  const { fail, refused } = callErrors(CHANNEL, ctx.clock, DEFAULT_RATE_LIMIT_WAIT_MS)
  const bucket = new CostBucket(ctx.clock)
  /** The cost Shopify last asked for each root field: a better estimate than ours. */
  const lastCost = new Map<string, number>()
  const redact = (text: string) => redactSecrets(text, [settings.accessToken])
  const label = (call: Pick<GraphqlCall, 'operation' | 'field'>): CallLabel => ({
    operation: call.operation,
    method: 'POST',
    api: `/admin/api/${settings.apiVersion}/graphql.json ${call.field}`,
  })

  async function request(call: GraphqlCall): Promise<Readonly<Record<string, unknown>>> {
    const spec = label(call)
    if (settings.accessToken === undefined) {
      throw fail(
        'unauthorized',
        spec,
        'not sent: the account has no accessToken (Admin API access token) configured; it can receive webhooks but not call the API',
      )
    }
    if (settings.endpoint === undefined) {
      throw fail(
        'unauthorized',
        spec,
        'not sent: the account names neither apiBaseUrl nor shopDomain',
      )
    }
    await bucket.take(
      lastCost.get(call.field) ?? call.estimatedCost,
      `${CHANNEL} ${call.operation}`,
    )

    let sent
    try {
      sent = await httpExchange(ctx.transport, settings.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Shopify-Access-Token': settings.accessToken,
        },
        body: JSON.stringify({ query: call.query, variables: call.variables }),
        timeoutMs: settings.requestTimeoutMs,
      })
    } catch (err) {
      throw fail(
        'transient',
        spec,
        redact(unansweredReason(err, settings.requestTimeoutMs)),
        {},
        err,
      )
    }

    const { status } = sent
    const body = sent.tooLarge ? undefined : parseJsonAnswer(sent.text)
    const cost = readCost(body)
    if (cost?.throttleStatus) bucket.observe(cost.throttleStatus)
    if (cost?.requested !== undefined) lastCost.set(call.field, cost.requested)
    const errors = graphqlErrors(body)
    const requestId = sent.header('x-request-id')
    const summary = (parts: readonly string[]) =>
      redact(
        [`HTTP ${status}`, ...parts, ...(requestId ? [`request id ${requestId}`] : [])].join('; '),
      )

    if (status === 429 || errors.some((e) => e.code === 'THROTTLED')) {
      throw refused(spec, {
        kind: 'rate-limited',
        status,
        code: 'THROTTLED',
        retryAfter: sent.header('retry-after'),
        fallbackWaitMs: bucketWaitMs(cost),
        summary: summary(errors.map(describeError)),
      })
    }
    if (status < 200 || status >= 300) {
      throw refused(spec, {
        kind: httpStatusKind(status),
        status,
        summary: summary(errors.map(describeError)),
      })
    }
    const value = jsonAnswer(sent, spec, fail, requestId ? `request id ${requestId}` : undefined)
    if (errors.length > 0) {
      const kind = errors.some((e) => e.code === 'ACCESS_DENIED')
        ? 'unauthorized'
        : errors.every((e) => e.code === 'INTERNAL_SERVER_ERROR')
          ? 'transient'
          : 'permanent'
      const code = errors.find((e) => e.code !== undefined)?.code
      throw refused(spec, {
        kind,
        status,
        ...(code === undefined ? {} : { code }),
        summary: summary(errors.map(describeError)),
      })
    }
    const data = isRecord(value) ? value.data : undefined
    if (!isRecord(data))
      throw fail('permanent', spec, 'unexpected answer: no `data` object', { status })
    return data
  }

  return { request, fail, label, redact }
}

interface GraphqlError {
  readonly message: string
  readonly code?: string
}

/**
 * The answer's `errors`: a list of `{ message, extensions: { code } }` for GraphQL errors, or a
 * plain string, as Shopify answers a refused token (`{"errors":"[API] Invalid API key or access
 * token (unrecognized login or wrong password)"}`).
 */
function graphqlErrors(body: unknown): GraphqlError[] {
  if (!isRecord(body)) return []
  const { errors } = body
  if (typeof errors === 'string') return [{ message: errors }]
  if (!Array.isArray(errors)) return []
  return errors.filter(isRecord).map((e) => {
    const code = isRecord(e.extensions) ? e.extensions.code : undefined
    return {
      message: typeof e.message === 'string' ? e.message : 'error',
      ...(typeof code === 'string' ? { code } : {}),
    }
  })
}

function describeError(e: GraphqlError): string {
  return e.code === undefined ? JSON.stringify(e.message) : `${e.code} ${JSON.stringify(e.message)}`
}

interface Cost {
  readonly requested?: number
  readonly throttleStatus?: ThrottleStatus
}

/** `extensions.cost` of an answer, as far as it is readable. */
function readCost(body: unknown): Cost | undefined {
  const extensions = isRecord(body) ? body.extensions : undefined
  const cost = isRecord(extensions) ? extensions.cost : undefined
  if (!isRecord(cost)) return undefined
  const t = cost.throttleStatus
  const throttleStatus =
    isRecord(t) &&
    isNumber(t.maximumAvailable) &&
    isNumber(t.currentlyAvailable) &&
    isNumber(t.restoreRate)
      ? {
          maximumAvailable: t.maximumAvailable,
          currentlyAvailable: t.currentlyAvailable,
          restoreRate: t.restoreRate,
        }
      : undefined
  return {
    ...(isNumber(cost.requestedQueryCost) ? { requested: cost.requestedQueryCost } : {}),
    ...(throttleStatus ? { throttleStatus } : {}),
  }
}

/** How long until the bucket holds the throttled call's cost again; undefined when unknowable. */
function bucketWaitMs(cost: Cost | undefined): number | undefined {
  const status = cost?.throttleStatus
  if (!status || cost.requested === undefined || status.restoreRate <= 0) return undefined
  const missing = Math.min(cost.requested, status.maximumAvailable) - status.currentlyAvailable
  return missing > 0 ? Math.ceil((missing / status.restoreRate) * 1000) : undefined
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}
