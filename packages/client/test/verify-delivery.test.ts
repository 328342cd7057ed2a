// De-risks an OMS acting on a delivery it should have refused, or refusing a genuine one:
// verifyDelivery must accept the hub's deliveries in both CloudEvents content modes, with the
// headers in the shapes Node and fetch hand them over, and name what is wrong with a tampered,
// foreign, replayed or malformed one. Fixtures are signed here, with the standardwebhooks library.
import { randomBytes } from 'node:crypto'
import { DeliveryVerificationError, verifyDelivery } from '@marketplace-hub/client'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'

const SECRET = `whsec_${randomBytes(32).toString('base64')}`

/** An event in the hub's structured form, as the contract writes it. */
const EVENT = {
  id: 'evt_6c1f0e2a',
  type: 'order.returned.v1',
  specversion: '1.0',
  source: '/shopify/demo',
  subject: 'order/Ä 1001',
  time: '2026-11-22T10:00:00.000Z',
  datacontenttype: 'application/json',
  dataschema: 'http://localhost:3000/v1/schemas/order.returned.v1.json',
  recordedat: '2026-11-22T10:00:01.000Z',
  recordedAt: '2026-11-22T10:00:01.000Z',
  channel: 'shopify',
  account: 'demo',
  position: 42,
  data: { externalOrderId: '1001', returnId: 'r1', lines: [], refunded: null, note: 'ça va' },
}

function signed(body: string, opts: { secret?: string; at?: Date; id?: string } = {}) {
  const id = opts.id ?? EVENT.id
  const at = opts.at ?? new Date()
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(opts.secret ?? SECRET).sign(id, at, body),
  }
}

function structured(event: object = EVENT) {
  const body = JSON.stringify(event)
  return {
    body,
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8', ...signed(body) },
  }
}

/** The binding's header encoding: space, `"`, `%` and everything outside printable ASCII. */
function percentEncoded(value: string): string {
  return [...value]
    .map((c) => (/[\u0021\u0023-\u0024\u0026-\u007e]/.test(c) ? c : encodeURIComponent(c)))
    .join('')
}

function binary(overrides: Record<string, string> = {}): {
  body: string
  headers: Record<string, string>
} {
  const body = JSON.stringify(EVENT.data)
  // Every attribute but `datacontenttype` (the content type says it) and the deprecated alias.
  const ce: Record<string, string> = Object.fromEntries(
    Object.entries(EVENT)
      .filter(([name]) => !['datacontenttype', 'recordedAt', 'data'].includes(name))
      .map(([name, value]) => [`ce-${name}`, percentEncoded(String(value as string | number))]),
  )
  return {
    body,
    headers: { 'content-type': 'application/json', ...ce, ...signed(body), ...overrides },
  }
}

function rejection(fn: () => unknown): DeliveryVerificationError {
  try {
    fn()
  } catch (error) {
    if (error instanceof DeliveryVerificationError) return error
    throw error
  }
  throw new Error('the delivery was accepted')
}

describe('verifyDelivery', () => {
  it.each([
    ['a plain object with mixed-case names', (h: Record<string, string>) => upperCased(h)],
    ['a Headers instance', (h: Record<string, string>) => new Headers(h)],
    [
      "node:http's shape, a header repeated",
      (h: Record<string, string>) => ({ ...h, via: ['a', 'b'] }),
    ],
  ])('returns the event of a structured delivery, headers as %s', (_shape, shape) => {
    const { body, headers } = structured()
    expect(verifyDelivery({ secret: SECRET, headers: shape(headers), body })).toEqual(EVENT)
  })

  it.each([
    ['a plain object', (h: Record<string, string>) => h],
    ['a Headers instance', (h: Record<string, string>) => new Headers(h)],
  ])('rebuilds the event of a binary delivery from ce-* headers, as %s', (_shape, shape) => {
    const { body, headers } = binary()
    expect(headers['ce-subject']).toBe('order/%C3%84%201001') // the encoding is exercised
    expect(verifyDelivery({ secret: SECRET, headers: shape(headers), body })).toEqual(EVENT)
  })

  it('refuses a body changed after signing', () => {
    const { body, headers } = structured()
    const tampered = body.replace('"returnId":"r1"', '"returnId":"r2"')
    expect(
      rejection(() => verifyDelivery({ secret: SECRET, headers, body: tampered })),
    ).toMatchObject({ reason: 'bad-signature' })
  })

  it('refuses a delivery signed with another secret', () => {
    const body = JSON.stringify(EVENT)
    const other = `whsec_${randomBytes(32).toString('base64')}`
    const headers = signed(body, { secret: other })
    expect(rejection(() => verifyDelivery({ secret: SECRET, headers, body }))).toMatchObject({
      reason: 'bad-signature',
    })
  })

  it('refuses a delivery whose timestamp is older than five minutes (a replay)', () => {
    const body = JSON.stringify(EVENT)
    const headers = signed(body, { at: new Date(Date.now() - 6 * 60_000) })
    expect(rejection(() => verifyDelivery({ secret: SECRET, headers, body }))).toMatchObject({
      reason: 'stale-timestamp',
      message: expect.stringMatching(/more than 300 s from now/),
    })
  })

  it('refuses a delivery without the signature headers', () => {
    const { body, headers } = structured()
    const { 'webhook-signature': _, ...unsigned } = headers
    expect(
      rejection(() => verifyDelivery({ secret: SECRET, headers: unsigned, body })),
    ).toMatchObject({ reason: 'missing-headers' })
  })

  it.each([
    ['JSON that is no event', { hello: 'world' }, /not a JSON object|id: not a non-empty string/],
    [
      'an unknown event type',
      { ...EVENT, type: 'order.teleported.v1' },
      /type: "order.teleported.v1"/,
    ],
    ['no position', { ...EVENT, position: undefined }, /position: not a positive integer/],
    ['data that is no object', { ...EVENT, data: [1] }, /data: not a JSON object/],
  ])('refuses a correctly signed body that is %s, naming the problem', (_what, event, why) => {
    const { body, headers } = structured(event)
    expect(rejection(() => verifyDelivery({ secret: SECRET, headers, body }))).toMatchObject({
      reason: 'not-a-hub-event',
      message: expect.stringMatching(why),
    })
  })

  it('refuses an event whose id is not the signed webhook-id', () => {
    const body = JSON.stringify(EVENT)
    const headers = signed(body, { id: 'evt_other' })
    expect(rejection(() => verifyDelivery({ secret: SECRET, headers, body }))).toMatchObject({
      reason: 'not-a-hub-event',
      message: expect.stringMatching(/evt_6c1f0e2a is not the signed webhook-id evt_other/),
    })
  })

  it.each([
    ['a ce-id other than the signed webhook-id', { 'ce-id': 'evt_other' }, /signed webhook-id/],
    ['a content type other than JSON', { 'content-type': 'text/plain' }, /text\/plain/],
    ['a malformed percent-encoding', { 'ce-subject': 'order/%E0%A4%A' }, /ce-subject/],
    ['a ce-position that is no position', { 'ce-position': '4x' }, /ce-position "4x"/],
  ])('refuses a binary delivery with %s', (_what, overrides, why) => {
    const { body, headers } = binary(overrides)
    expect(rejection(() => verifyDelivery({ secret: SECRET, headers, body }))).toMatchObject({
      reason: 'not-a-hub-event',
      message: expect.stringMatching(why),
    })
  })
})

function upperCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name.replace(/(^|-)\w/g, (c) => c.toUpperCase()),
      value,
    ]),
  )
}
