// De-risks the schemas every event points at and the feed's conformance: each event type's JSON
// Schema is served publicly at the URL its events' `dataschema` names, identical to the checked-in
// contract; an unknown type gets a 404 listing the real ones; and feed events, old envelopes
// included, are CloudEvents the official SDK accepts under strict validation (but for the
// deprecated `recordedAt`, which is why it goes away) and that validate against their schema.
import { readFileSync } from 'node:fs'
import { CloudEvent, ValidationError } from 'cloudevents'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { EVENT_TYPES, type HubEvent } from '../../src/events/index.js'
import { EVENTS_SCHEMA_PATH } from '../../src/events/json-schema.js'
import { appendEvents } from '../../src/outbox/append.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { receiveAndNormalize, relayAll } from '../helpers/pipeline.js'
import { withBody } from '../helpers/shopify-webhooks.js'

const PUBLIC_URL = 'https://hub.example.com'
const hub = useTestHub({ env: { HUB_PUBLIC_URL: PUBLIC_URL } })

type JsonSchema = Record<string, unknown>

/** The checked-in contract's definition of each type, by type. */
const contract = new Map(
  (
    JSON.parse(readFileSync(EVENTS_SCHEMA_PATH, 'utf8')) as {
      oneOf: Array<{ properties: { type: { const: string } } }>
    }
  ).oneOf.map((definition) => [definition.properties.type.const, definition]),
)

describe('GET /v1/schemas/<type>.json', () => {
  it("serves every type's JSON Schema without a token, $id its own URL, as in the contract", async () => {
    for (const type of EVENT_TYPES) {
      const res = await hub.app.request(`/v1/schemas/${type}.json`)
      expect(res.status, type).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(res.headers.get('cache-control')).toBe('public, max-age=86400')
      const { $schema, $id, ...definition } = (await res.json()) as JsonSchema
      expect($schema).toBe('https://json-schema.org/draft/2020-12/schema')
      expect($id).toBe(`${PUBLIC_URL}/v1/schemas/${type}.json`)
      expect(definition).toEqual(contract.get(type))
    }
  })

  it('answers a request with the current ETag with 304', async () => {
    const first = await hub.app.request('/v1/schemas/order.created.v1.json')
    const etag = first.headers.get('etag')
    expect(etag).toBeTruthy()
    const again = await hub.app.request('/v1/schemas/order.created.v1.json', {
      headers: { 'if-none-match': etag! },
    })
    expect(again.status).toBe(304)
    const other = await hub.app.request('/v1/schemas/order.updated.v1.json', {
      headers: { 'if-none-match': etag! },
    })
    expect(other.status).toBe(200)
  })

  it('answers 404 naming the unknown type and listing the known ones', async () => {
    for (const [path, type] of [
      ['/v1/schemas/order.shipped.v1.json', 'order.shipped.v1'],
      ['/v1/schemas/order.created.v1', 'order.created.v1'],
    ] as const) {
      const res = await hub.app.request(path)
      expect(res.status, path).toBe(404)
      expect(await res.json()).toEqual({
        error: `no such event type: ${type}`,
        types: [...EVENT_TYPES],
      })
    }
  })

  it('opens only itself: the rest of /v1 still wants the admin token', async () => {
    expect((await hub.app.request('/v1/events')).status).toBe(401)
    expect((await hub.app.request('/v1/schemas/order.created.v1.json')).status).toBe(200)
  })
})

describe('feed events', () => {
  it('are CloudEvents the SDK accepts strictly, old envelopes included, and match their schema', async () => {
    const basic = loadFixture('shopify', 'orders-create/basic')
    const orderId = '7400000000001'
    await receiveAndNormalize(
      hub,
      withBody(basic, basic.body.replaceAll('5940139491234', orderId), `wh-${orderId}`),
    )
    // As envelopes were stored before recordedat and datacontenttype existed.
    const old: HubEvent = {
      id: `evt_old_${orderId}`,
      type: 'order.returned.v1',
      specversion: '1.0',
      source: '/shopify/demo',
      subject: `order/${orderId}`,
      time: '2026-11-22T10:00:00.000Z',
      recordedAt: '2026-11-22T10:00:01.000Z',
      channel: 'shopify',
      account: 'demo',
      data: { externalOrderId: orderId, returnId: 'r-1', lines: [], refunded: null, note: null },
    }
    await hub.deps.db.transaction().execute((trx) => appendEvents(trx, [old]))
    await relayAll(hub.deps)

    const res = await hub.app.request('/v1/events?after=0&limit=1000', { headers: ADMIN })
    const events = ((await res.json()) as { events: Array<Record<string, unknown>> }).events.filter(
      (e) => e.subject === `order/${orderId}`,
    )
    expect(events.map((e) => e.type)).toEqual(['order.created.v1', 'order.returned.v1'])
    for (const event of events) {
      expect(event).toMatchObject({
        datacontenttype: 'application/json',
        dataschema: `${PUBLIC_URL}/v1/schemas/${String(event.type)}.json`,
        recordedat: event.recordedAt,
        position: expect.any(Number),
      })
      // Strict validation refuses the deprecated camelCase alias, and nothing else.
      expect(() => new CloudEvent(event)).toThrow(ValidationError)
      expect(() => new CloudEvent(event)).toThrow(/invalid extension name: recordedAt/)
      const { recordedAt: _alias, ...conformant } = event
      expect(new CloudEvent(conformant).validate()).toBe(true)

      const served = await hub.app.request(`/v1/schemas/${String(event.type)}.json`)
      const schema = z.fromJSONSchema((await served.json()) as JsonSchema)
      expect(schema.safeParse(event).error).toBeUndefined()
    }
  })
})
