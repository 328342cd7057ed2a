// Removes the risk that order sync misses or mangles Shopify orders: the client's order list (order-list.ts, rest-call.ts) against the emulated store over msw — pages followed to the end, the window sent as Shopify reads it, records kept exactly as listed, every call through the REST gate, and each failure classified.
import { listPages, recordingGates } from '../../test/helpers/order-listing.js'
import { describe, expect, it } from 'vitest'
import { parseJsonBody } from '../../src/json.js'
import type { Fault } from '../../src/sandbox/faults.js'
import { INVALID_TOKEN_BODY, REST_THROTTLED_BODY } from '../../src/sandbox/shopify/admission.js'
import { shopifyEmulator } from '../../src/sandbox/shopify/index.js'
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
import { createShopifyClient, DEFAULT_RATE_LIMIT_WAIT_MS, type ShopifyClient } from './client.js'
import { ShopifyCredentials } from './config.js'
import { shopify } from './index.js'
import { ORDERS_PER_PAGE } from './order-list.js'
import { REST_BUCKET, REST_PLAN } from './rest-call.js'

const SANDBOX = shopify.sandboxCredentials('')
const TOKEN = SANDBOX.accessToken
const RESOURCE = '/admin/api/2026-10/orders.json'
const START = new Date('2026-11-22T12:00:00Z')
const MINUTE = 60_000

const clock = testClock(START)
const emulator = useEmulatorOverMsw(shopifyEmulator, {
  bases: [`https://${SANDBOX.shopDomain}`],
  now: clock.now,
})

// No apiBaseUrl: the client derives the REST base from the shop domain.
const credentials = ShopifyCredentials.parse({
  webhookSecrets: SANDBOX.webhookSecrets,
  shopDomain: SANDBOX.shopDomain,
  accessToken: TOKEN,
})

function setup(overrides: Partial<ShopifyCredentials> = {}, gates?: RateGates): ShopifyClient {
  emulator.state.stock.set('TEE', 10_000)
  const ctx = clientContext(clock)
  return createShopifyClient({ ...credentials, ...overrides }, gates ? { ...ctx, gates } : ctx)
}

