// De-risks Amazon order sync against the Amazon emulator (through msw at SP-API's host): that
// `amazon.orders` pages getOrders to the end and lists every order of a window once, in update
// order, and none outside [from, to) although Amazon's LastUpdatedBefore includes its instant; that
// a next page sends only MarketplaceIds and the encoded NextToken; that a window Amazon would refuse
// costs no call; that records are lossless `{ order }` with ISO updatedAt; that answers are
// classified like every SP-API call and calls pass through the getOrders gate of the account's
// budget; and that a listed order's `order-items` hydration is one getOrderItems read (its pages
// followed), never a getOrder, giving the same record the webhook path's `order` hydration gives.
import { listPages } from '../../test/helpers/order-listing.js'
import { describe, expect, it } from 'vitest'
import { createAmazonEmulator, QUOTA_EXCEEDED, spApiError } from '../../src/sandbox/amazon/index.js'
import type { Fault } from '../../src/sandbox/faults.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import {
  BASE,
  FAST,
  LWA,
  LWA_BASE,
  SELLER,
  TEST_SELLER,
  US,
} from '../../test/helpers/amazon-seller.js'
import {
  clientContext,
  failure,
  itClassifiesAnswers,
  testClock,
  type CallUnderTest,
  type ClassificationCase,
} from '../../test/helpers/channel-client.js'
import type { RateGates } from '../types.js'
import { createAmazonClient, type AmazonClient } from './client.js'
import { AmazonCredentials } from './config.js'
import { amazon } from './index.js'
import { amazonOrders } from './orders.js'

const START = new Date('2026-11-22T12:00:00Z')
const TOKEN_PATH = '/auth/o2/token'
const LIST_PATH = '/orders/v0/orders'

const clock = testClock(START)
// Small item pages, so an order of three items already takes two getOrderItems calls.
const emulated = createAmazonEmulator({ seller: TEST_SELLER, orderItemsPerPage: 2 })
const emulator = useEmulatorOverMsw(emulated, { bases: [BASE, LWA_BASE], now: clock.now })

const credentials = AmazonCredentials.parse({
  staticHeader: { values: [{ apiKey: 'k' }] },
  sellerId: SELLER,
  marketplaceIds: [US],
  lwa: LWA,
  apiBaseUrl: BASE,
  lwaTokenUrl: `${LWA_BASE}${TOKEN_PATH}`,
  // High enough that pacing never enters a test that is not about it.
  rateLimits: { getOrders: FAST, getOrder: FAST, getOrderItems: FAST },
})

function setup(overrides: Partial<AmazonCredentials> = {}, gates?: RateGates): AmazonClient {
  return createAmazonClient(
    { ...credentials, ...overrides },
    { ...clientContext(clock), ...(gates ? { gates } : {}) },
  )
}

const apiCalls = () => emulator.state.requests.filter((r) => r.path !== TOKEN_PATH)
const listCalls = () => apiCalls().filter((r) => r.path === LIST_PATH)
const minutesAgo = (minutes: number) => new Date(START.getTime() - minutes * 60_000)

