// De-risks the CloudEvents contract at the subscriber's end: a real delivery, in either content
// mode, is read by the official CloudEvents SDK with every attribute as the feed has it; its
// Standard Webhooks signature verifies over the exact body; it validates against the schema its
// `dataschema` names; and an event stored before `recordedat` and `datacontenttype` existed is
// delivered complete all the same. Real workers, a real subscriber endpoint.
import { randomUUID } from 'node:crypto'
import { HTTP, type CloudEvent } from 'cloudevents'
import { Webhook } from 'standardwebhooks'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { ContentMode, HubEvent } from '../../src/events/index.js'
import { appendEvents } from '../../src/outbox/append.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { useReceiver, type ReceivedRequest } from '../helpers/receiver.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { subscribe, type CreatedSubscription } from '../helpers/subscriptions.js'

// With a path, as behind a reverse proxy: dataschema is built on it whole.
const PUBLIC_URL = 'https://hub.example.com/hub'
const hub = useTestHub({ workers: true, env: { HUB_PUBLIC_URL: PUBLIC_URL } })
const receiver = useReceiver()
const basic = loadFixture('shopify', 'orders-create/basic')
const MODES: readonly ContentMode[] = ['structured', 'binary']

type WireEvent = Record<string, unknown> & { id: string; type: string; dataschema: string }

let subscriptions: Record<ContentMode, CreatedSubscription>
beforeAll(async () => {
  const [structured, binary] = await Promise.all(
    MODES.map((contentMode) =>
      subscribe(hub.app, `${receiver.url}?mode=${contentMode}`, ['order.*'], { contentMode }),
    ),
  )
  subscriptions = { structured: structured!, binary: binary! }
})

/** The feed's event about `subject`, once the relay has published it. */
async function feedEventAbout(subject: string): Promise<WireEvent> {
  return vi.waitFor(
    async () => {
      const res = await hub.app.request('/v1/events?after=0&limit=1000', { headers: ADMIN })
      const { events } = (await res.json()) as { events: WireEvent[] }
      const found = events.find((e) => e.subject === subject)
      if (!found) throw new Error(`no event about ${subject} in the feed yet`)
      return found
    },
    { timeout: 15_000, interval: 100 },
  )
}

/** The request the subscription of `mode` got for the event `id`. */
async function deliveredIn(mode: ContentMode, id: string): Promise<ReceivedRequest> {
  return vi.waitFor(
    () => {
      const found = receiver.received.find(
        (r) => r.path.endsWith(`?mode=${mode}`) && r.headers['webhook-id'] === id,
      )
      if (!found) throw new Error(`no ${mode} delivery of ${id} yet`)
      return found
    },
    { timeout: 15_000, interval: 50 },
  )
}

function plainHeaders(req: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
}

/** Every attribute of the wire envelope and `data`, as the SDK gives them back. */
function attributesRead(event: CloudEvent<unknown>) {
  return {
    id: event.id,
    type: event.type,
    specversion: event.specversion,
    source: event.source,
    subject: event.subject,
    time: event.time,
    datacontenttype: event.datacontenttype,
    dataschema: event.dataschema,
    recordedat: event.recordedat,
    channel: event.channel,
    account: event.account,
    // An Integer's canonical string in a binary-mode header, a JSON number in a structured body.
    position: Number(event.position),
    data: event.data,
  }
}

/** Checks both deliveries of `expected` (the feed's event): read, signed, typed as promised. */
async function expectDeliveredAsFeedShows(expected: WireEvent): Promise<void> {
  const { recordedAt: _alias, ...attributes } = expected
  for (const mode of MODES) {
    const req = await deliveredIn(mode, expected.id)
    const read = HTTP.toEvent({ headers: req.headers, body: req.body }) as CloudEvent<unknown>
    expect(attributesRead(read), mode).toEqual(attributes)
    // The signature covers the exact body, whatever the mode; a changed byte fails it.
    const verifier = new Webhook(subscriptions[mode].secret)
    expect(verifier.verify(req.body, plainHeaders(req))).toEqual(
      mode === 'structured' ? expected : expected.data,
    )
    expect(() => verifier.verify(`${req.body} `, plainHeaders(req))).toThrow()
  }

  const structured = await deliveredIn('structured', expected.id)
  expect(structured.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8')
  // The same bytes as the feed's event (which keeps the deprecated alias too).
  expect(structured.body).toBe(JSON.stringify(expected))

  const binary = await deliveredIn('binary', expected.id)
  expect(binary.headers['content-type']).toBe('application/json')
  expect(
    Object.keys(binary.headers)
      .filter((h) => h.startsWith('ce-'))
      .sort(),
  ).toEqual(
    [
      'ce-account',
      'ce-channel',
      'ce-dataschema',
      'ce-id',
      'ce-position',
      'ce-recordedat',
      'ce-source',
      'ce-specversion',
      'ce-subject',
      'ce-time',
      'ce-type',
    ].sort(),
  )
  // No attribute name the spec forbids: binary events pass the SDK's own validation.
  expect(
    (HTTP.toEvent({ headers: binary.headers, body: binary.body }) as CloudEvent).validate(),
  ).toBe(true)
}

describe('deliveries read by the CloudEvents SDK', () => {
  it('carry a new order in both content modes, every attribute intact, validating against its dataschema', async () => {
    const orderId = '7300000000001'
    const fx = withBody(basic, basic.body.replaceAll('5940139491234', orderId), `wh-${orderId}`)
    expect((await postShopify(hub.app, fx)).status).toBe(200)
    const expected = await feedEventAbout(`order/${orderId}`)
    expect(expected.dataschema).toBe(`${PUBLIC_URL}/v1/schemas/order.created.v1.json`)

    await expectDeliveredAsFeedShows(expected)
    const shown = await hub.app.request(`/v1/subscriptions/${subscriptions.binary.id}`, {
      headers: ADMIN,
    })
    expect(await shown.json()).toMatchObject({ contentMode: 'binary' })

    // The schema `dataschema` names, fetched where the hub serves it (no admin token).
    const res = await hub.app.request(expected.dataschema.slice(PUBLIC_URL.length))
    expect(res.status).toBe(200)
    const schema = z.fromJSONSchema((await res.json()) as Record<string, unknown>)
    const delivered = JSON.parse((await deliveredIn('structured', expected.id)).body) as WireEvent
    expect(schema.safeParse(delivered).error).toBeUndefined()
    expect(schema.safeParse({ ...delivered, position: String(delivered.position) }).success).toBe(
      false,
    )
  })

  it('complete an event stored before recordedat and datacontenttype existed', async () => {
    const n = randomUUID()
    // As toEvent wrote envelopes before this version: no recordedat, no datacontenttype.
    const old: HubEvent = {
      id: `evt_old_${n}`,
      type: 'order.returned.v1',
      specversion: '1.0',
      source: '/shopify/demo',
      subject: `order/old-${n}`,
      time: '2026-11-22T10:00:00.000Z',
      recordedAt: '2026-11-22T10:00:01.000Z',
      channel: 'shopify',
      account: 'demo',
      data: { externalOrderId: n, returnId: `r-${n}`, lines: [], refunded: null, note: null },
    }
    await hub.deps.db.transaction().execute((trx) => appendEvents(trx, [old]))
    const expected = await feedEventAbout(old.subject)
    expect(expected).toMatchObject({
      datacontenttype: 'application/json',
      dataschema: `${PUBLIC_URL}/v1/schemas/order.returned.v1.json`,
      recordedat: old.recordedAt,
      recordedAt: old.recordedAt,
    })

    await expectDeliveredAsFeedShows(expected)
  })
})
