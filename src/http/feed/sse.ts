/**
 * Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream):
 * fields are `name: value` lines, a blank line ends an event, and a line starting with `:` is a
 * comment the client ignores. Written by hand rather than with hono's `writeSSE`, which sends a
 * `data:` line with every message (a `retry:` alone would reach the client as an empty event).
 */
import type { WireEvent } from './schemas.js'

/** How long a client waits before reconnecting after the stream drops. */
export const RETRY_MS = 2_000

export const RETRY_FRAME = `retry: ${RETRY_MS}\n\n`

/** Keeps proxies and load balancers from closing a connection that is idle between events. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n'

/**
 * One event: `id` is its feed position, which the client sends back as `Last-Event-ID` when it
 * reconnects. Event types and JSON text hold no line breaks, so each field is one line.
 */
export function eventFrame(event: WireEvent): string {
  return `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}
