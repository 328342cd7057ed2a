// De-risks Walmart end to end on real Postgres, Redis, workers and sockets, with the Walmart
// emulator (src/sandbox/walmart/, reached through msw) as Walmart's token and Orders APIs: a
// PO_CREATED posted to the listening hub is hydrated from the Orders API and reaches a subscriber
// as a complete order.created.v1; a signed performance webhook verifies against the path the hub
// really received.
import { vi, describe, expect, it } from 'vitest'
import { walmart, WalmartCredentials } from '../../connectors/walmart/index.js'
import type { HubEvent } from '../../src/events/index.js'
import { walmartEmulator } from '../../src/sandbox/walmart/index.js'
import { basicAuthHeader, walmartSignedHeaders } from '../../src/sandbox/walmart/sign.js'
import { useEmulatorOverMsw } from '../helpers/emulator-msw.js'
import { fetchTransport } from '../helpers/fetch-transport.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { eventAbout, useReceiver } from '../helpers/receiver.js'
import { subscribe } from '../helpers/subscriptions.js'

const API = 'https://marketplace.walmart.test'
// The API client the emulator accepts: the connector's published sandbox one.
const { clientId, clientSecret } = walmart.sandboxCredentials(API)
const WEBHOOK_USER = { userName: 'walmart', password: 'it-webhook-password' }
const SIGNING_SECRET = 'it-signing-secret'

const emulator = useEmulatorOverMsw(walmartEmulator, { bases: [API] })

const hub = useTestHub({
  listen: true,
  workers: true,
  transport: fetchTransport(),
  accounts: [
    {
      channel: 'walmart',
      id: 'acme',
      credentials: WalmartCredentials.parse({
        webhookAuth: [
          { method: 'BASIC_AUTH', users: [WEBHOOK_USER] },
          { method: 'SIGNED', secrets: [{ secret: SIGNING_SECRET }] },
        ],
        partnerId: '10000682332',
        clientId,
        clientSecret,
        apiBaseUrl: API,
      }),
    },
  ],
})
const receiver = useReceiver()

describe('Walmart PO_CREATED, end to end', () => {
  it('arrives at the subscriber as a complete order.created.v1, hydrated from the Orders API', async () => {
    await subscribe(hub.app, receiver.url, ['order.*'])
    const fx = loadFixture('walmart', 'PO_CREATED/basic')
    for (const [key, record] of Object.entries(fx.hydrated ?? {})) {
      emulator.state.orders.set(key.replace(/^order:/, ''), record)
    }
    const purchaseOrderId = [...emulator.state.orders.keys()][0]!

    const res = await fetch(`${hub.url}/webhooks/walmart/acme`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuthHeader(WEBHOOK_USER.userName, WEBHOOK_USER.password),
      },
      body: fx.body,
    })
    expect(res.status).toBe(200)

    const event = await eventAbout(receiver, `order/${purchaseOrderId}`)
    expect(event).toMatchObject({
      type: 'order.created.v1',
      source: '/walmart/acme',
      subject: `order/${purchaseOrderId}`,
    })
    if (event.type !== 'order.created.v1') throw new Error('unreachable')
    const { order } = event.data
    expect(order.lines.map((l) => l.sku)).toEqual(['TSHIRT-BLK-M', 'MUG-CER-WHT'])
    expect(order.totals.total.amountMinor).toBeGreaterThan(0)
    expect(order.totals.total.currency).toBe('USD')

    // One token, then the order read with it and the headers Walmart requires, none refused.
    const { requests } = emulator.state
    const paths = requests.map((c) => `${c.method} ${c.path}`)
    expect(paths).toEqual(['POST /v3/token', `GET /v3/orders/${purchaseOrderId}`])
    expect(emulator.state.stats.rejected).toBe(0)
    const read = requests[1]!
    expect(read.headers['wm_sec.access_token']).toMatch(/.{20}/)
    expect(read.headers['wm_qos.correlation_id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(read.headers['wm_svc.name']).toBe('Walmart Marketplace')
  })

  it('verifies a signed performance webhook over the path and query the hub received', async () => {
    const fx = loadFixture('walmart', 'OFFER_UNPUBLISHED/basic')
    const url = `${hub.url}/webhooks/walmart/acme?source=perf`
    const headers = {
      'content-type': 'application/json',
      ...walmartSignedHeaders(fx.body, SIGNING_SECRET, { at: new Date(), url }),
    }
    expect((await fetch(url, { method: 'POST', headers, body: fx.body })).status).toBe(200)
    // The same signature presented for another query string is refused.
    const elsewhere = `${hub.url}/webhooks/walmart/acme?source=other`
    const refused = await fetch(elsewhere, { method: 'POST', headers, body: fx.body })
    expect(refused.status).toBe(401)

    await vi.waitFor(
      async () => {
        const res = await hub.app.request('/v1/events?after=0&types=listing.*', { headers: ADMIN })
        const { events } = (await res.json()) as { events: HubEvent[] }
        expect(events).toMatchObject([{ type: 'listing.status_changed.v1', channel: 'walmart' }])
      },
      { timeout: 10_000, interval: 50 },
    )
  })
})
