// A stand-in for the parts of Amazon's Selling Partner API the hub calls: the Login with Amazon
// token endpoint, Orders API v0 getOrder / getOrderItems, and Listings Items 2021-08-01
// getListingsItem / patchListingsItem. Written from Amazon's docs and models, independently of
// connectors/amazon/*, so a misreading in the client is not repeated here. Sources:
// repo:amzn/selling-partner-api-models models/orders-api-model/ordersV0.json and
// models/listings-items-api-model/listingsItems_2021-08-01.json (paths, bodies, `errors[]`,
// `marketplaceIds` maxItems 1), https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api
// (LWA form fields, `x-amz-access-token`), repo:amzn/selling-partner-api-models issue #2595 and
// repo:amzn/selling-partner-api-docs issue #2336 (403 bodies for an expired or refused token).
// Wording of messages the sources do not give (404, 400) is the emulator's own.
//
// Usage (client test or end-to-end test):
//   const api = amazonApi({ baseUrl, lwaTokenUrl, lwa, orders: new Map([[id, { order, items }]]) })
//   mswServer.use(...api.handlers)
//   const client = createAmazonClient(
//     { …credentials, apiBaseUrl: baseUrl, lwaTokenUrl, lwa },
//     { transport: fetchTransport(), clock },
//   )
// with `fetchTransport` from ./api-stand-in.js (msw does not see undici's `request()`).
// A getOrder answered 429 once, then served normally:
//   let throttled = false
//   amazonApi({ …, before: (call) => {
//     if (call.operation !== 'getOrder' || throttled) return undefined
//     throttled = true
//     return spApiError(429, [QUOTA_EXCEEDED], { rateLimit: '0.5' })
//   } })
import { randomBytes, randomUUID } from 'node:crypto'
import { HttpResponse, http, type HttpHandler } from 'msw'
import {
  arrived,
  isObject,
  parseObject,
  rawJson,
  rawJsonList,
  rawJsonResponse,
  recordCall,
  retryAfterHeader,
  tokenIssuer,
  type ServedRecord,
} from './api-stand-in.js'

export type { ServedRecord } from './api-stand-in.js'

/** An order as getOrder (`order`) and getOrderItems (`items`, paged) serve it. */
export interface ServedOrder {
  readonly order: ServedRecord
  readonly items: readonly ServedRecord[]
}

/** One entry of SP-API's `errors[]`. */
export interface SpApiErrorEntry {
  readonly code: string
  readonly message: string
  readonly details?: string
}

/** The throttling error as the usage-plans docs describe it (the exact code is unconfirmed). */
export const QUOTA_EXCEEDED: SpApiErrorEntry = {
  code: 'QuotaExceeded',
  message: 'You exceeded your quota for the requested resource.',
}

/** The SP-API operations served, plus the LWA token exchange. */
export type AmazonOperation =
  'token' | 'getOrder' | 'getOrderItems' | 'getListingsItem' | 'patchListingsItem'

/** One request that reached a handler, whether it was accepted or refused. */
export interface AmazonApiCall {
  readonly operation: AmazonOperation
  readonly method: string
  /** As sent, still percent-encoded (e.g. `/listings/2021-08-01/items/A1/TEE%20BLK%2FM`). */
  readonly path: string
  /** The query as sent, still percent-encoded, without the `?`. */
  readonly rawQuery: string
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /**
   * The status (and error code, if the body had one) the call was refused with: by the
   * emulator's checks, or by a `before` / `onPatch` reply of status ≥ 400.
   */
  readonly refusedWith?: { readonly status: number; readonly code?: string }
}

/** A patchListingsItem call that passed every check, as the emulator parsed it. */
export interface AmazonPatch {
  /** Decoded from the path. */
  readonly sellerId: string
  /** Decoded from the path (`TEE BLK/M` for `TEE%20BLK%2FM`). */
  readonly sku: string
  /** Decoded from the query (exactly one: the model's `maxItems: 1`). */
  readonly marketplaceIds: readonly string[]
  /** The parsed body, `{ productType, patches: [{ op, path, value? }] }`. */
  readonly body: {
    readonly productType: string
    readonly patches: readonly {
      readonly op: 'add' | 'replace' | 'merge' | 'delete'
      readonly path: string
      readonly value?: readonly Record<string, unknown>[]
    }[]
  }
}

