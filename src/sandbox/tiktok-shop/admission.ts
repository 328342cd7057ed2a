/**
 * What every emulated TikTok Shop Open API call goes through before its endpoint runs: the rate
 * limit, then the common checks TikTok makes, answered in TikTok's envelope with its codes.
 *
 * - Rate limit: 50 QPS per API, per app + shop; over it HTTP 429 (channels.md §4 B2). TikTok
 *   documents no Retry-After, so none is sent; the body carries code 36009002 "Too many requests"
 *   (Common errors page).
 * - Request signature (https://partner.tiktokshop.com/docv2/page/sign-your-api-request, channels.md
 *   §4 B1): HMAC-SHA256 keyed with the app secret over secret + path + every query key and value
 *   except `sign` and `access_token`, keys sorted, + the body (unless multipart) + secret; hex.
 *   Written apart from connectors/tiktok-shop/sign-request.ts, so a bug there is not mirrored here.
 * - Refusals, in the order the msw stand-in (test/channels/tiktok-shop-api.ts) makes them, with
 *   the codes of the Common errors page (https://partner.tiktokshop.com/docv2/page/678e3a45786253031531b942):
 *   wrong `app_key`, missing `sign`, `timestamp` outside [now − 5 min, now + 30 s] → 36009004;
 *   wrong signature → 106001; wrong `x-tts-access-token` → 36009004; no `shop_cipher` → 106013, another
 *   shop's → 101000; a body that is not application/json → 36009022. Which HTTP status TikTok pairs
 *   with these codes is not documented; like the stand-in, the emulator answers 200, and the hub's
 *   client classifies by the code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { tiktokShop } from '../../../connectors/tiktok-shop/index.js'
import { admitCall, EmulatedRateLimit } from '../rate-limit.js'
import type { ChannelState } from '../types.js'

const sandbox = tiktokShop.sandboxCredentials('http://emulator.invalid')
const APP_SECRET = sandbox.appSecrets[0] ?? ''

/** "Default rate limit of 50 QPS (Queries Per Second) for each API" (channels.md §4 B2). */
const QPS_PER_API = 50
/** The timestamp window, in seconds around now (Common errors page, 36009004). */
const EARLIEST_S = 300
const LATEST_S = 30

/** A call that passed every check: its decoded query and exact body. */
export interface AdmittedCall {
  readonly query: URLSearchParams
  readonly body: string
}

export interface TikTokApiAnswers {
  /** `{ code: 0, message: 'Success', request_id, data }`. */
  readonly success: (c: Context, data: unknown) => Response
  /** `{ code, message, request_id }`, counted as a rejected call. */
  readonly refuse: (c: Context, code: number, message: string, status?: 200 | 404) => Response
  /**
   * Rate-limits and checks the call; its endpoint runs on the admitted call, or the refusal is
   * answered. `api` is the path template TikTok counts its limit by.
   */
  readonly admit: (
    c: Context,
    api: string,
    serve: (call: AdmittedCall) => Response | Promise<Response>,
  ) => Promise<Response>
}

export function tiktokApiAnswers(state: ChannelState): TikTokApiAnswers {
  const limits = new Map<string, EmulatedRateLimit>()
  let requests = 0

  function requestId(): string {
    requests += 1
    return `EMU${Date.now()}${String(requests).padStart(8, '0')}`
  }

  const success = (c: Context, data: unknown) =>
    c.json({ code: 0, message: 'Success', request_id: requestId(), data })

  function refuse(c: Context, code: number, message: string, status: 200 | 404 = 200) {
    state.stats.rejected += 1
    return c.json({ code, message, request_id: requestId() }, status)
  }

  function limitOf(api: string): EmulatedRateLimit {
    let limit = limits.get(api)
    if (!limit) {
      limit = new EmulatedRateLimit(QPS_PER_API, QPS_PER_API)
      limits.set(api, limit)
    }
    return limit
  }

  async function admit(
    c: Context,
    api: string,
    serve: (call: AdmittedCall) => Response | Promise<Response>,
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
    const nowS = Math.floor(Date.now() / 1000)
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
    if (!signatureMatches(sign, signatureOf(path, query, body, contentType))) {
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
    if (c.req.method === 'POST' && mediaType(contentType) !== 'application/json') {
      return refuse(
        c,
        36009022,
        'Invalid request format. The request body format must be `application/json`.',
      )
    }
    return serve({ query, body })
  }

  return { success, refuse, admit }
}

function signatureOf(
  path: string,
  query: URLSearchParams,
  body: string,
  contentType: string,
): string {
  const keys = [...new Set(query.keys())].filter((k) => k !== 'sign' && k !== 'access_token').sort()
  let input = path
  for (const key of keys) input += `${key}${query.get(key) ?? ''}`
  if (mediaType(contentType) !== 'multipart/form-data') input += body
  return createHmac('sha256', APP_SECRET)
    .update(`${APP_SECRET}${input}${APP_SECRET}`, 'utf8')
    .digest('hex')
}

function signatureMatches(got: string, want: string): boolean {
  return got.length === want.length && timingSafeEqual(Buffer.from(got), Buffer.from(want))
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase()
}
