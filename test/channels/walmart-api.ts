// A stand-in for the parts of the Walmart Marketplace API the hub calls: the token endpoint, Get
// an order, and the inventory reads and writes. Written from Walmart's docs, independently of
// connectors/walmart/client.ts, so a misreading in the client is not repeated here. Sources:
// repo:api-evangelist/walmart openapi/walmart-marketplace-{authentication,orders,inventory}-openapi-original.yml,
// https://developer.walmart.com/us-marketplace/docs/error-codes (codes and statuses),
// https://developer.walmart.com/global-marketplace/docs/get-an-order-mp (`{ order: {...} }`).
//
// Usage (client test or end-to-end test):
//   const api = walmartApi({ baseUrl, clientId, clientSecret, orders: new Map([[id, order]]) })
//   mswServer.use(...api.handlers)
//   …createWalmartClient({ …credentials, apiBaseUrl: baseUrl }, { transport: fetchTransport(), clock })
// with `fetchTransport` from ./api-stand-in.js (msw does not see undici's `request()`).
import { HttpResponse, http, type HttpHandler } from 'msw'
import {
  arrived,
  isObject,
  parseObject,
  rawJson,
  rawJsonResponse,
  recordCall,
  retryAfterHeader,
  tokenIssuer,
  type ServedRecord,
} from './api-stand-in.js'

/** An order served as is: an object is JSON-encoded; a string is spliced in as raw JSON text. */
export type ServedOrder = ServedRecord

/** One entry of a Walmart error list. Unset fields get the emulator's defaults. */
export interface WalmartErrorEntry {
  readonly code: string
  readonly field?: string
  readonly description?: string
  readonly info?: string
  readonly severity?: 'INFO' | 'WARN' | 'ERROR'
  readonly category?: 'APPLICATION' | 'SYSTEM' | 'REQUEST' | 'DATA'
}

/** A stock write that passed every check, as the emulator parsed it. */
export type WalmartStockCall =
  | {
      /** `PUT /v3/inventory?sku=…[&shipNode=…]`. */
      readonly kind: 'single'
      /** Decoded from the query. */
      readonly sku: string
      readonly shipNode?: string
      readonly body: { readonly sku: string; readonly quantity: WalmartQuantity }
    }
  | {
      /** `PUT /v3/inventories/{sku}`. */
      readonly kind: 'per-node'
      /** Decoded from the path. */
      readonly sku: string
      readonly body: {
        readonly inventories: {
          readonly nodes: readonly {
            readonly shipNode: string
            readonly inputQty: WalmartQuantity
          }[]
        }
      }
    }

export interface WalmartQuantity {
  readonly unit: 'EACH'
  readonly amount: number
}

/**
 * How `onStock` answers a stock write: nothing (success: the single form echoes the body, the
 * per-node form reports `status: 'Success'` for every node), per-node results for a per-node
 * write (`{ nodes: [{ shipNode, status, errors? }] }`, sent as the answer's `nodes`), or a whole
 * `Response`, e.g. `walmartError(400, [...])`.
 */
export type WalmartStockReply =
  | Response
  | {
      readonly nodes: readonly {
        readonly shipNode: string
        readonly status: string
        readonly errors?: readonly WalmartErrorEntry[]
      }[]
    }

export interface WalmartApiOptions {
  /** What the client has as `apiBaseUrl`: an origin such as `https://marketplace.walmart.test`. */
  readonly baseUrl: string
  /** The client credentials `/v3/token` accepts (HTTP Basic). */
  readonly clientId: string
  readonly clientSecret: string
  /**
   * Get an order's records by purchaseOrderId, read at request time (a test may add orders
   * later). An id not in the map is answered 404 `CONTENT_NOT_FOUND.GMP_ORDER_API`.
   */
  readonly orders?: ReadonlyMap<string, ServedOrder>
  /**
   * Stock levels by {@link inventoryKey}(sku, shipNode?). `GET /v3/inventory` reads it (a key not
   * present is answered 404); successful stock writes update it, so a test can read back.
   */
  readonly inventory?: Map<string, number>
  /** Lifetime of issued tokens, as `expires_in`. Default 900 (Walmart's documented lifetime). */
  readonly tokenTtlSeconds?: number
  /** The emulator's clock, for token expiry. Default: real time. Pass the client's test clock. */
  readonly now?: () => Date
  /** Called for each stock write that passed every check; see {@link WalmartStockReply}. */
  readonly onStock?: (
    call: WalmartStockCall,
  ) => WalmartStockReply | undefined | Promise<WalmartStockReply | undefined>
}

