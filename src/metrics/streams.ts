/**
 * This API process's Server-Sent Events streams of the feed (GET /v1/events/stream and the
 * consumers' streams): how many are open, how many were refused for the limit, and how many
 * events they handed to their connections.
 */
import { Counter, Gauge, type Registry } from 'prom-client'

export interface StreamCounters {
  opened(): void
  closed(): void
  /** A stream refused: STREAM_MAX_CONNECTIONS were open, or the process is shutting down. */
  refused(): void
  sent(events: number): void
}

export function registerStreamMetrics(registry: Registry): StreamCounters {
  const open = new Gauge({
    name: 'hub_event_streams_open',
    help: 'Server-Sent Events streams of the feed open in this process',
    registers: [registry],
  })
  const refused = new Counter({
    name: 'hub_event_streams_refused_total',
    help: 'Streams refused with 503 by this process: STREAM_MAX_CONNECTIONS were open, or it was shutting down',
    registers: [registry],
  })
  const sent = new Counter({
    name: 'hub_event_stream_events_sent_total',
    help: "Events this process's streams handed to their connections",
    registers: [registry],
  })
  return {
    opened: () => open.inc(),
    closed: () => open.dec(),
    refused: () => refused.inc(),
    sent: (events) => sent.inc(events),
  }
}
