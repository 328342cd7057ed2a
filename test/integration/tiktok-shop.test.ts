// De-risks TikTok Shop end to end on real Postgres, Redis, workers and sockets, with the TikTok
// emulator (src/sandbox/tiktok-shop/) behind msw as TikTok's Open API: a type 1 webhook becomes a
// complete order.created.v1 at a subscriber; the answer is never 401 for a fault of ours (TikTok
// stops retrying after a 401); an Order API outage or rate limit delays the order but loses
// nothing; a deauthorized shop shows in /readyz.
import { sql } from 'kysely'
import { describe, expect, it, vi } from 'vitest'
import { tiktokShop, TikTokShopCredentials } from '../../connectors/tiktok-shop/index.js'
import { closeDeps, createDeps } from '../../src/deps.js'
import type { HubEvent } from '../../src/events/index.js'
import { createApp } from '../../src/http/app.js'
import { tiktokShopEmulator } from '../../src/sandbox/tiktok-shop/index.js'
import { webhookHeaders } from '../../src/sandbox/tiktok-shop/sign.js'
import { useEmulatorOverMsw } from '../helpers/emulator-msw.js'
import { fetchTransport } from '../helpers/fetch-transport.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { eventAbout, useReceiver } from '../helpers/receiver.js'
import { subscribe } from '../helpers/subscriptions.js'
import { withTimestamp } from '../helpers/tiktok-shop-webhooks.js'

/** TikTok's own host: msw hands every call to it to the emulator. */
const API = 'https://open-api.tiktokglobalshop.com'
const ORDERS_PATH = '/order/202309/orders'
// The sandbox app the emulator knows.
const APP = tiktokShop.sandboxCredentials('http://unused.invalid')
const APP_SECRET = APP.appSecrets[0]!

const emulator = useEmulatorOverMsw(tiktokShopEmulator, { bases: [API] })

const hub = useTestHub({
  listen: true,
  workers: true,
  transport: fetchTransport(),
  // Three attempts: enough for the outage test to recover, few enough that a rate limit which
  // spent attempts would fail its message.
  env: { NORMALIZE_MAX_ATTEMPTS: '3', INGRESS_DEADLINE_MS: '1000' },
  accounts: [
    {
      channel: 'tiktok-shop',
      id: 'shop-a',
      credentials: TikTokShopCredentials.parse({
        ...APP,
        apiBaseUrl: API,
        // The shop the recorded fixtures come from.
        shopId: '7494049642642441621',
      }),
    },
  ],
})
const receiver = useReceiver()

let serial = 0
/**
 * The fixture as a new delivery: a fresh notification id and timestamp, and, for order types, a
 * new order id whose record the emulated shop holds.
 */
function delivery(name: string) {
  const fx = loadFixture('tiktok-shop', name)
  serial += 1
  const parsed = JSON.parse(fx.body) as { tts_notification_id: string; data: { order_id?: string } }
  let body = withTimestamp(fx.body, Math.floor(Date.now() / 1000))
  body = body.replace(parsed.tts_notification_id, `99000000000000${serial}`)
  const oldOrderId = parsed.data.order_id
  const orderId = oldOrderId ? `5800000000000${serial}` : undefined
  if (oldOrderId && orderId) {
    body = body.split(oldOrderId).join(orderId)
    const record = fx.hydrated?.[`order:${oldOrderId}`]
    if (!record) throw new Error(`${name} has no hydrated order record`)
    emulator.state.orders.set(orderId, { ...record, id: orderId })
  }
  return { fx, body, orderId }
}

function post(body: string, app = { url: hub.url }) {
  return fetch(`${app.url}/webhooks/tiktok-shop/shop-a`, {
    method: 'POST',
    headers: webhookHeaders(body, APP.appKey, APP_SECRET),
    body,
  })
}

async function eventsOf(subject: string): Promise<HubEvent[]> {
  const res = await hub.app.request('/v1/events?after=0&limit=1000', { headers: ADMIN })
  const page = (await res.json()) as { events: HubEvent[] }
  return page.events.filter((e) => e.subject === subject)
}

async function inboxStatus(orderId: string): Promise<string[]> {
  const rows = await hub.deps.db
    .selectFrom('inbox_message')
    .select(['status', 'raw_body'])
    .where('channel', '=', 'tiktok-shop')
    .execute()
  return rows.filter((r) => r.raw_body.toString().includes(orderId)).map((r) => r.status)
}

