import type { WireEvent } from './wire.js'

/**
 * How a delivery carries an event over HTTP, per the CloudEvents HTTP binding
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#13-content-modes):
 * `structured`, the whole event as the body; `binary`, `data` as the body and every other
 * attribute in a `ce-` header. Chosen per subscription.
 */
export const CONTENT_MODES = ['structured', 'binary'] as const
export type ContentMode = (typeof CONTENT_MODES)[number]

/** The JSON event format's media type, which marks a structured-mode body (binding §3.2.1). */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8'

/** What a delivery sends besides its own headers (user agent, signature). */
export interface EventMessage {
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A structured-mode message: the event's wire JSON as it is (see `wireEventText`). */
export function structuredMessage(wireText: string): EventMessage {
  return { headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, body: wireText }
}

/**
 * Attribute names CloudEvents allows: lower-case ASCII letters and digits
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#naming-conventions). The
 * deprecated `recordedAt` is not one, and gets no header: header names are case-insensitive, so
 * `ce-recordedAt` would be read as a second `ce-recordedat`.
 */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/

/**
 * A binary-mode message (binding §3.1): `data` as the body, `datacontenttype` as `content-type`
 * (no `ce-datacontenttype` then, §3.1.1), and every other attribute as `ce-<name>` with its
 * canonical string value, percent-encoded (§3.1.3.2).
 */
export function binaryMessage(event: WireEvent): EventMessage {
  const headers: Record<string, string> = { 'content-type': String(event.datacontenttype) }
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype' || !ATTRIBUTE_NAME.test(name)) continue
    headers[`ce-${name}`] = percentEncodeHeaderValue(String(value))
  }
  return { headers, body: JSON.stringify(event.data) }
}

/**
 * What binding §3.1.3.2 requires to be percent-encoded in a header value: space, `"`, `%`, and
 * every character outside printable ASCII (U+0021 to U+007E), each as the `%XY` of its UTF-8
 * bytes. `u` matches a surrogate pair as one character, as the binding asks.
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#3132-http-header-values
 */
const MUST_ENCODE = /[^\u0021-\u007e]|["%]/gu
const utf8 = new TextEncoder()

export function percentEncodeHeaderValue(value: string): string {
  return value.replace(MUST_ENCODE, (char) =>
    Array.from(
      utf8.encode(char),
      (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    ).join(''),
  )
}