/**
 * How `onPatch` answers: nothing (`ACCEPTED`, no issues), `{ status: 'INVALID', issues }` (issue
 * objects `{ code, message, severity, attributeNames?, categories }`), `{ status: 'ACCEPTED',
 * issues }` (accepted with warnings), or a whole `Response`, e.g. `spApiError(400, [...])`.
 */
export type AmazonPatchReply =
  Response | { readonly status: 'ACCEPTED' | 'INVALID'; readonly issues: readonly object[] }

/** One `fulfillmentAvailability` entry of a listing, as getListingsItem reports it. */
export interface ServedAvailability {
  readonly fulfillmentChannelCode: string
  readonly quantity?: number
}

export interface AmazonApiOptions {
  /** The client's `apiBaseUrl`: an origin such as `https://sellingpartnerapi-na.amazon.test`. */
  readonly baseUrl: string
  /** The client's `lwaTokenUrl`: a full URL such as `https://api.amazon.test/auth/o2/token`. */
  readonly lwaTokenUrl: string
  /** The LWA app credentials and the seller's refresh token the token endpoint accepts. */
  readonly lwa: {
    readonly clientId: string
    readonly clientSecret: string
    readonly refreshToken: string
  }
  /**
   * Orders by AmazonOrderId, read at request time (a test may add orders later). An id not in the
   * map is answered 404 by getOrder and getOrderItems.
   */
  readonly orders?: ReadonlyMap<string, ServedOrder>
  /** Items per getOrderItems page; the last page has no NextToken. Default: all on one page. */
  readonly pageSize?: number
  /** When set, Listings Items calls for another seller id are answered 400 `InvalidInput`. */
  readonly sellerId?: string
  /**
   * getListingsItem's `fulfillmentAvailability` by SKU, read at request time; a SKU not in the
   * map is answered 404. Patches are not applied to it (`ACCEPTED` only queues a change); a test
   * that wants the change visible applies it in `onPatch`.
   */
  readonly listings?: ReadonlyMap<string, readonly ServedAvailability[]>
  /** Called for each patchListingsItem that passed every check; see {@link AmazonPatchReply}. */
  readonly onPatch?: (
    patch: AmazonPatch,
  ) => AmazonPatchReply | undefined | Promise<AmazonPatchReply | undefined>
  /**
   * Called for each SP-API call whose token passed (not for the token endpoint), before it is
   * served; a `Response` returned is sent instead, e.g. a 429 for the first getOrder.
   */
  readonly before?: (call: AmazonApiCall) => Response | undefined | Promise<Response | undefined>
  /** Lifetime of issued tokens, as `expires_in`. Default 3600 (LWA's documented hour). */
  readonly tokenTtlSeconds?: number
  /** The emulator's clock, for token expiry. Default: real time. Pass the client's test clock. */
  readonly now?: () => Date
}

export interface AmazonApi {
  /** Pass to `mswServer.use(...api.handlers)`. */
  readonly handlers: HttpHandler[]
  /** Every call, token exchanges included, in arrival order. */
  readonly calls: AmazonApiCall[]
  /** Every access token issued, in order. */
  readonly tokens: readonly string[]
  /** Every accepted-for-checking patch (whatever `onPatch` answered), in arrival order. */
  readonly patches: AmazonPatch[]
  /** Makes every token issued so far expired: SP-API answers 403 "…token… is expired". */
  expireTokens(): void
  /** Makes every token issued so far unknown: SP-API answers 403 "Access … is denied.". */
  revokeTokens(): void
}

const ACCESS_DENIED: SpApiErrorEntry = {
  code: 'Unauthorized',
  message: 'Access to requested resource is denied.',
  details: '',
}
const TOKEN_EXPIRED: SpApiErrorEntry = {
  code: 'Unauthorized',
  message: 'The security token included in the request is expired',
  details: '',
}
const LISTINGS_PATH = '/listings/2021-08-01/items/:sellerId/:sku'
const PATCH_OPS = new Set(['add', 'replace', 'merge', 'delete'])

