/**
 * What every emulated TikTok Shop Open API call goes through before its endpoint runs: the rate
 * limit, then the common checks TikTok makes, answered in TikTok's envelope with its codes.
 *
 * - Rate limit: 50 QPS per API, per app + shop; over it HTTP 429 (channels.md §4 B2). TikTok
 *   documents no Retry-After, so none is sent; the body carries code 36009002 "Too many requests"
 *   (Common errors page).
 * - Request signature: recomputed with sign.ts (sign-your-api-request, channels.md §4 B1).
 * - Refusals, in this order, with the codes of the Common errors page
 *   (https://partner.tiktokshop.com/docv2/page/678e3a45786253031531b942, mirror
 *   repo:lazykern/ecommerce-api-docs data/processed/tiktok/guides/developer-guide/
 *   tiktok-shop-api-concepts/common-errors.md): wrong `app_key`, missing `sign`, `timestamp`
 *   outside [now − 5 min, now + 30 s] of the marketplace's clock (`state.now`) → 36009004; wrong
 *   signature → 106001; wrong `x-tts-access-token` → 36009004; no `shop_cipher` → 106013, another
 *   shop's → 101000; a `content-type` other than application/json, which every endpoint the hub
 *   calls requires, GET included (the `request_header_param` of each spec) → 36009022. Which HTTP
 *   status TikTok pairs with these codes is not documented; the emulator answers 200 (400 for a
 *   parameter outside its documented range, order-list.ts), and the hub's client classifies by the
 *   code.
 */
import type { Context } from 'hono'
import { timingSafeEqual } from 'node:crypto'
import { tiktokShop } from '../../../connectors/tiktok-shop/index.js'
import { admitCall, EmulatedRateLimit } from '../rate-limit.js'
import type { ChannelState } from '../types.js'
import { mediaType, requestSignature } from './sign.js'

const sandbox = tiktokShop.sandboxCredentials('http://emulator.invalid')
const APP_SECRET = sandbox.appSecrets[0] ?? ''

/** "Default rate limit of 50 QPS (Queries Per Second) for each API" (channels.md §4 B2). */
const QPS_PER_API = 50
/** The timestamp window, in seconds around now (Common errors page, 36009004). */
const EARLIEST_S = 300
const LATEST_S = 30

/** A call that passed every check: its decoded query, exact body, and that body parsed. */
export interface AdmittedCall {
  readonly query: URLSearchParams
  readonly body: string
  /** The body as JSON; undefined when it is empty or not JSON. */
  readonly json: unknown
}

/**
 * What an endpoint answers: TikTok's `data`, or a refusal with TikTok's code, sent with HTTP 200
 * unless `status` says 400 (a parameter outside its documented range, see order-list.ts).
 */
export type Outcome =
  | { readonly data: object }
  | { readonly code: number; readonly message: string; readonly status?: 400 }

export interface TikTokApiAnswers {
  /** `{ code, message, request_id }`, counted as a rejected call. */
  readonly refuse: (
    c: Context,
    code: number,
    message: string,
    status?: 200 | 400 | 404 | 405,
  ) => Response
  /**
   * Rate-limits and checks the call; its endpoint runs on the admitted call and its outcome is
   * answered in TikTok's envelope (`{ code: 0, message: 'Success', request_id, data }` or
   * `{ code, message, request_id }`), or the refusal is. `api` is the path template TikTok counts
   * its limit by.
   */
  readonly admit: (
    c: Context,
    api: string,
    serve: (call: AdmittedCall) => Outcome,
  ) => Promise<Response>
}

export function tiktokApiAnswers(state: ChannelState): TikTokApiAnswers {
  const limits = new Map<string, EmulatedRateLimit>()
  let requests = 0

  function requestId(): string {
    requests += 1
    return `EMU${state.now().getTime()}${String(requests).padStart(8, '0')}`
  }

  const success = (c: Context, data: object) =>
    c.json({ code: 0, message: 'Success', request_id: requestId(), data })

  function refuse(c: Context, code: number, message: string, status: 200 | 400 | 404 | 405 = 200) {
    state.stats.rejected += 1
    return c.json({ code, message, request_id: requestId() }, status)
  }

  function limitOf(api: string): EmulatedRateLimit {
    let limit = limits.get(api)
    if (!limit) {
      limit = new EmulatedRateLimit(QPS_PER_API, QPS_PER_API, () => state.now().getTime())
      limits.set(api, limit)
    }
    return limit
  }

  async function admit(
    c: Context,
    api: string,
    serve: (call: AdmittedCall) => Outcome,
  ): Promise<Response> {
    if (!admitCall(state, limitOf(api)).ok) {
      return c.json(
        {
          code: 36009002,
          message: "Too many requests. You've made too many requests in a short period of time.",
          request_id: requestId(),
        },
        429,
      )
    }
    const url = new URL(c.req.url)
    const query = url.searchParams
    const body = await c.req.text()
    const contentType = c.req.header('content-type') ?? ''
    if (query.get('app_key') !== sandbox.appKey) {
      return refuse(c, 36009004, 'Invalid credentials. Invalid `app_key` query parameter.')
    }
    const sign = query.get('sign')
    if (!sign) {
      return refuse(
        c,
        36009004,
        'Missing credentials. The request does not include a required signature in the query.',
      )
    }
    const timestamp = query.get('timestamp') ?? ''
    const nowS = Math.floor(state.now().getTime() / 1000)
    if (!/^\d{10}$/.test(timestamp) || Number(timestamp) < nowS - EARLIEST_S) {
      return refuse(
        c,
        36009004,
        'Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than 5 minutes before the current time.',
      )
    }
    if (Number(timestamp) > nowS + LATEST_S) {
      return refuse(
        c,
        36009004,
        'Invalid timestamp. The value of the `timestamp` query parameter must not exceed the current time by more than 30 seconds.',
      )
    }
    // The path TikTok signs is the API's own; the emulator serves it under `/<channel>`.
    const mount = `/${state.channel}`
    const path = url.pathname.startsWith(`${mount}/`)
      ? url.pathname.slice(mount.length)
      : url.pathname
    if (!signatureMatches(sign, requestSignature(APP_SECRET, { path, query, body, contentType }))) {
      return refuse(c, 106001, 'Invalid credentials. The `sign` query parameter is invalid.')
    }
    if (c.req.header('x-tts-access-token') !== sandbox.accessToken) {
      return refuse(c, 36009004, 'Invalid credentials. The `x-tts-access-token` header is invalid.')
    }
    const cipher = query.get('shop_cipher')
    if (!cipher) {
      return refuse(
        c,
        106013,
        'Missing identifier. The `shop_cipher` query parameter is required to identify the target shop.',
      )
    }
    if (cipher !== sandbox.shopCipher) {
      return refuse(
        c,
        101000,
        'Invalid query or header. The token is not associated with the shop the `shop_cipher` names.',
      )
    }
    if (mediaType(contentType) !== 'application/json') {
      return refuse(
        c,
        36009022,
        'Invalid request format. The request body format must be `application/json`.',
      )
    }
    const outcome = serve({ query, body, json: parseJson(body) })
    return 'data' in outcome
      ? success(c, outcome.data)
      : refuse(c, outcome.code, outcome.message, outcome.status)
  }

  return { refuse, admit }
}

function signatureMatches(got: string, want: string): boolean {
  return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want))
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
