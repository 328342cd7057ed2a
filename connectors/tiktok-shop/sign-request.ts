/**
 * TikTok Shop Open API request signing, for the hub's outbound calls. Webhooks TikTok sends use a
 * different scheme (`Authorization` over app_key + body, channels.md §4 A2).
 *
 * Signed string, in this order, with no separators:
 *   app_secret
 *   + request path                      e.g. `/order/202309/orders` (no host, no query)
 *   + for each query parameter except `sign` and `access_token`, sorted by key (byte order):
 *       key + value                     the decoded value, exactly as sent
 *   + request body                      the exact bytes sent, unless the content type is
 *                                       multipart/form-data (then nothing); an absent body adds nothing
 *   + app_secret
 * Algorithm: HMAC-SHA256 keyed with the app secret over that string (UTF-8), lowercase hex digest,
 * sent as the `sign` query parameter. The other common parameters are `app_key` and `timestamp`
 * (Unix seconds, 10 digits; TikTok accepts [now − 5 min, now + 30 s]); `shop_cipher` selects the
 * shop and is signed like any other query parameter. The access token travels in the
 * `x-tts-access-token` header, never in the query, so it is not part of the signature.
 *
 * Source: https://partner.tiktokshop.com/docv2/page/sign-your-api-request (read via the mirror
 * repo:lazykern/ecommerce-api-docs
 * data/processed/tiktok/guides/developer-guide/tiktok-shop-api-concepts/sign-your-api-request.md,
 * whose worked example — secret `e59af819cc`, `/authorization/202309/shops`, app_key `29a39d`,
 * timestamp 1623812664 → `b596b73e…582dc8` — the tests reproduce) and common-parameters.md (the
 * timestamp window).
 *
 * Unconfirmed: the exclusion list. The page's samples and its "common mistakes" note exclude exactly
 * `sign` and `access_token`; channels.md §4 B1 still lists the exact set as unconfirmed until it
 * is checked against the live API. The hub only ever sends `app_key`, `timestamp`, `shop_cipher`
 * and endpoint parameters (`ids`, `page_size`, `page_token`), none of which is in doubt.
 */
import { createHmac } from 'node:crypto'

/** Query parameters left out of the signed string (unconfirmed beyond the doc's samples; see above). */
export const UNSIGNED_QUERY_PARAMS: readonly string[] = ['sign', 'access_token']

/** Query parameters this module sets; callers may not pass them as endpoint parameters. */
const COMMON_QUERY_PARAMS: readonly string[] = [
  'app_key',
  'timestamp',
  'shop_cipher',
  ...UNSIGNED_QUERY_PARAMS,
]

/** The parts of an API request that the signature covers. */
export interface ApiRequestToSign {
  /** The request path as sent, without host or query, e.g. `/order/202309/orders`. */
  readonly path: string
  /** Every query parameter as sent (decoded values); `sign` and `access_token` are skipped. */
  readonly query: Readonly<Record<string, string>>
  /** The exact body text sent, if any. */
  readonly body?: string
  /** The request's content type; a multipart/form-data body is not signed. Default `application/json`. */
  readonly contentType?: string
}

/** Lowercase hex HMAC-SHA256 signature of an API request, per the recipe in the header comment. */
export function apiRequestSignature(appSecret: string, req: ApiRequestToSign): string {
  const keys = Object.keys(req.query)
    .filter((key) => !UNSIGNED_QUERY_PARAMS.includes(key))
    // Byte order, as the doc's Go sample compares keys; localeCompare would differ on `_` vs letters.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  let signed = req.path
  for (const key of keys) signed += key + req.query[key]
  if (req.body !== undefined && !isMultipart(req.contentType ?? 'application/json')) {
    signed += req.body
  }
  return createHmac('sha256', appSecret)
    .update(appSecret + signed + appSecret, 'utf8')
    .digest('hex')
}

/** What a signed API call's query is built from. */
export interface SignedQueryInput {
  readonly appKey: string
  /** The secret that signs API calls (the account's first listed app secret). */
  readonly appSecret: string
  /** Omitted for the few shop-less endpoints; every endpoint the hub calls takes it. */
  readonly shopCipher?: string
  /** The injected clock's reading; becomes `timestamp` in Unix seconds. */
  readonly now: Date
  readonly path: string
  /** Endpoint parameters (e.g. `ids`, `page_size`); must not repeat the common ones. */
  readonly params?: Readonly<Record<string, string>>
  readonly body?: string
  readonly contentType?: string
}

/**
 * The complete query of a signed call: `app_key`, `timestamp`, `shop_cipher`, the endpoint's own
 * parameters, and `sign` over all of them. Never contains the access token.
 */
export function signedApiQuery(input: SignedQueryInput): URLSearchParams {
  const params = input.params ?? {}
  for (const key of Object.keys(params)) {
    if (COMMON_QUERY_PARAMS.includes(key)) {
      throw new Error(`query parameter ${key} is set by the signer, not by the endpoint`)
    }
  }
  const query: Record<string, string> = {
    app_key: input.appKey,
    timestamp: String(unixSeconds(input.now)),
    ...(input.shopCipher === undefined ? {} : { shop_cipher: input.shopCipher }),
    ...params,
  }
  const sign = apiRequestSignature(input.appSecret, {
    path: input.path,
    query,
    body: input.body,
    contentType: input.contentType,
  })
  return new URLSearchParams({ ...query, sign })
}

/** Whole seconds since the Unix epoch (TikTok wants the 10-digit form, not milliseconds). */
export function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000)
}

function isMultipart(contentType: string): boolean {
  const mediaType = contentType.split(';')[0] ?? ''
  return mediaType.trim().toLowerCase() === 'multipart/form-data'
}
