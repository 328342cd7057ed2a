import type { Logger } from '../../logger.js'
import type { HeadWatcher } from './head-watcher.js'
import { eventFrame, HEARTBEAT_FRAME, RETRY_FRAME } from './sse.js'
import type { WirePage } from './wire.js'

export interface EventStreamOptions {
  /** The position after which the stream starts. */
  readonly after: string
  /** Reads the page of events after a position. */
  read(after: string): Promise<WirePage>
  readonly watcher: HeadWatcher
  readonly heartbeatMs: number
  /** Aborted when the stream must end: the client went away or the hub is shutting down. */
  readonly stop: AbortSignal
  /** Counts events handed to the connection. */
  sent(events: number): void
  /** Called once when the stream ends, however it ends. */
  ended(): void
  readonly log: Logger
}

/**
 * The feed as a Server-Sent Events body, pulled: a page is read from PostgreSQL only when the
 * connection asks for the next chunk. @hono/node-server asks only after the socket took the
 * previous one (it waits for 'drain' when `write` returns false: `writeFromReadableStreamDefaultReader`
 * in @hono/node-server's utils), and the high-water mark of 0 keeps no page queued ahead, so a
 * client that stops reading leaves at most one page in the hub's memory and stalls this loop
 * instead of the hub reading the whole feed.
 *
 * `pulling()` says whether a pull is under way; a stream that is not pulling is waiting for the
 * connection, and `close()` ends it at once.
 */
export function feedEventStream(opts: EventStreamOptions): {
  readonly body: ReadableStream<Uint8Array>
  pulling(): boolean
  /** Ends a stream that is not pulling (a pulling one ends itself when `stop` aborts). */
  close(): void
} {
  const encoder = new TextEncoder()
  let cursor = opts.after
  let started = false
  let pulling = false
  let ended = false
  let lastWrite = Date.now()
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined

  const send = (c: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    c.enqueue(encoder.encode(text))
    lastWrite = Date.now()
  }
  const end = () => {
    if (ended) return false
    ended = true
    opts.ended()
    return true
  }
  const finish = (c: ReadableStreamDefaultController<Uint8Array>) => {
    if (end()) c.close()
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      async pull(c) {
        pulling = true
        try {
          if (!started) {
            started = true
            return send(c, RETRY_FRAME)
          }
          for (;;) {
            if (opts.stop.aborted) return finish(c)
            const page = await opts.read(cursor)
            if (opts.stop.aborted) return finish(c)
            // Past the events it read, or (nothing matched) up to the head: never read twice.
            cursor = page.next
            if (page.events.length > 0) {
              send(c, page.events.map(eventFrame).join(''))
              return opts.sent(page.events.length)
            }
            const quiet = lastWrite + opts.heartbeatMs - Date.now()
            if (quiet <= 0) return send(c, HEARTBEAT_FRAME)
            await opts.watcher.wait(BigInt(cursor), quiet, opts.stop)
          }
        } catch (err) {
          // The connection breaks (the client reconnects with Last-Event-ID); this stream ends.
          opts.log.warn({ err }, 'event stream failed; closing it')
          end()
          throw err
        } finally {
          pulling = false
        }
      },
      cancel() {
        // The client went away; the caller aborts `stop`, which wakes a pull that is waiting.
        end()
      },
    },
    { highWaterMark: 0 },
  )
  return {
    body,
    pulling: () => pulling,
    close() {
      if (!pulling && controller) finish(controller)
    },
  }
}