/** One request that reached a handler, whether it was accepted or refused. */
export interface WalmartApiCall {
  readonly method: string
  /** As sent, still percent-encoded (e.g. `/v3/inventories/TEE%20BLK%2FM`). */
  readonly path: string
  /** The query as sent, still percent-encoded (`sku=TEE%20BLK`), without the `?`. */
  readonly rawQuery: string
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The status and Walmart error code the emulator refused the call with, if it did. */
  readonly refusedWith?: { readonly status: number; readonly code: string }
}

export interface WalmartApi {
  /** Pass to `mswServer.use(...api.handlers)`. */
  readonly handlers: HttpHandler[]
  /** Every call, token calls included, in arrival order. */
  readonly calls: WalmartApiCall[]
  /** Every accepted stock write, in arrival order. */
  readonly stockCalls: WalmartStockCall[]
  /** Every access token issued, in order. */
  readonly tokens: readonly string[]
  /** Makes every token issued so far invalid (API calls with one get 401), as a revocation would. */
  revokeTokens(): void
}

/** The gateway's answer to a missing, unknown or expired token, and to wrong client credentials. */
const UNAUTHORIZED: WalmartErrorEntry = {
  code: 'UNAUTHORIZED.GMP_GATEWAY_API',
  field: 'UNAUTHORIZED',
  description: 'Unauthorized',
  info: 'Unauthorized token or incorrect authorization header.',
}

/** The key of a stock level in `inventory`: the SKU alone for the default node. */
export function inventoryKey(sku: string, shipNode?: string): string {
  return shipNode === undefined ? sku : `${sku}\n${shipNode}`
}

/**
 * msw handlers for `POST /v3/token`, `GET /v3/orders/:purchaseOrderId`, `GET|PUT /v3/inventory`
 * and `PUT /v3/inventories/:sku`, answering JSON.
 *
 * Every call is checked first, in this order (Walmart's own order is not documented):
 * `Accept` must include application/json (406 `INVALID_ACCEPT_TYPE`; Walmart would answer XML),
 * `WM_SVC.NAME` present (400 `MISSING_REQUEST_HEADER`), `WM_QOS.CORRELATION_ID` present (400
 * `INVALID_REQUEST_HEADER`, the error-codes page's own example). Then the token endpoint wants
 * `Authorization: Basic base64(clientId:clientSecret)` (401 `UNAUTHORIZED.GMP_GATEWAY_API`) and
 * a form body `grant_type=client_credentials` (400 `INVALID_REQUEST_PARAM`); every other call
 * wants an issued, unexpired, unrevoked token in `WM_SEC.ACCESS_TOKEN` (401
 * `UNAUTHORIZED.GMP_GATEWAY_API`). Path and query values are decoded with `decodeURIComponent`,
 * so a `+` stays a plus, as Walmart's "encode space with %20" implies.
 */
