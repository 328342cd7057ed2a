// What the msw stand-ins for the channel APIs (amazon-api.ts, walmart-api.ts, tiktok-shop-api.ts)
// share: the transport that lets msw see a client's calls, recording each call as it arrived,
// access tokens issued and checked against a test clock, and answers spliced from raw JSON text,
// so ids beyond 2^53 reach the client as exact digits. Nothing here knows a channel's own rules.
import { randomBytes } from 'node:crypto'

/** A record served as is: an object is JSON-encoded; a string is spliced in as raw JSON text. */
export type ServedRecord = object | string

/** The record as JSON text: a string as it is (raw JSON), an object JSON-encoded. */
export function rawJson(record: ServedRecord): string {
  return typeof record === 'string' ? record : JSON.stringify(record)
}

/** The records as the text of a JSON array, each spliced in as {@link rawJson} writes it. */
export function rawJsonList(records: readonly ServedRecord[]): string {
  return `[${records.map(rawJson).join(',')}]`
}

/** A 200 answer whose body is `json`, JSON text sent as it is (never parsed, so never rounded). */
export function rawJsonResponse(json: string, headers: Record<string, string> = {}): Response {
  return new Response(json, { headers: { 'content-type': 'application/json', ...headers } })
}

/** A request as it reached a stand-in. */
export interface ArrivedRequest {
  readonly url: URL
  readonly method: string
  /** As sent, still percent-encoded (e.g. `/v3/inventories/TEE%20BLK%2FM`). */
  readonly path: string
  /** The query as sent, still percent-encoded, without the `?`. */
  readonly rawQuery: string
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Reads the request's URL, headers and whole body. */
export async function arrived(request: Request): Promise<ArrivedRequest> {
  const url = new URL(request.url)
  return {
    url,
    method: request.method,
    path: url.pathname,
    rawQuery: url.search.replace(/^\?/, ''),
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
  }
}

/**
 * Appends `call` to `calls`, in arrival order; the function returned marks that entry refused
 * (replacing it with a copy that has `refusedWith`).
 */
export function recordCall<C extends { readonly refusedWith?: unknown }>(
  calls: C[],
  call: C,
): (refusedWith: NonNullable<C['refusedWith']>) => void {
  const index = calls.push(call) - 1
  return (refusedWith) => {
    calls[index] = { ...call, refusedWith }
  }
}

/** Access tokens a stand-in's token endpoint issued, each valid for `ttlSeconds` by `now`. */
export interface TokenIssuer {
  /** Every token issued, in order. */
  readonly tokens: readonly string[]
  /** A new token, `<prefix>emu-<n>-<random>`, valid from now for `ttlSeconds`. */
  issue(): string
  /** Whether a presented token is valid, or why not: never issued (or revoked), or expired. */
  check(token: string): 'valid' | 'unknown' | 'expired'
  /** Makes every token issued so far expired. */
  expire(): void
  /** Makes every token issued so far unknown, as a revocation would. */
  revoke(): void
}

export function tokenIssuer(options: {
  readonly prefix?: string
  readonly ttlSeconds: number
  readonly now: () => Date
}): TokenIssuer {
  const tokens: string[] = []
  const live = new Map<string, number>() // token → expiry (ms)
  const expired = new Set<string>()
  return {
    tokens,
    issue() {
      const token = `${options.prefix ?? ''}emu-${tokens.length + 1}-${randomBytes(12).toString('base64url')}`
      tokens.push(token)
      live.set(token, options.now().getTime() + options.ttlSeconds * 1000)
      return token
    },
    check(token) {
      const expiresAt = live.get(token)
      if (expiresAt === undefined) return 'unknown'
      return expired.has(token) || options.now().getTime() >= expiresAt ? 'expired' : 'valid'
    },
    expire() {
      for (const token of live.keys()) expired.add(token)
    },
    revoke: () => live.clear(),
  }
}

/** A `Retry-After` header when `retryAfter` is given, for the stand-ins' error answers. */
export function retryAfterHeader(retryAfter: string | undefined): Record<string, string> {
  return retryAfter === undefined ? {} : { 'retry-after': retryAfter }
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The text parsed as JSON when it is an object; undefined for anything else. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}