/** A buyer's order of `lines` SKUs placed at `at`. */
function place(at: Date, lines = 1): string {
  const skus = Array.from({ length: lines }, (_, i) => `SKU-${i}`)
  for (const sku of skus) emulator.state.stock.set(sku, (emulator.state.stock.get(sku) ?? 0) + 1)
  const placed = emulated.placeOrder(
    emulator.state,
    skus.map((sku) => ({ sku, quantity: 1 })),
    at,
  )
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

/** Every page of `window`, as order sync reads them. */
function listAll(client: AmazonClient, window: { from: Date; to: Date }) {
  return listPages(amazonOrders, client, window)
}

describe('amazon.orders', () => {
  it('is the connector’s listing, with the documented retention and settling time', () => {
    expect(amazon.orders).toBe(amazonOrders)
    // Two years (ordersV0.json) counted short, and LastUpdatedBefore's two minutes.
    expect(amazonOrders.retentionMs).toBe(730 * 86_400_000)
    expect(amazonOrders.settleMs).toBe(120_000)
  })

  it('lists through the client the connector builds for the account (SNS confirmation around it)', async () => {
    const id = place(minutesAgo(30))
    const client = amazon.client(credentials, clientContext(clock)) as AmazonClient
    const page = await amazon.orders.list(
      client,
      { from: minutesAgo(40), to: minutesAgo(5) },
      undefined,
    )
    expect(page.orders.map((o) => o.id)).toEqual([id])
  })

  it('pages getOrders to the end: every order of the window once, in update order', async () => {
    const client = setup()
    // 230 orders, one a second: three pages of at most 100.
    const placed = Array.from({ length: 230 }, (_, i) =>
      place(new Date(minutesAgo(60).getTime() + i * 1_000)),
    )
    const pages = await listAll(client, { from: minutesAgo(61), to: minutesAgo(5) })

    expect(pages.map((p) => p.orders.length)).toEqual([100, 100, 30])
    expect(pages.flatMap((p) => p.orders.map((o) => o.id))).toEqual(placed)
    const [first, ...next] = listCalls()
    expect(Object.fromEntries(new URLSearchParams(first!.rawQuery))).toEqual({
      MarketplaceIds: US,
      LastUpdatedAfter: minutesAgo(61).toISOString(),
      LastUpdatedBefore: minutesAgo(5).toISOString(),
      MaxResultsPerPage: '100',
    })
    expect(next).toHaveLength(2)
    for (const call of next) {
      // Only the token and the required marketplaces; the token's `+/=` sent encoded.
      expect(call.rawQuery).toMatch(
        /^MarketplaceIds=ATVPDKIKX0DER&NextToken=([A-Za-z0-9]|%[0-9A-F]{2})+$/,
      )
    }
  })

  it('honours [from, to): the order at `to` is the next window’s, though Amazon lists it', async () => {
    const client = setup()
    place(minutesAgo(31)) // before
    const atFrom = place(minutesAgo(30))
    const inside = place(minutesAgo(20))
    const atTo = place(minutesAgo(10))
    const window = { from: minutesAgo(30), to: minutesAgo(10) }
    const [page] = await listAll(client, window)
    expect(page!.orders.map((o) => o.id)).toEqual([atFrom, inside])
    const [following] = await listAll(client, { from: minutesAgo(10), to: minutesAgo(5) })
    expect(following!.orders.map((o) => o.id)).toEqual([atTo])
  })

  it('gives each order as `{ order }` exactly as Amazon answered it, with an ISO updatedAt', async () => {
    const client = setup()
    const id = place(minutesAgo(30), 2)
    // 2^53 + 1: a double would read it as …992. The emulator writes bigints digit for digit.
    const held = emulator.state.orders.get(id) as { order: Record<string, unknown> }
    held.order.SellerOrderId = 9007199254740993n
    const [page] = await listAll(client, { from: minutesAgo(40), to: minutesAgo(5) })
    expect(page!.orders).toEqual([
      {
        id,
        updatedAt: '2026-11-22T11:30:00.000Z',
        record: { order: { ...held.order, SellerOrderId: '9007199254740993' } },
      },
    ])
    expect(page!.orders[0]!.record).not.toHaveProperty('order.OrderItems')
  })

  it('costs no call for a window Amazon would refuse, or one that holds nothing', async () => {
    const client = setup()
    const tooRecent = await failure(
      amazonOrders.list(client, { from: minutesAgo(10), to: minutesAgo(1) }, undefined),
    )
    expect(tooRecent.kind).toBe('permanent')
    expect(tooRecent.message).toMatch(/not sent: .*at least 120 s before now/)
    const reversed = await failure(
      amazonOrders.list(client, { from: minutesAgo(5), to: minutesAgo(10) }, undefined),
    )
    expect(reversed.message).toMatch(/not sent: the window ends before it starts/)
    const empty = { from: minutesAgo(5), to: minutesAgo(5) }
    await expect(amazonOrders.list(client, empty, undefined)).resolves.toEqual({ orders: [] })
    expect(apiCalls()).toHaveLength(0)
  })

  it('refuses an answer without the documented shape, and a NextToken that does not move on', async () => {
    const client = setup()
    const window = { from: minutesAgo(30), to: minutesAgo(5) }
    onList({ answer: () => Response.json({ payload: { Orders: [{ AmazonOrderId: 'X' }] } }) })
    const undated = await failure(amazonOrders.list(client, window, undefined))
    expect(undated.kind).toBe('permanent')
    expect(undated.message).toContain('payload.Orders.0: order X has no ISO 8601 LastUpdateDate')
    onList({ answer: () => Response.json({ payload: { Orders: [], NextToken: 'same' } }) })
    const stuck = await failure(amazonOrders.list(client, window, 'same'))
    expect(stuck.message).toMatch(/repeats the NextToken/)
  })

  it('takes every call from the getOrders gate of the account budget, with its usage plan', async () => {
    const asked: { bucket: string; plan: unknown }[] = []
    const taken: string[] = []
    const gates: RateGates = (bucket, plan) => {
      asked.push({ bucket, plan })
      return { take: (label) => Promise.resolve(void taken.push(label)), hold: () => undefined }
    }
    const client = setup({ rateLimits: {} }, gates)
    place(minutesAgo(30))
    await listAll(client, { from: minutesAgo(40), to: minutesAgo(5) })
    expect(asked).toEqual([{ bucket: 'getOrders', plan: { perSecond: 0.0167, burst: 20 } }])
    expect(taken).toEqual(['Amazon list orders'])
  })

  it('without a shared budget, paces itself at burst 20 and then refuses locally, naming the wait', async () => {
    const client = setup({ rateLimits: {} })
    const window = { from: minutesAgo(40), to: minutesAgo(5) }
    for (let i = 0; i < 20; i++) await amazonOrders.list(client, window, undefined)
    const err = await failure(amazonOrders.list(client, window, undefined))
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(Math.ceil(1000 / 0.0167))
    expect(listCalls()).toHaveLength(20)
  })
})

/** Injects `fault` for getOrders (not getOrder). */
const onList = (fault: Fault) =>
  emulator.state.faults.add({ method: 'GET', path: /^\/orders\/v0\/orders$/, ...fault })

describe('amazon.orders · answers classified as every SP-API call', () => {
  const target: CallUnderTest<AmazonClient> = {
    setup: (overrides) => setup(overrides),
    call: (client) =>
      amazonOrders.list(client, { from: minutesAgo(30), to: minutesAgo(5) }, undefined),
    inject: onList,
  }
  const cases: ClassificationCase[] = [
    {
      name: 'HTTP 429 with x-amzn-RateLimit-Limit 0.0167',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { 'x-amzn-RateLimit-Limit': '0.0167' }),
      kind: 'rate-limited',
      retryAfterMs: Math.ceil(1000 / 0.0167),
      code: 'QuotaExceeded',
    },
    {
      name: 'HTTP 400 InvalidInput',
      reply: () => spApiError(400, [{ code: 'InvalidInput', message: 'Invalid Input' }]),
      kind: 'permanent',
      code: 'InvalidInput',
      says: 'Invalid Input',
    },
    {
      name: 'HTTP 403 access denied',
      reply: () =>
        spApiError(403, [
          { code: 'Unauthorized', message: 'Access to requested resource is denied.' },
        ]),
      kind: 'unauthorized',
    },
    {
      name: 'HTTP 503',
      reply: () => spApiError(503, [{ code: 'ServiceUnavailable', message: 'Try later' }]),
      kind: 'transient',
    },
    {
      name: 'HTTP 200 without payload.Orders',
      reply: () => Response.json({ payload: {} }),
      kind: 'permanent',
      says: 'no `payload.Orders` list',
    },
  ]
  itClassifiesAnswers(target, cases, (err) => {
    expect(err.message).toContain('Amazon list orders (GET /orders/v0/orders)')
  })
})

