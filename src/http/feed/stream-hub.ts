import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { Kysely } from 'kysely'
import { feedHead } from '../../db/repos/outbox.js'
import type { Database } from '../../db/schema.js'
import type { Logger } from '../../logger.js'
import type { StreamCounters } from '../../metrics/streams.js'
import type { AppEnv } from '../env.js'
import { feedEventStream } from './event-stream.js'
import { createHeadWatcher } from './head-watcher.js'
import type { WirePage } from './wire.js'

/** How often the feed's head is read while a stream waits for new events: their added latency at most. */
const WATCH_INTERVAL_MS = 250

/** What a refused client is told to wait before trying again (seconds). */
const RETRY_AFTER_SECONDS = 5

/** The open Server-Sent Events streams of this API process. */
export interface StreamHub {
  /**
   * The response to a stream request from position `after` (already validated), or a 503 when
   * STREAM_MAX_CONNECTIONS streams are open or the process is shutting down.
   */
  respond(c: Context<AppEnv>, after: string, read: (after: string) => Promise<WirePage>): Response
  /**
   * Ends every open stream and refuses new ones, so that the HTTP server's close, which waits
   * for requests in flight, can finish at shutdown. Clients reconnect with Last-Event-ID.
   */
  close(): void
}

export function createStreamHub(deps: {
  readonly db: Kysely<Database>
  readonly counters: StreamCounters
  readonly log: Logger
  readonly heartbeatMs: number
  readonly maxConnections: number
}): StreamHub {
  const watcher = createHeadWatcher(
    async () => BigInt(await feedHead(deps.db)),
    WATCH_INTERVAL_MS,
    deps.log,
  )
  const open = new Set<{ shutdown(): void }>()
  let closing = false

  return {
    respond(c, after, read) {
      if (closing || open.size >= deps.maxConnections) {
        deps.counters.refused()
        c.header('retry-after', String(RETRY_AFTER_SECONDS))
        const error = closing
          ? 'shutting down; reconnect to another process'
          : `too many open streams (STREAM_MAX_CONNECTIONS=${deps.maxConnections})`
        return c.json({ error }, 503)
      }
      const stop = new AbortController()
      // Under @hono/node-server, the response's socket; absent under app.request().
      const connection = (c.env as Partial<HttpBindings> | undefined)?.outgoing
      const stream = feedEventStream({
        after,
        read,
        watcher,
        heartbeatMs: deps.heartbeatMs,
        stop: stop.signal,
        sent: (events) => deps.counters.sent(events),
        log: c.get('log'),
        ended() {
          open.delete(entry)
          deps.counters.closed()
          stop.abort()
        },
      })
      const entry = {
        shutdown() {
          stop.abort()
          // A pulling stream ends itself. One whose socket waits for a reader that stopped
          // reading would never flush an end: its connection is dropped instead.
          if (stream.pulling()) return
          if (connection?.writableNeedDrain) connection.destroy()
          else stream.close()
        },
      }
      open.add(entry)
      deps.counters.opened()
      c.req.raw.signal.addEventListener('abort', () => stop.abort())
      return c.body(stream.body, 200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        // Proxies that buffer responses (nginx) would hold events back:
        // https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering
        'x-accel-buffering': 'no',
        // As hono's streamSSE sets it: @hono/node-server then sends the headers at once instead
        // of reading ahead to compute a content-length.
        'transfer-encoding': 'chunked',
      })
    },
    close() {
      closing = true
      for (const entry of open) entry.shutdown()
    },
  }
}
