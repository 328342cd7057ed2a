import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'

export type BodyRead =
  | { readonly kind: 'ok'; readonly bytes: Uint8Array }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'unreadable'; readonly cause: unknown }

/**
 * The raw Node request when served by @hono/node-server. Reading it directly skips building a
 * Web ReadableStream per request, which on the webhook hot path cost as much as verifying and
 * storing the webhook (see docs/benchmarks.md). Absent under `app.request()` in tests.
 */
function nodeRequest(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
}

/** Node gives repeated headers (set-cookie) as arrays; the Fetch API joins them with ", ". */
function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/** One request header (lower-case name), read without building a Headers object. */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeRequest(c)
  if (!incoming) return c.req.header(name)
  return joined(incoming.headers[name])
}

/** Request headers with lower-case names; repeated headers joined with ", ". */
export function requestHeaders(c: Context): Record<string, string> {
  const headers: Record<string, string> = {}
  const incoming = nodeRequest(c)
  if (incoming) {
    for (const [name, value] of Object.entries(incoming.headers)) {
      const text = joined(value)
      if (text !== undefined) headers[name] = text
    }
  } else {
    c.req.raw.headers.forEach((value, name) => (headers[name] = value))
  }
  return headers
}

/** The exact bytes of the body, refusing more than `maxBytes` (declared or actual) without buffering them. */
export async function readBodyBytes(c: Context, maxBytes: number): Promise<BodyRead> {
  const declared = Number(requestHeader(c, 'content-length') ?? 0)
  if (declared > maxBytes) return { kind: 'too-large' }
  const incoming = nodeRequest(c)
  try {
    return incoming ? await readNode(incoming, maxBytes) : await readWeb(c.req.raw, maxBytes)
  } catch (cause) {
    return { kind: 'unreadable', cause }
  }
}

function readNode(incoming: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', reject).off('aborted', onAborted)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        // Stop listening; the server drains the rest after the 413 is sent.
        stop()
        return resolve({ kind: 'too-large' })
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      stop()
      resolve({ kind: 'ok', bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) })
    }
    const onAborted = () => {
      stop()
      reject(new Error('client aborted the request'))
    }
    incoming.on('data', onData).on('end', onEnd).on('error', reject).on('aborted', onAborted)
  })
}

async function readWeb(request: Request, maxBytes: number): Promise<BodyRead> {
  if (!request.body) return { kind: 'ok', bytes: new Uint8Array() }
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of request.body as AsyncIterable<Uint8Array>) {
    size += chunk.length
    if (size > maxBytes) return { kind: 'too-large' }
    chunks.push(chunk)
  }
  return { kind: 'ok', bytes: Buffer.concat(chunks, size) }
}
