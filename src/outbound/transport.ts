import { Agent, request } from 'undici'
import { assertAllowedUrl, guardedLookup, type DestinationPolicy } from './destination-guard.js'

export interface TransportRequest {
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  /** Whole-request deadline: connect, headers and body together. */
  readonly timeoutMs: number
}

export interface TransportResponse {
  readonly status: number
  header(name: string): string | undefined
  /** The body as text, cut at `maxBytes`; the rest is discarded unread. Call it exactly once: it releases the connection. */
  text(maxBytes: number): Promise<string>
}

/** How the hub makes outbound HTTP calls; a port, so tests of channel clients can route calls to msw. */
export type HttpTransport = (url: string, req: TransportRequest) => Promise<TransportResponse>

/**
 * Production transport: undici with keep-alive connection pools. With a `policy`, it refuses the
 * destinations the policy refuses, by literal and after DNS resolution (destination-guard.ts).
 */
export function createUndiciTransport(
  opts: { readonly policy?: DestinationPolicy } = {},
): HttpTransport {
  const { policy } = opts
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connections: 128,
    ...(policy ? { connect: { lookup: guardedLookup(policy) } } : {}),
  })
  return async (url, req) => {
    if (policy) assertAllowedUrl(policy, url)
    const res = await request(url, {
      method: req.method as 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      signal: AbortSignal.timeout(req.timeoutMs),
    })
    return {
      status: res.statusCode,
      header(name) {
        const value = res.headers[name.toLowerCase()]
        return Array.isArray(value) ? value.join(', ') : value
      },
      async text(maxBytes) {
        const chunks: Buffer[] = []
        let size = 0
        for await (const chunk of res.body) {
          chunks.push(chunk as Buffer)
          size += (chunk as Buffer).length
          if (size >= maxBytes) {
            res.body.destroy()
            break
          }
        }
        return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8')
      },
    }
  }
}