const ordersCalls = () => emulator.state.requests.filter((c) => c.path === ORDERS_PATH)
const idsAsked = () => ordersCalls().map((c) => new URLSearchParams(c.rawQuery).get('ids'))

describe('TikTok Shop ORDER_STATUS_CHANGE, end to end', () => {
  it('arrives at the subscriber as a complete order.created.v1, hydrated from the Order API', async () => {
    await subscribe(hub.app, receiver.url, ['order.*'])
    const { body, orderId } = delivery('ORDER_STATUS_CHANGE/awaiting-shipment')

    const res = await post(body)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('') // TikTok documents "200 with an empty body"

    const event = await eventAbout(receiver, `order/${orderId}`)
    expect(event).toMatchObject({
      type: 'order.created.v1',
      source: '/tiktok-shop/shop-a',
      subject: `order/${orderId}`,
    })
    if (event.type !== 'order.created.v1') throw new Error('unreachable')
    const { order } = event.data
    expect(order.externalId).toBe(orderId)
    expect(order.status).toBe('awaiting_fulfillment')
    expect(order.lines.length).toBeGreaterThan(0)
    expect(order.totals.total.amountMinor).toBeGreaterThan(0)
    // The lines and money came from the Order API, which was asked with a signed request: the
    // emulator checks every signature, and refused none.
    expect(idsAsked().filter((ids) => ids === orderId)).toEqual([orderId])
    expect(emulator.state.stats.rejected).toBe(0)
  })
})

describe('when a dependency fails, TikTok never gets a 401', () => {
  it('answers 503 with an empty body while Postgres cannot be reached', async () => {
    const config = {
      ...hub.config,
      db: { ...hub.config.db, url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 500 },
    }
    const deps = createDeps(config, { log: hub.deps.log })
    try {
      const { body } = delivery('ORDER_STATUS_CHANGE/awaiting-shipment')
      const res = await createApp(deps).request('/webhooks/tiktok-shop/shop-a', {
        method: 'POST',
        headers: webhookHeaders(body, APP.appKey, APP_SECRET),
        body,
      })
      expect(res.status).toBe(503)
      expect(await res.text()).toBe('')
    } finally {
      await closeDeps(deps)
    }
  })

  it('answers 503 in time when storing is slow, and the retry finds the late row', async () => {
    const { body } = delivery('SELLER_DEAUTHORIZATION/basic')
    // Another session holds the inbox so inserts wait, as under a stuck or overloaded Postgres.
    const blocker = await hub.deps.workDb.connection().execute(async (conn) => {
      await sql`begin`.execute(conn)
      await sql`lock table inbox_message in exclusive mode`.execute(conn)
      try {
        // Without the deadline this request would wait for the lock, which is released only after
        // it answers: the 503 is the deadline at work.
        const res = await post(body)
        expect(res.status).toBe(503) // never 401, and never 200 before the row is stored
      } finally {
        await sql`commit`.execute(conn)
      }
      return true
    })
    expect(blocker).toBe(true)
    // The insert went through once the lock was released; TikTok's retry is a duplicate.
    await vi.waitFor(async () => expect(await post(body).then((r) => r.status)).toBe(200))
    const stored = await hub.deps.db
      .selectFrom('inbox_message')
      .select('id')
      .where('raw_body', '=', Buffer.from(body))
      .execute()
    expect(stored).toHaveLength(1)
  })

  it('accepts while the Order API is failing; the order arrives once it recovers', async () => {
    emulator.state.faults.add({
      method: 'GET',
      path: ORDERS_PATH,
      times: 2,
      answer: () => Response.json({ code: 36009003, message: 'Internal error' }, { status: 500 }),
    })
    const failures = () => ordersCalls().filter((c) => c.faulted).length
    const { body, orderId } = delivery('ORDER_STATUS_CHANGE/awaiting-shipment')
    expect((await post(body)).status).toBe(200)

    await vi.waitFor(() => expect(failures()).toBe(2), { timeout: 10_000, interval: 20 })
    expect(await inboxStatus(orderId!)).toEqual(['received']) // retrying, not given up
    await vi.waitFor(
      async () =>
        expect(await eventsOf(`order/${orderId}`)).toMatchObject([{ type: 'order.created.v1' }]),
      { timeout: 15_000, interval: 100 },
    )
    expect(await inboxStatus(orderId!)).toEqual(['normalized'])
  })

  it('waits out a rate limit without spending attempts', async () => {
    // A storm of 429s asking for no wait: TikTok's own 429s name none (the client then waits 1 s).
    emulator.state.faults.add({
      method: 'GET',
      path: ORDERS_PATH,
      times: 4,
      answer: () =>
        Response.json(
          { code: 36009002, message: 'Too many requests' },
          { status: 429, headers: { 'retry-after': '0' } },
        ),
    })
    const limited = () => ordersCalls().filter((c) => c.faulted).length
    const { body, orderId } = delivery('ORDER_STATUS_CHANGE/awaiting-shipment')
    expect((await post(body)).status).toBe(200)
    // Four 429s against three attempts: had each spent one, the message would have failed.
    await vi.waitFor(async () => expect(await inboxStatus(orderId!)).toEqual(['normalized']), {
      timeout: 15_000,
      interval: 100,
    })
    expect(limited()).toBe(4)
    // The feed lists an event once the relay has given it a position, a moment after the commit.
    await vi.waitFor(
      async () =>
        expect(await eventsOf(`order/${orderId}`)).toMatchObject([{ type: 'order.created.v1' }]),
      { timeout: 5_000, interval: 50 },
    )
  })

  it('marks the message failed at once when TikTok refuses the request itself', async () => {
    emulator.state.faults.add({
      method: 'GET',
      path: ORDERS_PATH,
      times: Infinity,
      answer: () => Response.json({ code: 21011001, message: 'order not exist' }),
    })
    const { body, orderId } = delivery('ORDER_STATUS_CHANGE/awaiting-shipment')
    expect((await post(body)).status).toBe(200)
    await vi.waitFor(async () => expect(await inboxStatus(orderId!)).toEqual(['failed']), {
      timeout: 10_000,
      interval: 50,
    })
    const row = await hub.deps.db
      .selectFrom('inbox_message')
      .select('outcome')
      .where('topic', '=', 'ORDER_STATUS_CHANGE')
      .where('status', '=', 'failed')
      .executeTakeFirstOrThrow()
    expect(row.outcome).toEqual({
      reason: expect.stringMatching(/hydration failed \(permanent\).*21011001/),
    })
    expect(await eventsOf(`order/${orderId}`)).toEqual([])
  })
})

