// Removes the risk that order sync misses or mangles Walmart orders: the client's order list (order-list.ts) against the emulated marketplace over msw — pages followed to the end by nextCursor, the window and createdStartDate sent, an empty list read as such, records kept exactly as listed, every call through its API's gate, and each failure classified.
import { listPages, recordingGates } from '../../test/helpers/order-listing.js'
import { describe, expect, it } from 'vitest'
import { parseJsonBody } from '../../src/json.js'
import type { Fault } from '../../src/sandbox/faults.js'
import { walmartErrorEntry, type WalmartError } from '../../src/sandbox/walmart/admission.js'
import { walmartEmulator } from '../../src/sandbox/walmart/index.js'
import {
  clientContext,
  failure,
  itClassifiesAnswers,
  itRefusesUnusableAnswers,
  testClock,
  type CallUnderTest,
  type ClassificationCase,
} from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import type { OrderWindow, RateGates } from '../types.js'
import { createWalmartClient, DEFAULT_RATE_LIMIT_WAIT_MS, type WalmartClient } from './client.js'
import { WalmartCredentials } from './config.js'
import { walmart } from './index.js'
import { CREATED_DAYS_BACK, ORDERS_PER_PAGE } from './order-list.js'

const BASE = 'https://marketplace.walmart.test'
const START = new Date('2026-11-22T12:00:00Z')
const MINUTE = 60_000
const DAY = 86_400_000
const TOKEN = 'wm_sec.access_token'

const clock = testClock(START)
const emulator = useEmulatorOverMsw(walmartEmulator, { bases: [BASE], now: clock.now })

const { clientId, clientSecret } = walmart.sandboxCredentials(BASE)
const credentials = WalmartCredentials.parse({
  webhookAuth: [{ method: 'BASIC_AUTH', users: [{ userName: 'u', password: 'p' }] }],
  clientId,
  clientSecret,
  apiBaseUrl: BASE,
  rateLimitPerSecond: 1_000,
})

function setup(overrides: Partial<WalmartCredentials> = {}, gates?: RateGates): WalmartClient {
  emulator.state.stock.set('TEE', 10_000)
  const ctx = clientContext(clock)
  return createWalmartClient({ ...credentials, ...overrides }, gates ? { ...ctx, gates } : ctx)
}