/** Places an order of one TEE at `at`; its id. */
function place(at: Date): string {
  const placed = shopifyEmulator.placeOrder(emulator.state, [{ sku: 'TEE', quantity: 1 }], at)
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

const at = (minutes: number) => new Date(START.getTime() - 60 * MINUTE + minutes * MINUTE)
const HOUR: OrderWindow = { from: at(0), to: START }

/** Every page of `window`, through the connector's listing, as order sync reads it. */
async function listAll(client: ShopifyClient, window: OrderWindow) {
  const pages = await listPages(shopify.orders, client, window)
  return { pages: pages.map((p) => p.orders), orders: pages.flatMap((p) => p.orders) }
}

/** The queries the store received, decoded. */
const queries = () =>
  emulator.state.requests.map((r) => Object.fromEntries(new URLSearchParams(r.rawQuery)))

describe('listing', () => {
  it('follows the pages to the end: every order of the window once, oldest first', async () => {
    const client = setup()
    const placed = Array.from({ length: ORDERS_PER_PAGE + 10 }, (_, i) =>
      place(new Date(START.getTime() - (ORDERS_PER_PAGE + 10 - i) * 1000)),
    )
    const { pages, orders } = await listAll(client, HOUR)
    expect(pages.map((p) => p.length)).toEqual([ORDERS_PER_PAGE, 10])
    expect(orders.map((o) => o.id)).toEqual(placed)
    const times = orders.map((o) => Date.parse(o.updatedAt))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    for (const order of orders) {
      const record = emulator.state.orders.get(order.id) as { updated_at: string }
      expect(order.record).toEqual(record)
      expect(order.updatedAt).toBe(new Date(record.updated_at).toISOString())
    }
    // The first page asks for every status, oldest update first; the next one only for its page.
    const [first, second] = queries()
    expect(first).toEqual({
      status: 'any',
      updated_at_min: '2026-11-22T11:00:00+00:00',
      updated_at_max: '2026-11-22T12:00:00+00:00',
      limit: '250',
      order: 'updated_at asc',
    })
    expect(Object.keys(second!).sort()).toEqual(['limit', 'page_info'])
    expect(emulator.state.requests.map((r) => r.path)).toEqual([RESOURCE, RESOURCE])
    expect(emulator.state.requests[0]!.headers['x-shopify-access-token']).toBe(TOKEN)
  })

  it('lists only the orders last updated within the window, a cancellation by its own time', async () => {
    const client = setup()
    const [a, b, c] = [place(at(0)), place(at(10)), place(at(20))]
    shopifyEmulator.cancelOrder(emulator.state, a, at(15)) // into the window
    shopifyEmulator.cancelOrder(emulator.state, c, at(40)) // out of it
    const window = { from: at(5), to: at(30) }
    const { orders } = await listAll(client, window)
    expect(orders.map((o) => o.id)).toEqual([b, a])
    expect(orders.map((o) => o.updatedAt)).toEqual([at(10), at(15)].map((t) => t.toISOString()))
    expect(orders[1]!.record).toMatchObject({ cancelled_at: '2026-11-22T11:15:00+00:00' })
  })

  it('sends the window’s bounds to the second, floored, so no instant of it falls between two windows', async () => {
    const client = setup()
    const b = place(new Date('2026-11-22T11:30:05Z'))
    const from = new Date('2026-11-22T11:00:00.700Z')
    const middle = new Date('2026-11-22T11:30:05.300Z')
    const first = await listAll(client, { from, to: middle })
    const second = await listAll(client, { from: middle, to: START })
    expect(queries().map((q) => [q.updated_at_min, q.updated_at_max])).toEqual([
      ['2026-11-22T11:00:00+00:00', '2026-11-22T11:30:05+00:00'],
      ['2026-11-22T11:30:05+00:00', '2026-11-22T12:00:00+00:00'],
    ])
    // Stamped 11:30:05, it may have changed at 11:30:05.2 or .8: both windows list it.
    expect([...first.orders, ...second.orders].map((o) => o.id)).toEqual([b, b])
  })

  it('keeps the record exactly as listed, ids beyond 2^53 as their digits', async () => {
    const client = setup()
    const text =
      '{"orders":[{"id":9007199254740993123,"updated_at":"2026-11-22T06:30:00-05:00","line_items":[{"id":9007199254740993999,"price":"1.10"}]}]}'
    inject({
      answer: () => new Response(text, { headers: { 'content-type': 'application/json' } }),
    })
    const { orders } = await listAll(client, HOUR)
    expect(orders).toEqual([
      {
        id: '9007199254740993123',
        updatedAt: '2026-11-22T11:30:00.000Z',
        record: (parseJsonBody(text) as { orders: unknown[] }).orders[0],
      },
    ])
    expect((orders[0]!.record as { id: unknown }).id).toBe('9007199254740993123')
  })

  it('asks nothing for an empty window, and refuses unsent a window ending before it begins or a cursor that is no page_info', async () => {
    const client = setup()
    expect(await shopify.orders.list(client, { from: START, to: START }, undefined)).toEqual({
      orders: [],
    })
    for (const call of [
      () => client.listOrders({ from: START, to: at(0) }, undefined),
      () => client.listOrders({ from: new Date(NaN), to: START }, undefined),
      () => client.listOrders(HOUR, 'two words'),
      () => client.listOrders(HOUR, ''),
    ]) {
      const err = await failure(call())
      expect(err.kind).toBe('permanent')
      expect(err.message).toContain('not sent')
    }
    expect(emulator.state.requests).toHaveLength(0)
  })

  it('refuses a listed order without updated_at, naming it, and a next link without page_info', async () => {
    const client = setup()
    inject({ answer: () => Response.json({ orders: [{ id: 42, updated_at: 'soon' }] }) })
    const missing = await failure(client.listOrders(HOUR, undefined))
    expect(missing.kind).toBe('permanent')
    expect(missing.message).toContain('orders.0 (order 42): updated_at')
    inject({
      answer: () =>
        Response.json(
          { orders: [] },
          { headers: { link: `<https://${SANDBOX.shopDomain}${RESOURCE}?limit=250>; rel="next"` } },
        ),
    })
    const link = await failure(client.listOrders(HOUR, undefined))
    expect(link.message).toContain('has no page_info')
  })

  it('reads the next page from its own API base, never from the host a Link header names', async () => {
    const client = setup()
    inject({
      answer: () =>
        Response.json(
          { orders: [] },
          {
            headers: { link: '<https://elsewhere.example/orders.json?page_info=abc>; rel="next"' },
          },
        ),
    })
    inject({ answer: () => Response.json({ orders: [] }) })
    const page = await client.listOrders(HOUR, undefined)
    expect(page.next).toBe('abc')
    await client.listOrders(HOUR, page.next)
    // Both reached the store (msw serves only its host); the second asked for page abc.
    expect(queries()[1]).toEqual({ limit: '250', page_info: 'abc' })
  })

  it('an account without an access token can list nothing', async () => {
    const { accessToken: _token, ...noToken } = credentials
    const err = await failure(
      createShopifyClient(noToken, clientContext(clock)).listOrders(HOUR, undefined),
    )
    expect(err.kind).toBe('unauthorized')
    expect(emulator.state.requests).toHaveLength(0)
  })
})

describe('rate limits', () => {
  it('takes every call from the account’s REST gate (2/s, burst 40), apart from GraphQL', async () => {
    const { gates, seen } = recordingGates()
    const client = setup({}, gates)
    Array.from({ length: ORDERS_PER_PAGE + 1 }, (_, i) =>
      place(new Date(START.getTime() - (i + 1) * 1000)),
    )
    await listAll(client, HOUR)
    expect(seen.plans).toEqual([[REST_BUCKET, REST_PLAN]])
    expect(REST_PLAN).toEqual({ perSecond: 2, burst: 40 })
    expect(seen.taken).toEqual([
      'rest: Shopify list orders updated 2026-11-22T11:00:00.000Z to 2026-11-22T12:00:00.000Z',
      'rest: Shopify list the next page of orders',
    ])
  })

  it('a 429 is rate-limited after Retry-After (2.0 s) and holds the gate that long', async () => {
    const { gates, seen } = recordingGates()
    const client = setup({}, gates)
    emulator.state.throttleNext = 1
    const err = await failure(client.listOrders(HOUR, undefined))
    expect([err.kind, err.details.status, err.details.retryAfterMs]).toEqual([
      'rate-limited',
      429,
      2_000,
    ])
    expect(seen.held).toEqual([2_000])
    // The store's own bucket is not the GraphQL cost bucket: a list leaves that one full.
    await client.listOrders(HOUR, undefined)
    expect(emulator.state.stats.throttled).toBe(1)
  })
})

/** Adds a fault on the order list to this test's store. */
const inject = (fault: Fault) => emulator.state.faults.add({ path: RESOURCE, ...fault })

describe('error classification', () => {
  const target: CallUnderTest<ShopifyClient> = {
    setup: (overrides) => setup(overrides),
    call: (client) => client.listOrders(HOUR, undefined),
    inject,
  }
  const cases: ClassificationCase[] = [
    {
      name: '401 with Shopify’s string error',
      reply: () => Response.json(INVALID_TOKEN_BODY, { status: 401 }),
      kind: 'unauthorized',
      says: 'Invalid API key or access token',
    },
    {
      name: '403 (a scope the app lacks)',
      reply: () =>
        Response.json(
          { errors: '[API] This action requires merchant approval for read_orders scope.' },
          { status: 403 },
        ),
      kind: 'unauthorized',
      says: 'read_orders',
    },
    {
      name: '429 with Retry-After 2.0',
      reply: () =>
        Response.json(REST_THROTTLED_BODY, { status: 429, headers: { 'Retry-After': '2.0' } }),
      kind: 'rate-limited',
      retryAfterMs: 2_000,
    },
    {
      name: '429 without Retry-After',
      reply: () => Response.json(REST_THROTTLED_BODY, { status: 429 }),
      kind: 'rate-limited',
      retryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS,
    },
    {
      name: '400 naming a parameter',
      reply: () => Response.json({ errors: { page_info: 'Invalid value.' } }, { status: 400 }),
      kind: 'permanent',
      says: 'page_info: "Invalid value."',
    },
    {
      name: '404 (an unknown version)',
      reply: () => Response.json({ errors: 'Not Found' }, { status: 404 }),
      kind: 'permanent',
    },
    { name: '500', reply: () => new Response('oops', { status: 500 }), kind: 'transient' },
    {
      name: '503',
      reply: () => Response.json({ errors: 'Unavailable' }, { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'a 200 that is not JSON',
      reply: () => new Response('<html>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'a 200 without an orders list',
      reply: () => Response.json({ order: {} }),
      kind: 'permanent',
      says: 'no `orders` list',
    },
  ]
  itClassifiesAnswers(target, cases, (err) => {
    expect(err.message).not.toContain(TOKEN)
    expect(err.message).toMatch(
      /^Shopify list orders updated .* \(GET \/admin\/api\/2026-10\/orders\.json\)/,
    )
  })
  itRefusesUnusableAnswers(target, (filler) => `{"orders":[],"x":"${filler}"}`)
})
