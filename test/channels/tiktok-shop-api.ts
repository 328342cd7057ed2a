// A stand-in for the TikTok Shop Open API in msw, with its own request-signature check written
// independently of connectors/tiktok-shop/sign-request.ts (plain node:crypto, nothing imported from
// the connector), so a signing bug in the client cannot be cancelled out by the same bug here.
// Recipe and error codes: https://partner.tiktokshop.com/docv2/page/sign-your-api-request and the
// Common errors page (mirror repo:lazykern/ecommerce-api-docs
// data/processed/tiktok/guides/developer-guide/tiktok-shop-api-concepts/{sign-your-api-request,common-errors}.md).
import { createHmac, timingSafeEqual } from 'node:crypto'
import { http, HttpResponse, type HttpHandler } from 'msw'
import {
  arrived,
  parseObject,
  rawJsonList,
  rawJsonResponse,
  recordCall,
  retryAfterHeader,
  type ServedRecord,
} from './api-stand-in.js'

export type { ServedRecord } from './api-stand-in.js'

/**
 * The API signature of a request as TikTok recomputes it: HMAC-SHA256 (key: app secret) over
 * secret + URL path + every query key and value except `sign` and `access_token`, keys sorted,
 * + the body unless multipart/form-data + secret; lowercase hex.
 */
export function tiktokApiSignature(
  appSecret: string,
  url: URL,
  body: string,
  contentType: string | null,
): string {
  const keys = [...new Set(url.searchParams.keys())]
    .filter((k) => k !== 'sign' && k !== 'access_token')
    .sort()
  const pairs = keys.map((k) => `${k}${url.searchParams.get(k)}`).join('')
  const multipart = (contentType ?? '').toLowerCase().startsWith('multipart/form-data')
  const input = `${appSecret}${url.pathname}${pairs}${multipart ? '' : body}${appSecret}`
  return createHmac('sha256', appSecret).update(input, 'utf8').digest('hex')
}

/** Whether the request's `sign` query parameter matches {@link tiktokApiSignature}. */
export function hasValidTikTokSignature(
  appSecret: string,
  url: URL,
  body: string,
  contentType: string | null,
): boolean {
  const got = url.searchParams.get('sign') ?? ''
  const want = tiktokApiSignature(appSecret, url, body, contentType)
  return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want))
}

/** One Update Inventory call that passed the signature, token and shop checks. */
export interface StockCall {
  readonly productId: string
  /** The parsed request body, `{ skus: [{ id, inventory: [{ warehouse_id, quantity }] }] }`. */
  readonly body: {
    readonly skus: readonly {
      readonly id: string
      readonly inventory: readonly { readonly warehouse_id?: string; readonly quantity: number }[]
    }[]
  }
}

/**
 * How `onStock` answers: nothing (success), per-SKU `errors` (TikTok's `data.errors[]` entries,
 * with `code: 0` at the top, as TikTok reports partial failures), or a top-level `code`/`message`.
 */
export type StockReply =
  { readonly errors: readonly object[] } | { readonly code: number; readonly message: string }

export interface TikTokShopApiOptions {
  /** What the client has as `apiBaseUrl`: an origin such as `https://open-api.tiktok.test`, no path. */
  readonly baseUrl: string
  readonly appKey: string
  /** The secret calls must be signed with (the client signs with `appSecrets[0]`). */
  readonly appSecret: string
  /** The token every call must carry in `x-tts-access-token`. */
  readonly accessToken: string
  /** When set, every call must carry this `shop_cipher`; when unset, any value is accepted. */
  readonly shopCipher?: string
  /**
   * Get Order Detail's records by order id, read at request time (a test may add orders later).
   * An id not in the map is left out of the answer, as TikTok leaves out an order it cannot show.
   */
  readonly orders?: ReadonlyMap<string, ServedRecord>
  /** Search Returns' records by return id, same conventions as `orders`. */
  readonly returns?: ReadonlyMap<string, ServedRecord>
  /** Inventory Search: product id → the `skus[]` entries TikTok lists for it. */
  readonly inventory?: ReadonlyMap<string, readonly object[]>
  /** Called for each Update Inventory call that passed every check; see {@link StockReply}. */
  readonly onStock?: (call: StockCall) => StockReply | undefined | Promise<StockReply | undefined>
  /**
   * Refuse quantity 0 with per-SKU error 12052055, as TikTok's documented range [1, 99999] would
   * suggest. Default false (0 accepted): what TikTok really does with 0 is unconfirmed.
   */
  readonly refuseZeroQuantity?: boolean
  /** The emulator's clock for the timestamp window [now − 5 min, now + 30 s]. Default: real time. */
  readonly now?: () => Date
}