/** Places an order of one TEE at `at`; its purchase order id. */
function place(at: Date): string {
  const placed = walmartEmulator.placeOrder(emulator.state, [{ sku: 'TEE', quantity: 1 }], at)
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

const at = (minutes: number) => new Date(START.getTime() - 60 * MINUTE + minutes * MINUTE)
const HOUR: OrderWindow = { from: at(0), to: START }

/** Every page of `window`, through the connector's listing, as order sync reads it. */
async function listAll(client: WalmartClient, window: OrderWindow) {
  const pages = await listPages(walmart.orders, client, window)
  return { pages: pages.map((p) => p.orders), orders: pages.flatMap((p) => p.orders) }
}

const listCalls = () => emulator.state.requests.filter((r) => r.path === '/v3/orders')

/** Adds a fault on the order list (not Get an order) to this test's marketplace. */
const inject = (fault: Fault) => emulator.state.faults.add({ path: /^\/v3\/orders$/, ...fault })

function walmartError(status: number, error: WalmartError): Response {
  return Response.json({ error: [walmartErrorEntry(error)] }, { status })
}

describe('listing', () => {
  it('follows nextCursor to the end: every order of the window once, oldest change first', async () => {
    const client = setup()
    const count = 2 * ORDERS_PER_PAGE + 50
    const placed = Array.from({ length: count }, (_, i) =>
      place(new Date(START.getTime() - (count - i) * 1000)),
    )
    const { pages, orders } = await listAll(client, HOUR)
    expect(pages.map((p) => p.length)).toEqual([ORDERS_PER_PAGE, ORDERS_PER_PAGE, 50])
    expect(orders.map((o) => o.id)).toEqual(placed)
    for (const order of orders) expect(order.record).toEqual(emulator.state.orders.get(order.id))

    // The next pages are /v3/orders with the cursor appended, exactly as Walmart gave it.
    const calls = listCalls()
    expect(calls).toHaveLength(3)
    expect(calls[1]!.rawQuery).toMatch(/^limit=200&hasMoreElements=true&soIndex=450&poIndex=200&/)
    expect(calls[2]!.rawQuery).toMatch(/&poIndex=400&/)
    expect(calls.every((c) => typeof c.headers[TOKEN] === 'string')).toBe(true)
  })

  it('asks for the window by modification time, and for orders created up to 179 days back', async () => {
    const client = setup()
    await listAll(client, HOUR)
    expect(Object.fromEntries(new URLSearchParams(listCalls()[0]!.rawQuery))).toEqual({
      createdStartDate: new Date(START.getTime() - CREATED_DAYS_BACK * DAY).toISOString(),
      lastModifiedStartDate: HOUR.from.toISOString(),
      lastModifiedEndDate: HOUR.to.toISOString(),
      limit: '200',
    })
  })

  it('lists only the orders modified within the window, a cancellation by its own time, an old order too', async () => {
    const client = setup()
    // Placed a month ago: Walmart's default (7 days of creation) would leave it out.
    const old = place(new Date(START.getTime() - 30 * DAY))
    const [a, b, c] = [place(at(0)), place(at(10)), place(at(20))]
    walmartEmulator.cancelOrder(emulator.state, a, at(15)) // into the window
    walmartEmulator.cancelOrder(emulator.state, c, at(40)) // out of it
    walmartEmulator.cancelOrder(emulator.state, old, at(25))
    const { orders } = await listAll(client, { from: at(5), to: at(30) })
    expect(orders.map((o) => o.id)).toEqual([b, a, old])
    expect(orders.map((o) => o.updatedAt)).toEqual(
      [at(10), at(15), at(25)].map((t) => t.toISOString()),
    )
  })

  it('reads Walmart’s 404 for no order at all as an empty last page', async () => {
    const client = setup()
    place(at(0))
    expect(await walmart.orders.list(client, { from: at(30), to: START }, undefined)).toEqual({
      orders: [],
    })
    expect(listCalls()).toHaveLength(1)
  })

  it('keeps the record exactly as listed, numbers beyond 2^53 as their digits', async () => {
    const client = setup()
    const text =
      '{"list":{"meta":{"totalCount":1,"limit":200,"nextCursor":null},"elements":{"order":[{"purchaseOrderId":"1796277083022","orderDate":1763800000000,"orderLines":{"orderLine":[{"lineNumber":"1","statusDate":1763800100000}]},"shipNode":{"id":79897837271126017}}]}}}'
    inject({
      answer: () => new Response(text, { headers: { 'content-type': 'application/json' } }),
    })
    const { orders } = await listAll(client, HOUR)
    const parsed = parseJsonBody(text) as { list: { elements: { order: unknown[] } } }
    expect(orders).toEqual([
      {
        id: '1796277083022',
        updatedAt: new Date(1763800100000).toISOString(),
        record: parsed.list.elements.order[0],
      },
    ])
    expect(orders[0]!.record).toMatchObject({ shipNode: { id: '79897837271126017' } })
  })

  it('asks nothing for an empty window, and refuses unsent a bad window or a cursor that is no query string', async () => {
    const client = setup()
    expect(await client.listOrders({ from: START, to: START }, undefined)).toEqual({ orders: [] })
    for (const call of [
      () => client.listOrders({ from: START, to: at(0) }, undefined),
      () => client.listOrders({ from: at(0), to: new Date(NaN) }, undefined),
      () => client.listOrders(HOUR, '/v3/items'),
      () => client.listOrders(HOUR, 'https://elsewhere.example/v3/orders?limit=1'),
      () => client.listOrders(HOUR, '?limit=1#fragment'),
      () => client.listOrders(HOUR, '?limit=1 &x=2'),
    ]) {
      const err = await failure(call())
      expect(err.kind).toBe('permanent')
      expect(err.message).toContain('not sent')
    }
    expect(emulator.state.requests).toHaveLength(0)
  })

  it('refuses a listed order without its times, naming it, and stops at an empty page with a cursor', async () => {
    const client = setup()
    inject({
      answer: () =>
        Response.json({
          list: { meta: {}, elements: { order: [{ purchaseOrderId: '42', orderLines: {} }] } },
        }),
    })
    const err = await failure(client.listOrders(HOUR, undefined))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('list.elements.order.0 (purchase order 42): orderDate')
    inject({
      answer: () =>
        Response.json({ list: { meta: { nextCursor: '?limit=1' }, elements: { order: [] } } }),
    })
    expect(await client.listOrders(HOUR, undefined)).toEqual({ orders: [] })
  })
})

describe('rate limits', () => {
  it('takes every call from its API’s gate, at the account’s pace, apart from the token’s', async () => {
    const { gates, seen } = recordingGates()
    const client = setup({ rateLimitPerSecond: 5 }, gates)
    Array.from({ length: ORDERS_PER_PAGE + 1 }, (_, i) =>
      place(new Date(START.getTime() - (i + 1) * 1000)),
    )
    await listAll(client, HOUR)
    expect(seen.plans).toEqual([
      ['POST /v3/token', { perSecond: 5, burst: 5 }],
      ['GET /v3/orders', { perSecond: 5, burst: 5 }],
    ])
    expect(seen.taken.filter((t) => t.startsWith('GET /v3/orders'))).toEqual([
      'GET /v3/orders: Walmart list orders modified 2026-11-22T11:00:00.000Z to 2026-11-22T12:00:00.000Z',
      'GET /v3/orders: Walmart list the next page of orders',
    ])
  })

  it('the marketplace’s 429 is rate-limited', async () => {
    const client = setup()
    await client.listOrders(HOUR, undefined) // the token first
    emulator.state.throttleNext = 1
    const err = await failure(client.listOrders(HOUR, undefined))
    expect([err.kind, err.details.status, err.details.retryAfterMs]).toEqual([
      'rate-limited',
      429,
      DEFAULT_RATE_LIMIT_WAIT_MS,
    ])
  })
})

describe('error classification', () => {
  const target: CallUnderTest<WalmartClient> = {
    setup: (overrides) => setup(overrides),
    call: (client) => client.listOrders(HOUR, undefined),
    inject,
  }
  const cases: ClassificationCase[] = [
    {
      name: '400 refusing a parameter',
      reply: () =>
        walmartError(400, {
          code: 'INVALID_REQUEST_PARAM.GMP_ORDER_API',
          field: 'limit',
          description: 'limit cannot be larger than 200',
        }),
      kind: 'permanent',
      code: 'INVALID_REQUEST_PARAM.GMP_ORDER_API',
      says: 'limit cannot be larger than 200',
    },
    {
      name: '404 URI_NOT_FOUND (a wrong base URL), unlike no order',
      reply: () => walmartError(404, { code: 'URI_NOT_FOUND.GMP_GATEWAY_API' }),
      kind: 'permanent',
      code: 'URI_NOT_FOUND.GMP_GATEWAY_API',
    },
    {
      name: '403 (no access to orders)',
      reply: () => walmartError(403, { code: 'FORBIDDEN.GMP_GATEWAY_API' }),
      kind: 'unauthorized',
    },
    {
      name: '429 with Retry-After',
      reply: () =>
        Response.json(
          { error: [walmartErrorEntry({ code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API' })] },
          { status: 429, headers: { 'retry-after': '7' } },
        ),
      kind: 'rate-limited',
      retryAfterMs: 7_000,
    },
    {
      name: '500 SYSTEM_ERROR',
      reply: () => walmartError(500, { code: 'SYSTEM_ERROR.GMP_ORDER_API' }),
      kind: 'transient',
    },
    {
      name: '503 from before the gateway',
      reply: () => new Response('', { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'a 200 that is not JSON',
      reply: () => new Response('<html>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'a 200 without a list',
      reply: () => Response.json({ elements: [] }),
      kind: 'permanent',
      says: 'no `list` object',
    },
    {
      name: 'a nextCursor that is no query string',
      reply: () =>
        Response.json({ list: { meta: { nextCursor: '/v3/items' }, elements: { order: [] } } }),
      kind: 'permanent',
      says: 'nextCursor',
    },
  ]
  itClassifiesAnswers(target, cases, (err) => {
    expect(err.message).toMatch(/^Walmart list orders modified .* \(GET \/v3\/orders\)/)
    expect(err.message).not.toContain(clientSecret)
  })
  itRefusesUnusableAnswers(target, (filler) => `{"list":{"x":"${filler}"}}`)
})
