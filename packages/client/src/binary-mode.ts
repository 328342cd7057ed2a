// A delivery in the CloudEvents HTTP binding's binary content mode carries the event's attributes
// in `ce-*` headers and only its `data` in the body. Spec:
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#31-binary-content-mode
import { DeliveryVerificationError } from './errors.js'

/** The hub's attributes sent as `ce-<name>` headers. */
const ATTRIBUTES = [
  'id',
  'type',
  'specversion',
  'source',
  'subject',
  'time',
  'dataschema',
  'recordedat',
  'channel',
  'account',
  'position',
] as const

/** Lower-cased header names to values. */
export type HeaderMap = ReadonlyMap<string, string>

export function isBinaryMode(headers: HeaderMap): boolean {
  return headers.has('ce-specversion')
}

/**
 * The event as the structured mode carries it, rebuilt from the `ce-*` headers (each value
 * percent-decoded, as §3.1.3.2 of the binding requires) and the body's `data`. The content type
 * stands for `datacontenttype` in this mode (§3.1.1); the deprecated `recordedAt` alias is filled
 * in so that an event reads the same in both modes.
 */
export function eventFromBinary(headers: HeaderMap, data: unknown): Record<string, unknown> {
  const mediaType = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (mediaType !== 'application/json')
    throw notAnEvent(`content-type ${JSON.stringify(mediaType)} is not application/json`)
  const event: Record<string, unknown> = { datacontenttype: mediaType }
  for (const name of ATTRIBUTES) {
    const raw = headers.get(`ce-${name}`)
    if (raw !== undefined) event[name] = percentDecoded(raw, name)
  }
  if (typeof event.position === 'string') {
    if (!/^\d{1,16}$/.test(event.position))
      throw notAnEvent(`ce-position ${JSON.stringify(event.position)} is not a feed position`)
    event.position = Number(event.position)
  }
  if (event.recordedat !== undefined) event.recordedAt = event.recordedat
  event.data = data
  return event
}

function percentDecoded(value: string, name: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw notAnEvent(`ce-${name} is not valid percent-encoding`)
  }
}

function notAnEvent(why: string): DeliveryVerificationError {
  return new DeliveryVerificationError('not-a-hub-event', `not a hub event: ${why}`)
}