describe('other TikTok Shop webhooks', () => {
  it('a seller deauthorization shows in /readyz until the credentials work again', async () => {
    const { body } = delivery('SELLER_DEAUTHORIZATION/basic')
    expect((await post(body)).status).toBe(200)
    await vi.waitFor(
      async () => {
        const ready = await hub.app.request('/readyz')
        expect(ready.status).toBe(200) // one shop's lapsed access must not stop intake for others
        expect(await ready.json()).toMatchObject({
          accounts: [
            { channel: 'tiktok-shop', account: 'shop-a', alert: 'needs re-authorization' },
          ],
        })
      },
      { timeout: 10_000, interval: 50 },
    )

    // The seller authorizes again; the next order is hydrated with working credentials.
    const order = delivery('ORDER_STATUS_CHANGE/awaiting-shipment')
    expect((await post(order.body)).status).toBe(200)
    await vi.waitFor(
      async () =>
        expect(await (await hub.app.request('/readyz')).json()).toMatchObject({ accounts: [] }),
      { timeout: 10_000, interval: 50 },
    )
  })

  it('an inventory status change is published as inventory.reported.v1; the hub’s own product edits are not', async () => {
    const stock = delivery('INVENTORY_STATUS_CHANGE/low-stock')
    const ownEdit = delivery('PRODUCT_INFORMATION_CHANGE/open-api')
    expect((await post(stock.body)).status).toBe(200)
    expect((await post(ownEdit.body)).status).toBe(200)
    await vi.waitFor(
      async () => {
        const statuses = await hub.deps.db
          .selectFrom('inbox_message')
          .select(['topic', 'status'])
          .where('topic', 'in', ['INVENTORY_STATUS_CHANGE', 'PRODUCT_INFORMATION_CHANGE'])
          .orderBy('id')
          .execute()
        expect(statuses).toEqual([
          { topic: 'INVENTORY_STATUS_CHANGE', status: 'normalized' },
          { topic: 'PRODUCT_INFORMATION_CHANGE', status: 'ignored' },
        ])
      },
      { timeout: 10_000, interval: 50 },
    )
    const res = await hub.app.request('/v1/events?after=0&types=inventory.*,listing.*', {
      headers: ADMIN,
    })
    const { events } = (await res.json()) as { events: HubEvent[] }
    expect(events.map((e) => e.type)).toEqual(['inventory.reported.v1'])
  })
})