describe('order-items hydration of listed orders', () => {
  const opsOf = () =>
    apiCalls().map((r) =>
      r.path.endsWith('/orderItems')
        ? 'getOrderItems'
        : r.path === LIST_PATH
          ? 'getOrders'
          : 'getOrder',
    )

  it('reads each order’s items once with getOrderItems alone: one call per order', async () => {
    const client = setup()
    const a = place(minutesAgo(30), 2)
    const b = place(minutesAgo(20), 1)
    const hydrated = await client.hydrate([
      { kind: 'order-items', id: a },
      { kind: 'order-items', id: b },
      { kind: 'order-items', id: a },
    ])
    const held = (id: string) => emulator.state.orders.get(id) as { orderItems: unknown[] }
    expect(hydrated).toEqual({
      [`order-items:${a}`]: { orderItems: held(a).orderItems },
      [`order-items:${b}`]: { orderItems: held(b).orderItems },
    })
    expect(opsOf()).toEqual(['getOrderItems', 'getOrderItems'])
  })

  it('follows NextToken through every page of items, still without getOrder', async () => {
    const id = place(minutesAgo(30), 5)
    const hydrated = await setup().hydrate([{ kind: 'order-items', id }])
    const record = hydrated[`order-items:${id}`] as { orderItems: { SellerSKU: string }[] }
    expect(record.orderItems.map((i) => i.SellerSKU)).toEqual(
      [0, 1, 2, 3, 4].map((n) => `SKU-${n}`),
    )
    // Five items, two a page.
    expect(opsOf()).toEqual(['getOrderItems', 'getOrderItems', 'getOrderItems'])
  })

  it('gives a listed order and its items the record an ORDER_CHANGE hydration gives', async () => {
    const client = setup()
    const id = place(minutesAgo(30), 2)
    const [page] = await listAll(client, { from: minutesAgo(40), to: minutesAgo(5) })
    const listed = page!.orders[0]!.record as { order: unknown }
    const hydrated = await client.hydrate([
      { kind: 'order-items', id },
      { kind: 'order', id },
    ])
    const items = hydrated[`order-items:${id}`] as { orderItems: unknown[] }
    expect({ order: listed.order, orderItems: items.orderItems }).toEqual(hydrated[`order:${id}`])
    // Asked for whole and alone at once, the order is read once: one getOrder, one getOrderItems.
    expect(opsOf()).toEqual(['getOrders', 'getOrder', 'getOrderItems'])
  })
})
