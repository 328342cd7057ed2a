/**
 * The wire form of an event: what the feed, the stream and every delivery carry. The outbox stores
 * each envelope once, as written when it was appended; what depends on where the hub is reached
 * (`dataschema`, from HUB_PUBLIC_URL) and when it was published (`position`) is added here, when
 * the event is read or sent. So are the attributes that envelopes recorded before them lack
 * (`datacontenttype`, `recordedat`): every event comes out complete, however old.
 */

/** The media type of every event's `data` (the CloudEvents `datacontenttype` attribute). */
export const DATA_CONTENT_TYPE = 'application/json'

/** Where, under the hub's public URL, the JSON Schema of one event type is served. */
export function dataSchemaPath(type: string): string {
  return `/v1/schemas/${type}.json`
}

/** An event as the feed, the stream and structured deliveries carry it (see docs/events.md). */
export type WireEvent = Readonly<Record<string, unknown>>

/**
 * Renders a stored envelope in its wire form: the envelope's own attributes, then those added at
 * read time, then `data` (the order `wireEventText` produces too). `position` is null only for
 * an event the relay has not published yet, which then has none (as the contract allows).
 */
export function wireEvent(
  envelope: Readonly<Record<string, unknown>>,
  position: number | string | null,
  publicUrl: string,
): WireEvent {
  const { data, ...attributes } = envelope
  return {
    ...attributes,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: `${publicUrl}${dataSchemaPath(String(attributes.type))}`,
    recordedat: attributes.recordedat ?? attributes.recordedAt,
    ...(position === null ? {} : { position: Number(position) }),
    data,
  }
}

/**
 * `wireEvent` on the envelope's stored text, for the delivery hot path: the attributes are
 * spliced in before `data` without parsing the event. That needs `data` to be the last member
 * and the stored attributes complete, which holds for every envelope written since
 * `recordedat` exists (`toEvent` builds them in that order). An older one (written without them,
 * or as jsonb before migration 0940, which reordered members) is parsed and rendered instead;
 * such events are only sent again by a retry, a resume or a replay.
 *
 * The searches are exact: a JSON string escapes every `"` inside it, so `"name":` can only be a
 * member name, and the first `"data":` is the envelope's own, every member before it a string.
 */
export function wireEventText(
  envelopeText: string,
  type: string,
  position: number | string,
  publicUrl: string,
): string {
  const at = envelopeText.indexOf('"data":')
  const head = envelopeText.slice(0, Math.max(at, 0))
  if (at === -1 || !head.includes('"datacontenttype":') || !head.includes('"recordedat":'))
    return JSON.stringify(wireEvent(JSON.parse(envelopeText) as WireEvent, position, publicUrl))
  const added = JSON.stringify({
    dataschema: `${publicUrl}${dataSchemaPath(type)}`,
    position: Number(position),
  })
  return `${head}${added.slice(1, -1)},${envelopeText.slice(at)}`
}

/**
 * The distributed tracing extension of a stored envelope (`traceparent`, `tracestate`), read
 * without parsing the event: both are string members before `data` (see `withTraceContext` in
 * src/outbox/event.ts), and the search is exact for the reason `wireEventText` gives.
 */
export function envelopeTraceContext(
  envelopeText: string,
): { traceparent: string; tracestate?: string } | undefined {
  const head = envelopeText.slice(0, Math.max(envelopeText.indexOf('"data":'), 0))
  const traceparent = stringMember(head, 'traceparent')
  if (traceparent === undefined) return undefined
  const tracestate = stringMember(head, 'tracestate')
  return tracestate ? { traceparent, tracestate } : { traceparent }
}

function stringMember(json: string, name: string): string | undefined {
  const literal = new RegExp(`"${name}":("(?:[^"\\\\]|\\\\.)*")`).exec(json)?.[1]
  return literal === undefined ? undefined : (JSON.parse(literal) as string)
}
