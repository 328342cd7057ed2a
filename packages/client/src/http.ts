import type { Position } from './api-types.js'
import { HubApiError } from './errors.js'

export interface HubClientOptions {
  /** The hub's base URL, e.g. `https://hub.example.com`. */
  readonly baseUrl: string
  /** The admin token (`ADMIN_TOKEN`), sent as `Authorization: Bearer <token>`. */
  readonly token: string
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch
}

export type Query = Readonly<Record<string, Position | readonly string[] | undefined>>

export interface RequestOptions {
  readonly query?: Query
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal | undefined
}

/** Authenticated requests to one hub; every answer that is not a 2xx becomes a HubApiError. */
export class HubHttp {
  private readonly base: string
  private readonly fetch: typeof fetch

  constructor(private readonly options: HubClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '')
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  }

  /** Sends a request and returns the response, whose body the caller reads (e.g. a stream). */
  async open(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${this.base}${path}`)
    for (const [name, value] of Object.entries(opts.query ?? {})) {
      if (value === undefined) continue
      url.searchParams.set(name, typeof value === 'object' ? value.join(',') : String(value))
    }
    const res = await this.fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
    if (!res.ok) throw await apiError(res)
    return res
  }

  /** A JSON request; resolves with the parsed answer (undefined for a 204). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.open(method, path, opts)
    return (res.status === 204 ? undefined : await res.json()) as T
  }
}

async function apiError(res: Response): Promise<HubApiError> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not the hub's JSON (a proxy's page, say): the text stands as the error.
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  const error =
    typeof fields.error === 'string' ? fields.error : text.slice(0, 200) || res.statusText
  const problems = Array.isArray(fields.problems)
    ? fields.problems.filter((p): p is string => typeof p === 'string')
    : undefined
  return new HubApiError(res.status, error, problems, body, retryAfterMs(res.headers))
}

/** `retry-after` in seconds (the hub's form); an HTTP date is not worth parsing here. */
function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after')
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined
}
