import { createParser } from 'eventsource-parser'
import { ADMIN } from './hub.js'

export interface StreamedEvent {
  readonly id: string | undefined
  readonly type: string | undefined
  readonly event: { readonly id: string; readonly type: string; readonly position: number }
}

/** A Server-Sent Events response read as a browser's EventSource would parse it. */
export interface EventStreamReader {
  readonly status: number
  readonly headers: Headers
  /** The body of a refused request (not a stream). */
  readonly refusal: unknown
  readonly events: StreamedEvent[]
  readonly comments: string[]
  readonly retries: number[]
  /** Resolves when the stream ends: the server closed it, or the connection broke (or was closed here). */
  readonly ended: Promise<'closed' | 'broken'>
  /** Disconnects, as a client that goes away. */
  close(): void
}

/** Opens `path` on a listening hub with admin credentials and reads what it streams. */
export async function openEventStream(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<EventStreamReader> {
  const abort = new AbortController()
  const res = await fetch(`${baseUrl}${path}`, {
    headers: { ...ADMIN, ...headers },
    signal: abort.signal,
  })
  const events: StreamedEvent[] = []
  const comments: string[] = []
  const retries: number[] = []
  if (res.status !== 200 || !res.body) {
    const refusal: unknown = await res.json()
    return {
      status: res.status,
      headers: res.headers,
      refusal,
      events,
      comments,
      retries,
      ended: Promise.resolve('closed'),
      close: () => abort.abort(),
    }
  }
  const parser = createParser({
    onEvent: (e) =>
      events.push({ id: e.id, type: e.event, event: JSON.parse(e.data) as StreamedEvent['event'] }),
    onComment: (c) => comments.push(c),
    onRetry: (ms) => retries.push(ms),
  })
  const body = res.body.pipeThrough(new TextDecoderStream())
  const ended = (async () => {
    try {
      for await (const chunk of body) parser.feed(chunk)
      return 'closed' as const
    } catch {
      return 'broken' as const
    }
  })()
  return {
    status: res.status,
    headers: res.headers,
    refusal: undefined,
    events,
    comments,
    retries,
    ended,
    close: () => abort.abort(),
  }
}
