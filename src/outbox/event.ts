import { createHash } from 'node:crypto'
import { DATA_CONTENT_TYPE, type EventOriginId, type HubEvent } from '../events/index.js'

/** An event before the hub has given it an id and source: what a domain decision produces. */
export type EventDraft = {
  [T in HubEvent['type']]: {
    readonly type: T
    readonly subject: string
    /** When it happened at the channel (ISO 8601). */
    readonly time: string
    readonly data: Extract<HubEvent, { type: T }>['data']
  }
}[HubEvent['type']]

export interface EventOrigin {
  readonly channel: EventOriginId
  readonly accountId: string
  readonly recordedAt: Date
}

/**
 * Deterministic event id from what makes the event unique, so a retried job produces the same id
 * and the outbox's primary key drops the repeat.
 */
export function eventId(
  origin: Pick<EventOrigin, 'channel' | 'accountId'>,
  ...parts: string[]
): string {
  const digest = createHash('sha256')
    .update([origin.channel, origin.accountId, ...parts].join('\u001f'))
    .digest('base64url')
  return `evt_${digest.slice(0, 24)}`
}

/**
 * The envelope as the outbox stores it. `dataschema` and `position` are not stored: they are added
 * when the event is read or sent (events/wire.ts), which splices them in before `data`, so `data`
 * stays the last member.
 */
export function toEvent(draft: EventDraft, origin: EventOrigin, id: string): HubEvent {
  const recordedAt = origin.recordedAt.toISOString()
  return {
    id,
    type: draft.type,
    specversion: '1.0',
    source: `/${origin.channel}/${origin.accountId}`,
    subject: draft.subject,
    time: new Date(draft.time).toISOString(),
    datacontenttype: DATA_CONTENT_TYPE,
    recordedat: recordedAt,
    recordedAt,
    channel: origin.channel,
    account: origin.accountId,
    data: draft.data,
    // EventDraft pairs each type with its data; TypeScript cannot follow that pairing through
    // the object literal, so the union is asserted here, in the one place events are built.
  } as HubEvent
}

/**
 * The event with the CloudEvents distributed tracing extension: the W3C context of the step that
 * created it (https://github.com/cloudevents/spec/blob/main/cloudevents/extensions/distributed-tracing.md),
 * added only while tracing is on. Set once, when the event is created, and never changed after
 * (OpenTelemetry's CloudEvents conventions). The attributes go before `data`, which stays the
 * last member (see `wireEventText`).
 */
export function withTraceContext(
  event: HubEvent,
  trace: { readonly traceparent: string; readonly tracestate?: string },
): HubEvent {
  const { data, ...attributes } = event
  return {
    ...attributes,
    traceparent: trace.traceparent,
    ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    data,
  } as HubEvent
}