/** One request that reached a handler, whether it was accepted or refused. */
export interface TikTokApiCall {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The TikTok error code the emulator answered with, if it refused the call. */
  readonly refusedWith?: number
}

export interface TikTokShopApi {
  /** Pass to `mswServer.use(...api.handlers)`. */
  readonly handlers: HttpHandler[]
  /** Every call, in arrival order. */
  readonly calls: TikTokApiCall[]
}

/** Not a TikTok code: the emulator's answer to a request no TikTok doc covers (e.g. > 50 ids). */
export const EMULATOR_BAD_REQUEST = 40_006

/**
 * msw handlers for the four endpoints the hub calls — `GET /order/202309/orders`,
 * `POST /return_refund/202309/returns/search`, `POST /product/202309/products/:id/inventory/update`
 * and `POST /product/202309/inventory/search` — answering in TikTok's envelope
 * `{ code, message, request_id, data }`.
 *
 * Every call is checked first, in this order, and refused the way the Common errors page
 * describes, with HTTP 200 and a non-zero `code` (which HTTP status TikTok pairs with these codes
 * is not documented): `access_token` in the query (36009004; the emulator's own rule), wrong
 * `app_key` (36009004), missing `sign` (36009004), `timestamp` outside the window (36009004),
 * wrong signature (106001), wrong `x-tts-access-token` (36009004), missing `shop_cipher` (106013)
 * or a different one (101000), `content-type` other than application/json (36009022).
 */