/**
 * msw handlers for the LWA token endpoint (`POST lwaTokenUrl`) and, on `baseUrl`,
 * `GET /orders/v0/orders/:orderId`, `GET /orders/v0/orders/:orderId/orderItems`,
 * `GET|PATCH /listings/2021-08-01/items/:sellerId/:sku`, answering JSON.
 *
 * Token endpoint: wants a form body (`application/x-www-form-urlencoded`, else 400
 * `invalid_request`) with `grant_type=refresh_token` (else 400 `unsupported_grant_type`), the
 * `client_id` and `client_secret` (else 401 `invalid_client`) and the `refresh_token` (else 400
 * `invalid_grant`); answers `{ access_token: 'Atza|…', token_type: 'bearer', expires_in }`.
 *
 * SP-API calls want an issued, unexpired, unrevoked token in `x-amz-access-token`: a missing or
 * unknown one is answered 403 `Unauthorized` "Access to requested resource is denied.", an expired
 * one 403 `Unauthorized` "The security token included in the request is expired". Then `before`
 * runs. getOrderItems pages by `pageSize`; its NextToken holds `+`, `/` and `=`, so a client
 * that does not percent-encode it in the query is answered 400 `InvalidInput`. Listings calls
 * want exactly one `marketplaceIds` value, and PATCH wants a JSON body `{ productType, patches }`
 * whose every patch has an `op` of add/replace/merge/delete, a `path`, and (except delete) a
 * `value` that is an array of objects (else 400 `InvalidInput`). Every answer carries
 * `x-amzn-RequestId`.
 */
