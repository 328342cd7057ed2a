import { createParser, type EventSourceMessage } from 'eventsource-parser'
import type { FeedEvent } from './api-types.js'
import { HubApiError } from './errors.js'
import type { HubHttp, Query } from './http.js'
import { Backoff, isTransient, sleep } from './retry.js'

/** What the hub announces (`retry: 2000`), used until a stream says otherwise. */
const DEFAULT_RETRY_MS = 2000
/** Three of the hub's default heartbeats (STREAM_HEARTBEAT_MS, 15 s). */
const DEFAULT_IDLE_TIMEOUT_MS = 45_000

export interface StreamRequest {
  readonly path: string
  readonly query: Query
  readonly signal?: AbortSignal | undefined
  readonly idleTimeoutMs?: number | undefined
}

/**
 * The events of one of the hub's Server-Sent Events endpoints, in order, across reconnects.
 * Every event's `id:` is its feed position. After a dropped connection (or one silent for
 * `idleTimeoutMs`) it waits the hub's `retry:` interval, doubled for each failed attempt in a row,
 * and reconnects with `Last-Event-ID` set to the last event it yielded, which the hub resumes
 * after: an event cut off by the drop comes again, none is skipped, and one the hub sends again (a
 * position not above the last one yielded) is dropped. A 4xx other than 429 ends it
 * with a HubApiError; aborting `signal` ends it quietly.
 */
export async function* hubEventStream(
  http: HubHttp,
  request: StreamRequest,
): AsyncGenerator<FeedEvent, void, undefined> {
  const { signal } = request
  const idleTimeoutMs = request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  const backoff = new Backoff()
  let retryMs = DEFAULT_RETRY_MS
  let lastId: string | undefined
  while (!signal?.aborted) {
    // One controller per connection: aborting it (the caller's signal, the idle watchdog, the
    // consumer leaving the loop) closes that connection's socket.
    const connection = new AbortController()
    const close = () => connection.abort()
    signal?.addEventListener('abort', close, { once: true })
    let watchdog = setTimeout(close, idleTimeoutMs)
    let retryAfterMs: number | undefined
    try {
      const res = await http.open('GET', request.path, {
        query: request.query,
        headers: {
          accept: 'text/event-stream',
          ...(lastId === undefined ? {} : { 'last-event-id': lastId }),
        },
        signal: connection.signal,
      })
      const type = res.headers.get('content-type') ?? ''
      if (!type.startsWith('text/event-stream') || !res.body)
        throw new Error(
          `${request.path} answered ${type || 'no content type'}, not an event stream`,
        )
      backoff.reset()
      const messages: EventSourceMessage[] = []
      const parser = createParser({
        onEvent: (message) => messages.push(message),
        onRetry: (ms) => (retryMs = ms),
      })
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        // Timed only while waiting for the hub: a consumer slow to process an event is no sign
        // of a dead connection.
        clearTimeout(watchdog)
        watchdog = setTimeout(close, idleTimeoutMs)
        const chunk = await reader.read().catch(() => undefined) // a drop: reconnect below
        clearTimeout(watchdog)
        if (!chunk || chunk.done) break
        parser.feed(chunk.value)
        for (const message of messages.splice(0)) {
          const resent = lastId !== undefined && Number(message.id) <= Number(lastId)
          if (resent) continue
          if (signal?.aborted) return
          const event = JSON.parse(message.data) as FeedEvent
          lastId = message.id ?? lastId
          yield event
        }
      }
    } catch (error) {
      if (signal?.aborted) return
      // Our own abort of a silent connection is a drop like any other.
      if (!connection.signal.aborted && !isTransient(error)) throw error
      if (error instanceof HubApiError) retryAfterMs = error.retryAfterMs
    } finally {
      clearTimeout(watchdog)
      signal?.removeEventListener('abort', close)
      connection.abort()
    }
    await sleep(backoff.next(retryMs, retryAfterMs), signal)
  }
}
