// Verifies a push delivery from the hub: the Standard Webhooks signature over the exact body
// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
// then the event, in either CloudEvents content mode.
import { Webhook } from 'standardwebhooks'
import type { FeedEvent } from './api-types.js'
import { eventFromBinary, isBinaryMode, type HeaderMap } from './binary-mode.js'
import { DeliveryVerificationError } from './errors.js'
import { eventShapeProblem } from './event-shape.js'

/** As the standardwebhooks library allows, and the spec suggests (five minutes). */
const TOLERANCE_SECONDS = 5 * 60

export interface Delivery {
  /** The subscription's signing secret (`whsec_…`), shown once when it was created. */
  readonly secret: string
  /** The request's headers: node:http's `req.headers`, a fetch `Headers`, or any plain object. */
  readonly headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>
  /** The request body exactly as received: re-serialised JSON would not match the signature. */
  readonly body: string
}

/**
 * The event a delivery carries, once its signature, timestamp and content are checked; throws a
 * DeliveryVerificationError saying which failed. Structured mode: the body is the event.
 * Binary mode (`ce-*` headers): the body is its `data`, the rest comes from the headers. Only the
 * body, `webhook-id` and `webhook-timestamp` are signed; so the event's `id` must equal the signed
 * `webhook-id`, but the other `ce-*` headers are as trustworthy as the connection that carried them.
 */
export function verifyDelivery(delivery: Delivery): FeedEvent {
  const headers = headerMap(delivery.headers)
  const id = headers.get('webhook-id')
  const timestamp = headers.get('webhook-timestamp')
  const signature = headers.get('webhook-signature')
  if (!id || !timestamp || !signature)
    throw new DeliveryVerificationError(
      'missing-headers',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    )
  // Checked before the signature to say which failed; the library checks it again.
  const age = Date.now() / 1000 - Number(timestamp)
  if (!/^\d+$/.test(timestamp) || Math.abs(age) > TOLERANCE_SECONDS)
    throw new DeliveryVerificationError(
      'stale-timestamp',
      `webhook-timestamp ${timestamp} is more than ${TOLERANCE_SECONDS} s from now (a replay, or a skewed clock)`,
    )
  try {
    new Webhook(delivery.secret).verify(
      delivery.body,
      { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { jsonParse: false },
    )
  } catch (error) {
    throw new DeliveryVerificationError(
      'bad-signature',
      `signature does not match this secret: ${(error as Error).message}`,
    )
  }
  let payload: unknown
  try {
    payload = JSON.parse(delivery.body)
  } catch {
    throw new DeliveryVerificationError('not-a-hub-event', 'not a hub event: the body is not JSON')
  }
  const event = isBinaryMode(headers) ? eventFromBinary(headers, payload) : payload
  const problem = eventShapeProblem(event)
  if (problem) throw new DeliveryVerificationError('not-a-hub-event', `not a hub event: ${problem}`)
  const verified = event as FeedEvent
  if (verified.id !== id)
    throw new DeliveryVerificationError(
      'not-a-hub-event',
      `not a hub event: its id ${verified.id} is not the signed webhook-id ${id}`,
    )
  return verified
}

function headerMap(headers: Delivery['headers']): HeaderMap {
  const entries: Array<[string, string]> =
    // Duck-typed: a Headers from another copy of undici is no `instanceof` ours.
    isHeaders(headers)
      ? [...headers.entries()]
      : Object.entries(headers).flatMap(([name, value]): Array<[string, string]> =>
          value === undefined ? [] : [[name, typeof value === 'string' ? value : value.join(', ')]],
        )
  return new Map(entries.map(([name, value]) => [name.toLowerCase(), value]))
}

function isHeaders(headers: Delivery['headers']): headers is Headers {
  return typeof headers.get === 'function' && typeof headers.entries === 'function'
}