export function amazonApi(options: AmazonApiOptions): AmazonApi {
  const base = options.baseUrl.replace(/\/+$/, '')
  const now = options.now ?? (() => new Date())
  const ttlSeconds = options.tokenTtlSeconds ?? 3_600
  const calls: AmazonApiCall[] = []
  const patches: AmazonPatch[] = []
  const issuer = tokenIssuer({ prefix: 'Atza|', ttlSeconds, now })
  const pageTokens = new Map<string, { readonly orderId: string; readonly offset: number }>()

  /** Records the call; `refuse` marks it refused and builds the answer. */
  async function record(request: Request, operation: AmazonOperation) {
    const { url, ...sent } = await arrived(request)
    const call: AmazonApiCall = { operation, ...sent }
    const mark = recordCall(calls, call)
    const markRefused = (status: number, code?: string) =>
      mark({ status, ...(code === undefined ? {} : { code }) })
    const refuse = (status: number, errors: readonly SpApiErrorEntry[]) => {
      markRefused(status, errors[0]?.code)
      return spApiError(status, errors)
    }
    return { call, url, body: sent.body, markRefused, refuse }
  }

  /** Records an SP-API call, checks its token, runs `before`: a refusal, or what handlers need. */
  async function admit(request: Request, operation: AmazonOperation) {
    const recorded = await record(request, operation)
    const token = issuer.check(request.headers.get('x-amz-access-token') ?? '')
    if (token === 'unknown') return { refused: recorded.refuse(403, [ACCESS_DENIED]) }
    if (token === 'expired') return { refused: recorded.refuse(403, [TOKEN_EXPIRED]) }
    const early = await options.before?.(recorded.call)
    if (early instanceof Response) {
      if (early.status >= 400) recorded.markRefused(early.status, await errorCode(early))
      return { refused: early }
    }
    return recorded
  }

  const handlers = [
    http.post(options.lwaTokenUrl, async ({ request }) => {
      const { body, markRefused } = await record(request, 'token')
      const oauthError = (status: number, error: string, description: string) => {
        markRefused(status, error)
        return HttpResponse.json(
          { error, error_description: description },
          { status, headers: requestIdHeader() },
        )
      }
      const contentType = request.headers.get('content-type') ?? ''
      if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
        return oauthError(400, 'invalid_request', 'The request must be form-encoded')
      }
      const form = new URLSearchParams(body)
      if (form.get('grant_type') !== 'refresh_token') {
        return oauthError(400, 'unsupported_grant_type', 'Only refresh_token is served here')
      }
      if (
        form.get('client_id') !== options.lwa.clientId ||
        form.get('client_secret') !== options.lwa.clientSecret
      ) {
        return oauthError(401, 'invalid_client', 'Client authentication failed')
      }
      if (form.get('refresh_token') !== options.lwa.refreshToken) {
        return oauthError(
          400,
          'invalid_grant',
          'The request has an invalid grant parameter : refresh_token',
        )
      }
      return HttpResponse.json(
        { access_token: issuer.issue(), token_type: 'bearer', expires_in: ttlSeconds },
        { headers: requestIdHeader() },
      )
    }),

    http.get(`${base}/orders/v0/orders/:orderId`, async ({ request }) => {
      const admitted = await admit(request, 'getOrder')
      if ('refused' in admitted) return admitted.refused
      const orderId = segment(admitted.url, 4)
      const served = options.orders?.get(orderId)
      if (served === undefined) return admitted.refuse(404, [notFound(orderId)])
      return rawJsonResponse(`{"payload":${rawJson(served.order)}}`, requestIdHeader())
    }),

    http.get(`${base}/orders/v0/orders/:orderId/orderItems`, async ({ request }) => {
      const admitted = await admit(request, 'getOrderItems')
      if ('refused' in admitted) return admitted.refused
      const orderId = segment(admitted.url, 4)
      const served = options.orders?.get(orderId)
      if (served === undefined) return admitted.refuse(404, [notFound(orderId)])
      let offset = 0
      const nextToken = admitted.url.searchParams.get('NextToken')
      if (nextToken !== null) {
        const page = pageTokens.get(nextToken)
        if (page?.orderId !== orderId) {
          return admitted.refuse(400, [
            { code: 'InvalidInput', message: 'Invalid NextToken', details: '' },
          ])
        }
        offset = page.offset
      }
      const size = options.pageSize ?? Number.POSITIVE_INFINITY
      const end = Math.min(served.items.length, offset + size)
      const items = rawJsonList(served.items.slice(offset, end))
      let next = ''
      if (end < served.items.length) {
        // `+`, `/` and `=` always present, as in base64 tokens: they must be encoded in a query.
        const token = `NT+${pageTokens.size + 1}/${randomBytes(9).toString('base64')}=`
        pageTokens.set(token, { orderId, offset: end })
        next = `,"NextToken":${JSON.stringify(token)}`
      }
      const head = `"AmazonOrderId":${JSON.stringify(orderId)}`
      return rawJsonResponse(
        `{"payload":{${head},"OrderItems":${items}${next}}}`,
        requestIdHeader(),
      )
    }),

    http.get(`${base}${LISTINGS_PATH}`, async ({ request }) => {
      const admitted = await admit(request, 'getListingsItem')
      if ('refused' in admitted) return admitted.refused
      const checked = checkListingsCall(admitted.url)
      if ('invalid' in checked) return admitted.refuse(400, [checked.invalid])
      const availability = options.listings?.get(checked.sku)
      if (availability === undefined) {
        return admitted.refuse(404, [
          { code: 'NOT_FOUND', message: `SKU '${checked.sku}' not found`, details: '' },
        ])
      }
      const included = (admitted.url.searchParams.get('includedData') ?? 'summaries').split(',')
      return HttpResponse.json(
        {
          sku: checked.sku,
          ...(included.includes('fulfillmentAvailability')
            ? { fulfillmentAvailability: availability }
            : {}),
        },
        { headers: requestIdHeader() },
      )
    }),

    http.patch(`${base}${LISTINGS_PATH}`, async ({ request }) => {
      const admitted = await admit(request, 'patchListingsItem')
      if ('refused' in admitted) return admitted.refused
      const checked = checkListingsCall(admitted.url)
      if ('invalid' in checked) return admitted.refuse(400, [checked.invalid])
      const contentType = request.headers.get('content-type') ?? ''
      const body = contentType.startsWith('application/json') ? parseObject(admitted.body) : {}
      const invalid = patchRequestProblem(body)
      if (invalid !== undefined || body === undefined) {
        return admitted.refuse(400, [
          { code: 'InvalidInput', message: invalid ?? 'Body is not JSON', details: '' },
        ])
      }
      const patch: AmazonPatch = {
        sellerId: checked.sellerId,
        sku: checked.sku,
        marketplaceIds: checked.marketplaceIds,
        body: body as unknown as AmazonPatch['body'],
      }
      patches.push(patch)
      const reply = await options.onPatch?.(patch)
      if (reply instanceof Response) {
        if (reply.status >= 400) admitted.markRefused(reply.status, await errorCode(reply))
        return reply
      }
      return HttpResponse.json(
        {
          sku: checked.sku,
          status: reply?.status ?? 'ACCEPTED',
          submissionId: randomUUID(),
          issues: reply?.issues ?? [],
        },
        { headers: requestIdHeader() },
      )
    }),
  ]

  /** The decoded seller id, SKU and marketplaces of a Listings Items call, or why it is refused. */
  function checkListingsCall(
    url: URL,
  ):
    | { readonly sellerId: string; readonly sku: string; readonly marketplaceIds: string[] }
    | { readonly invalid: SpApiErrorEntry } {
    const sellerId = segment(url, 4)
    const sku = segment(url, 5)
    const marketplaceIds = (url.searchParams.get('marketplaceIds') ?? '')
      .split(',')
      .filter((id) => id !== '')
    if (options.sellerId !== undefined && sellerId !== options.sellerId) {
      return {
        invalid: {
          code: 'InvalidInput',
          message: "Invalid 'sellerId' and 'marketplaceId' combination provided.",
          details: '',
        },
      }
    }
    if (marketplaceIds.length !== 1) {
      return {
        invalid: {
          code: 'InvalidInput',
          message: 'marketplaceIds must name exactly one marketplace',
          details: '',
        },
      }
    }
    return { sellerId, sku, marketplaceIds }
  }

  return {
    handlers,
    calls,
    tokens: issuer.tokens,
    patches,
    expireTokens: issuer.expire,
    revokeTokens: issuer.revoke,
  }
}