export function tiktokShopApi(options: TikTokShopApiOptions): TikTokShopApi {
  const calls: TikTokApiCall[] = []
  const base = options.baseUrl.replace(/\/+$/, '')
  const now = options.now ?? (() => new Date())
  let requestSeq = 0

  /** Runs the common checks; an error response if the call is refused, else the parsed parts. */
  async function admit(request: Request) {
    const { url, method, path, headers, body } = await arrived(request)
    const contentType = request.headers.get('content-type')
    const query = Object.fromEntries(url.searchParams)
    const markRefused = recordCall<TikTokApiCall>(calls, { method, path, query, headers, body })
    const refuse = (code: number, message: string) => {
      markRefused(code)
      return { refused: tiktokError(code, message, { requestId: nextRequestId() }) }
    }
    const q = url.searchParams
    if (q.has('access_token')) {
      return refuse(36009004, 'access_token must travel in the x-tts-access-token header')
    }
    if (q.get('app_key') !== options.appKey) {
      return refuse(36009004, 'Invalid credentials. Invalid app_key query parameter.')
    }
    if (!q.get('sign')) {
      return refuse(36009004, 'Missing credentials. The request does not include a signature.')
    }
    const timestamp = q.get('timestamp') ?? ''
    const nowSeconds = Math.floor(now().getTime() / 1000)
    if (
      !/^\d{10}$/.test(timestamp) ||
      Number(timestamp) < nowSeconds - 300 ||
      Number(timestamp) > nowSeconds + 30
    ) {
      return refuse(36009004, 'Invalid timestamp.')
    }
    if (!hasValidTikTokSignature(options.appSecret, url, body, contentType)) {
      return refuse(106001, 'Invalid credentials. The sign query parameter is invalid.')
    }
    if (request.headers.get('x-tts-access-token') !== options.accessToken) {
      return refuse(36009004, 'Invalid credentials. The x-tts-access-token header is invalid.')
    }
    if (options.shopCipher !== undefined) {
      const cipher = q.get('shop_cipher')
      if (!cipher) return refuse(106013, 'Missing identifier. The shop_cipher query is required.')
      if (cipher !== options.shopCipher) {
        return refuse(101000, 'Invalid query or header. The token does not match the shop_cipher.')
      }
    }
    if ((contentType ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/json') {
      return refuse(36009022, 'Invalid request format. The body format must be application/json.')
    }
    return { url, body, refuse }
  }

  function nextRequestId(): string {
    requestSeq += 1
    return `EMU${String(requestSeq).padStart(12, '0')}`
  }

  /** `{ code: 0, message: 'Success', request_id, data }` with `data` given as raw JSON text. */
  function success(dataJson: string): Response {
    return rawJsonResponse(
      `{"code":0,"message":"Success","request_id":"${nextRequestId()}","data":${dataJson}}`,
    )
  }

  const handlers = [
    http.get(`${base}/order/202309/orders`, async ({ request }) => {
      const admitted = await admit(request)
      if ('refused' in admitted) return admitted.refused
      const ids = (admitted.url.searchParams.get('ids') ?? '').split(',').filter(Boolean)
      if (ids.length === 0 || ids.length > 50) {
        return admitted.refuse(EMULATOR_BAD_REQUEST, `ids: 1 to 50 order ids, got ${ids.length}`)
          .refused
      }
      const found = ids.flatMap((id) => {
        const record = options.orders?.get(id)
        return record === undefined ? [] : [record]
      })
      // TikTok leaves an empty list out of the answer entirely.
      return success(found.length === 0 ? '{}' : `{"orders":${rawJsonList(found)}}`)
    }),

    http.post(`${base}/return_refund/202309/returns/search`, async ({ request }) => {
      const admitted = await admit(request)
      if ('refused' in admitted) return admitted.refused
      const pageSize = Number(admitted.url.searchParams.get('page_size') ?? '10')
      if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 50) {
        return admitted.refuse(25001001, 'page_size must be within [10, 50]').refused
      }
      const filter = parseBody(admitted.body) as { return_ids?: unknown }
      const ids = Array.isArray(filter.return_ids) ? filter.return_ids.map(String) : []
      const matched = ids.flatMap((id) => {
        const record = options.returns?.get(id)
        return record === undefined ? [] : [record]
      })
      const token = admitted.url.searchParams.get('page_token')
      const offset = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0
      const page = matched.slice(offset, offset + pageSize)
      const next =
        offset + pageSize < matched.length
          ? Buffer.from(String(offset + pageSize)).toString('base64')
          : ''
      return success(
        `{"return_orders":${rawJsonList(page)},"total_count":${matched.length},"next_page_token":${JSON.stringify(next)}}`,
      )
    }),

    http.post(
      `${base}/product/202309/products/:productId/inventory/update`,
      async ({ request, params }) => {
        const admitted = await admit(request)
        if ('refused' in admitted) return admitted.refused
        const body = parseBody(admitted.body) as StockCall['body']
        if (!Array.isArray(body.skus) || body.skus.length === 0) {
          return admitted.refuse(12052902, 'The SKU list is empty.').refused
        }
        const errors: object[] = []
        for (const sku of body.skus) {
          for (const w of Array.isArray(sku.inventory) ? sku.inventory : []) {
            const tooHigh = w.quantity > 99_999
            const zero = w.quantity === 0 && options.refuseZeroQuantity === true
            if (tooHigh || zero || w.quantity < 0) {
              errors.push({
                code: 12052055,
                message:
                  'The SKU inventory quantity for the warehouse must be within allowed limits.',
                detail: { sku_id: sku.id, extra_errors: [] },
              })
            }
          }
        }
        if (errors.length > 0) return success(JSON.stringify({ errors }))
        const reply = await options.onStock?.({ productId: String(params.productId), body })
        if (reply && 'code' in reply) return tiktokError(reply.code, reply.message)
        return success(JSON.stringify(reply ? { errors: reply.errors } : {}))
      },
    ),

    http.post(`${base}/product/202309/inventory/search`, async ({ request }) => {
      const admitted = await admit(request)
      if ('refused' in admitted) return admitted.refused
      const filter = parseBody(admitted.body) as { product_ids?: unknown }
      const ids = Array.isArray(filter.product_ids) ? filter.product_ids.map(String) : []
      if (ids.length > 100) {
        return admitted.refuse(12019120, 'The number of provided product IDs exceeds the limit.')
          .refused
      }
      const inventory = ids.flatMap((id) => {
        const skus = options.inventory?.get(id)
        return skus === undefined ? [] : [{ product_id: id, skus }]
      })
      return success(JSON.stringify({ inventory }))
    }),
  ]

  return { handlers, calls }
}

/**
 * A TikTok-style failure: `{ code, message, request_id }` with HTTP 200 unless `status` says
 * otherwise, and an optional `Retry-After`.
 */
export function tiktokError(
  code: number,
  message: string,
  init: { status?: number; requestId?: string; retryAfter?: string } = {},
): Response {
  return HttpResponse.json(
    { code, message, request_id: init.requestId ?? 'EMU-ERROR' },
    {
      status: init.status ?? 200,
      headers: retryAfterHeader(init.retryAfter),
    },
  )
}

/** The body parsed as a JSON object; anything else reads as an empty one. */
function parseBody(text: string): Record<string, unknown> {
  return parseObject(text) ?? {}
}