export function walmartApi(options: WalmartApiOptions): WalmartApi {
  const base = options.baseUrl.replace(/\/+$/, '')
  const now = options.now ?? (() => new Date())
  const calls: WalmartApiCall[] = []
  const stockCalls: WalmartStockCall[] = []
  const ttlSeconds = options.tokenTtlSeconds ?? 900
  const issuer = tokenIssuer({ ttlSeconds, now })
  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`

  /** Records the call and runs the header checks; a refusal, or the parts handlers need. */
  async function admit(request: Request, { token }: { token: boolean }) {
    const { url, ...call } = await arrived(request)
    const markRefused = recordCall<WalmartApiCall>(calls, call)
    const refuse = (status: number, entry: WalmartErrorEntry) => {
      markRefused({ status, code: entry.code })
      return walmartError(status, [entry])
    }
    const header = (name: string) => request.headers.get(name)?.trim() ?? ''
    if (!header('accept').toLowerCase().includes('application/json')) {
      return { refused: refuse(406, { code: 'INVALID_ACCEPT_TYPE.GMP_GATEWAY_API' }) }
    }
    if (!header('wm_svc.name')) {
      return {
        refused: refuse(400, { code: 'MISSING_REQUEST_HEADER', field: 'WM_SVC.NAME' }),
      }
    }
    if (!header('wm_qos.correlation_id')) {
      return {
        refused: refuse(400, {
          code: 'INVALID_REQUEST_HEADER.GMP_ORDER_API',
          field: 'WM_QOS.CORRELATION_ID',
          description: 'WM_QOS.CORRELATION_ID set null or blank',
        }),
      }
    }
    if (token && issuer.check(header('wm_sec.access_token')) !== 'valid') {
      return { refused: refuse(401, UNAUTHORIZED) }
    }
    return { url, body: call.body, refuse, query: decodedQuery(url.search) }
  }

  const handlers = [
    http.post(`${base}/v3/token`, async ({ request }) => {
      const admitted = await admit(request, { token: false })
      if ('refused' in admitted) return admitted.refused
      if (request.headers.get('authorization') !== basic) {
        return admitted.refuse(401, UNAUTHORIZED)
      }
      const form = new URLSearchParams(admitted.body)
      const contentType = request.headers.get('content-type') ?? ''
      if (
        !contentType.startsWith('application/x-www-form-urlencoded') ||
        form.get('grant_type') !== 'client_credentials'
      ) {
        return admitted.refuse(400, {
          code: 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API',
          field: 'grant_type',
          description: 'grant_type must be client_credentials, form-encoded',
        })
      }
      return HttpResponse.json({
        access_token: issuer.issue(),
        token_type: 'Bearer',
        expires_in: ttlSeconds,
      })
    }),

    http.get(`${base}/v3/orders/:purchaseOrderId`, async ({ request }) => {
      const admitted = await admit(request, { token: true })
      if ('refused' in admitted) return admitted.refused
      const id = lastSegment(admitted.url)
      const order = options.orders?.get(id)
      if (order === undefined) {
        return admitted.refuse(404, {
          code: 'CONTENT_NOT_FOUND.GMP_ORDER_API',
          field: 'purchaseOrderId',
          description: `Order not found for purchaseOrderId ${id}`,
          severity: 'INFO',
          category: 'APPLICATION',
        })
      }
      return rawJsonResponse(`{"order":${rawJson(order)}}`)
    }),

    http.get(`${base}/v3/inventory`, async ({ request }) => {
      const admitted = await admit(request, { token: true })
      if ('refused' in admitted) return admitted.refused
      const { sku, shipNode } = admitted.query
      if (!sku) return admitted.refuse(400, { code: 'MISSING_REQUEST_PARAM', field: 'sku' })
      const amount = options.inventory?.get(inventoryKey(sku, shipNode))
      if (amount === undefined) {
        return admitted.refuse(404, {
          code: 'CONTENT_NOT_FOUND.GMP_INVENTORY_API',
          field: 'sku',
          description: `No inventory for sku ${sku}`,
          severity: 'INFO',
          category: 'APPLICATION',
        })
      }
      return HttpResponse.json({ sku, quantity: { unit: 'EACH', amount } })
    }),

    http.put(`${base}/v3/inventory`, async ({ request }) => {
      const admitted = await admit(request, { token: true })
      if ('refused' in admitted) return admitted.refused
      const { sku, shipNode } = admitted.query
      if (!sku) return admitted.refuse(400, { code: 'MISSING_REQUEST_PARAM', field: 'sku' })
      const body = parseObject(admitted.body)
      if (!isJson(request) || body?.sku !== sku || !isQuantity(body.quantity)) {
        return admitted.refuse(400, {
          code: 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API',
          field: 'quantity',
          description: 'Body must be { sku (same as the query), quantity: { unit: EACH, amount } }',
        })
      }
      const call: WalmartStockCall = {
        kind: 'single',
        sku,
        ...(shipNode === undefined ? {} : { shipNode }),
        body: { sku, quantity: body.quantity },
      }
      stockCalls.push(call)
      const reply = await options.onStock?.(call)
      if (reply instanceof Response) return reply
      options.inventory?.set(inventoryKey(sku, shipNode), body.quantity.amount)
      return HttpResponse.json(call.body)
    }),

    http.put(`${base}/v3/inventories/:sku`, async ({ request }) => {
      const admitted = await admit(request, { token: true })
      if ('refused' in admitted) return admitted.refused
      const sku = lastSegment(admitted.url)
      const inventories = parseObject(admitted.body)?.inventories
      const nodes = isObject(inventories) ? inventories.nodes : undefined
      const valid =
        isJson(request) &&
        Array.isArray(nodes) &&
        nodes.length > 0 &&
        nodes.every(
          (n) =>
            isObject(n) &&
            typeof n.shipNode === 'string' &&
            n.shipNode !== '' &&
            isQuantity(n.inputQty),
        )
      if (!valid) {
        return admitted.refuse(400, {
          code: 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API',
          field: 'inventories',
          description: 'Body must be { inventories: { nodes: [{ shipNode, inputQty }] } }',
        })
      }
      const parsed = nodes as { shipNode: string; inputQty: WalmartQuantity }[]
      const call: WalmartStockCall = {
        kind: 'per-node',
        sku,
        body: { inventories: { nodes: parsed } },
      }
      stockCalls.push(call)
      const reply = await options.onStock?.(call)
      if (reply instanceof Response) return reply
      const results: Exclude<WalmartStockReply, Response>['nodes'] =
        reply?.nodes ?? parsed.map((n) => ({ shipNode: n.shipNode, status: 'Success' }))
      for (const result of results) {
        const sent = parsed.find((n) => n.shipNode === result.shipNode)
        if (sent && result.status === 'Success') {
          options.inventory?.set(inventoryKey(sku, sent.shipNode), sent.inputQty.amount)
        }
      }
      return HttpResponse.json({
        sku,
        nodes: results.map((r) => ({
          shipNode: r.shipNode,
          status: r.status,
          ...(r.errors === undefined ? {} : { errors: r.errors.map(fullEntry) }),
        })),
      })
    }),
  ]

  return {
    handlers,
    calls,
    stockCalls,
    tokens: issuer.tokens,
    revokeTokens: issuer.revoke,
  }
}

/**
 * A Walmart-style error answer. `shape` picks how the list is wrapped: `error` (default; how the
 * gateway answers a 401, per repo:highsidelabs/walmart-api-php issue #5), `errors` (the
 * error-codes page's example) or `errors.error` (the XML form mapped to JSON).
 */
export function walmartError(
  status: number,
  errors: readonly WalmartErrorEntry[],
  init: { readonly shape?: 'error' | 'errors' | 'errors.error'; readonly retryAfter?: string } = {},
): Response {
  const list = errors.map(fullEntry)
  const shape = init.shape ?? 'error'
  const body =
    shape === 'error'
      ? { error: list }
      : shape === 'errors'
        ? { errors: list }
        : { errors: { error: list } }
  return HttpResponse.json(body, {
    status,
    headers: retryAfterHeader(init.retryAfter),
  })
}

function fullEntry(entry: WalmartErrorEntry): object {
  return {
    code: entry.code,
    ...(entry.field === undefined ? {} : { field: entry.field }),
    description: entry.description ?? entry.code,
    info: entry.info ?? entry.description ?? entry.code,
    severity: entry.severity ?? 'ERROR',
    category: entry.category ?? 'DATA',
    causes: [],
    errorIdentifiers: {},
  }
}

/** The query's values decoded with `decodeURIComponent` (unlike URLSearchParams, `+` stays `+`). */
function decodedQuery(search: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = eq < 0 ? pair : pair.slice(0, eq)
    out[decodeURIComponent(key)] = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1))
  }
  return out
}

/** The last path segment, decoded; read from the URL so an encoded `/` stays inside it. */
function lastSegment(url: URL): string {
  return decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1))
}

function isJson(request: Request): boolean {
  return (request.headers.get('content-type') ?? '').startsWith('application/json')
}

function isQuantity(value: unknown): value is WalmartQuantity {
  return (
    isObject(value) &&
    value.unit === 'EACH' &&
    typeof value.amount === 'number' &&
    Number.isInteger(value.amount) &&
    value.amount >= 0
  )
}