/**
 * An SP-API error answer, `{ errors: [{ code, message, details }] }`, with `x-amzn-RequestId`;
 * `retryAfter` adds a Retry-After header and `rateLimit` an `x-amzn-RateLimit-Limit` header.
 */
export function spApiError(
  status: number,
  errors: readonly SpApiErrorEntry[],
  init: { readonly retryAfter?: string; readonly rateLimit?: string } = {},
): Response {
  return HttpResponse.json(
    { errors: errors.map((e) => ({ code: e.code, message: e.message, details: e.details ?? '' })) },
    {
      status,
      headers: {
        ...requestIdHeader(),
        ...retryAfterHeader(init.retryAfter),
        ...(init.rateLimit === undefined ? {} : { 'x-amzn-ratelimit-limit': init.rateLimit }),
      },
    },
  )
}

function notFound(orderId: string): SpApiErrorEntry {
  return { code: 'NotFound', message: `Order ${orderId} not found`, details: '' }
}

/** Why a patchListingsItem body is invalid, or undefined when it is valid. */
function patchRequestProblem(body: Record<string, unknown> | undefined): string | undefined {
  if (body === undefined) return 'Body is not a JSON object'
  if (typeof body.productType !== 'string' || body.productType === '') {
    return 'productType is required'
  }
  const list = body.patches
  if (!Array.isArray(list) || list.length === 0) return 'patches must list at least one operation'
  for (const p of list) {
    if (!isObject(p) || typeof p.op !== 'string' || !PATCH_OPS.has(p.op)) {
      return 'op must be add, replace, merge or delete'
    }
    if (typeof p.path !== 'string' || !p.path.startsWith('/attributes/')) {
      return 'path must name a top-level attribute'
    }
    if (p.op !== 'delete' && (!Array.isArray(p.value) || !p.value.every(isObject))) {
      return 'value must be an array of objects'
    }
  }
  return undefined
}

function requestIdHeader(): Record<string, string> {
  return { 'x-amzn-RequestId': randomUUID() }
}

/** The path segment at `index` (0 is the empty one before the first `/`), decoded. */
function segment(url: URL, index: number): string {
  return decodeURIComponent(url.pathname.split('/')[index] ?? '')
}

/** The first error code of an SP-API error answer, if it has one (the response is not consumed). */
async function errorCode(response: Response): Promise<string | undefined> {
  const body = parseObject(await response.clone().text())
  const errors = body?.errors
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined
  return isObject(first) && typeof first.code === 'string' ? first.code : undefined
}
