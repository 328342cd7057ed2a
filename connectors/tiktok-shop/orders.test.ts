// De-risks TikTok Shop order sync against the TikTok emulator (through msw at TikTok's host, which
// checks every signature): that `tiktokShop.orders` pages Get Order List to the end and lists every
// order of a window once, oldest update first; that a window in milliseconds becomes exactly the
// whole seconds whose instants fall in [from, to); that each record is the order as TikTok answered
// it, ids beyond 2^53 kept as digit strings (the published Get Order Detail sample as the answer);
// that a window holding no second costs no call; and that answers are classified like every TikTok
// call and calls pass through the list API's gate of the account's budget.
import { readFileSync } from 'node:fs'
import { listPages } from '../../test/helpers/order-listing.js'
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../src/sandbox/faults.js'
import { tiktokShopEmulator } from '../../src/sandbox/tiktok-shop/index.js'
import {
  clientContext,
  failure,
  itClassifiesAnswers,
  testClock,
  type CallUnderTest,
  type ClassificationCase,
} from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import type { RateGates } from '../types.js'
import { createTikTokShopClient, type TikTokShopClient } from './client.js'
import { TikTokShopCredentials } from './config.js'
import { tiktokShop } from './index.js'
import { tiktokShopOrders } from './orders.js'

const BASE = 'https://open-api.tiktokglobalshop.com'
const PATH = '/order/202309/orders/search'
const START = new Date('2026-11-22T12:00:00Z')
const START_S = START.getTime() / 1000

const clock = testClock(START)
const emulator = useEmulatorOverMsw(tiktokShopEmulator, { bases: [BASE], now: clock.now })
const credentials = TikTokShopCredentials.parse({
  ...tiktokShop.sandboxCredentials('http://unused.invalid'),
  apiBaseUrl: BASE,
})

function setup(overrides: Partial<TikTokShopCredentials> = {}, gates?: RateGates) {
  return createTikTokShopClient(
    { ...credentials, ...overrides },
    { ...clientContext(clock), ...(gates ? { gates } : {}) },
  )
}

const listCalls = () => emulator.state.requests.filter((r) => r.path === PATH)
const at = (secondsAgo: number) => new Date((START_S - secondsAgo) * 1000)

function place(secondsAgo: number): string {
  emulator.state.stock.set('TEE', (emulator.state.stock.get('TEE') ?? 0) + 1)
  const placed = tiktokShopEmulator.placeOrder(
    emulator.state,
    [{ sku: 'TEE', quantity: 1 }],
    at(secondsAgo),
  )
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

function listAll(client: TikTokShopClient, window: { from: Date; to: Date }) {
  return listPages(tiktokShopOrders, client, window)
}

const onList = (fault: Fault) => emulator.state.faults.add({ method: 'POST', path: PATH, ...fault })

describe('tiktokShop.orders', () => {
  it('is the connector’s listing, with its (unconfirmed, short) retention and settling time', () => {
    expect(tiktokShop.orders).toBe(tiktokShopOrders)
    expect(tiktokShopOrders.retentionMs).toBe(90 * 86_400_000)
    expect(tiktokShopOrders.settleMs).toBe(60_000)
  })

  it('pages Get Order List to the end: every order of the window once, oldest update first', async () => {
    const client = setup()
    const placed = Array.from({ length: 230 }, (_, i) => place(1_000 - i))
    const pages = await listAll(client, { from: at(2_000), to: at(60) })

    expect(pages.map((p) => p.orders.length)).toEqual([100, 100, 30])
    expect(pages.flatMap((p) => p.orders.map((o) => o.id))).toEqual(placed)
    const calls = listCalls()
    expect(calls).toHaveLength(3)
    calls.forEach((call, i) => {
      const query = new URLSearchParams(call.rawQuery)
      expect(query.get('page_size')).toBe('100')
      expect(query.get('sort_field')).toBe('update_time')
      expect(query.get('sort_order')).toBe('ASC')
      expect(query.get('page_token')).toBe(i === 0 ? null : pages[i - 1]!.next)
      expect(JSON.parse(call.body)).toEqual({
        update_time_ge: START_S - 2_000,
        update_time_lt: START_S - 60,
      })
    })
    expect(emulator.state.stats.rejected).toBe(0)
  })

  it('sends the whole seconds whose instants are in [from, to)', async () => {
    const client = setup()
    place(31) // second S-31 starts before `from` (S-30.5)
    const inside = place(30)
    const last = place(11)
    place(10) // second S-10 is `to` itself
    const [page] = await listAll(client, {
      from: new Date(at(30).getTime() - 500),
      to: at(10),
    })
    expect(page!.orders.map((o) => o.id)).toEqual([inside, last])
    expect(JSON.parse(listCalls()[0]!.body)).toEqual({
      update_time_ge: START_S - 30,
      update_time_lt: START_S - 10,
    })
  })

  it('gives each order as TikTok answered it, ids beyond 2^53 kept exact, updatedAt in ISO', async () => {
    const client = setup()
    // Get Order Detail's published example as the list's answer (the same order object), with its
    // id and buyer id sent as bare JSON numbers beyond 2^53, as a careless encoder would.
    const sample = readFileSync(
      new URL(
        '../../test/samples/tiktok-shop/get-order-detail-202507.response.json',
        import.meta.url,
      ),
      'utf8',
    )
    const bare = sample
      .replace('"id":"576461413038785752"', '"id":576461413038785752')
      .replace('"user_id":"7021436810468230477"', '"user_id":7021436810468230477')
      .replace('"orders":[', '"next_page_token":"","total_count":1,"orders":[')
    expect(bare).not.toBe(sample)
    onList({
      answer: () => new Response(bare, { headers: { 'content-type': 'application/json' } }),
    })
    const [page] = await listAll(client, { from: at(600), to: at(60) })
    const expected = (JSON.parse(sample) as { data: { orders: object[] } }).data.orders[0]
    expect(page!.orders).toEqual([
      { id: '576461413038785752', updatedAt: '2021-04-28T14:49:15.000Z', record: expected },
    ])
  })

  it('costs no call for a window holding no whole second, and refuses a reversed one', async () => {
    const client = setup()
    const within = { from: new Date(at(30).getTime() + 100), to: new Date(at(30).getTime() + 900) }
    await expect(tiktokShopOrders.list(client, within, undefined)).resolves.toEqual({ orders: [] })
    const reversed = await failure(
      tiktokShopOrders.list(client, { from: at(10), to: at(30) }, undefined),
    )
    expect(reversed).toMatchObject({ kind: 'permanent' })
    expect(reversed.message).toMatch(/not sent: the window ends before it starts/)
    expect(emulator.state.requests).toHaveLength(0)
  })

  it('refuses a listed order without its id or update time, and a page token that does not move on', async () => {
    const client = setup()
    const window = { from: at(600), to: at(60) }
    onList({ answer: () => Response.json({ code: 0, data: { orders: [{ id: '1' }] } }) })
    const undated = await failure(tiktokShopOrders.list(client, window, undefined))
    expect(undated.kind).toBe('permanent')
    expect(undated.message).toContain('data.orders.0: order 1 has no update_time in Unix seconds')
    onList({ answer: () => Response.json({ code: 0, data: { orders: [], next_page_token: 'p' } }) })
    const stuck = await failure(tiktokShopOrders.list(client, window, 'p'))
    expect(stuck.message).toMatch(/repeats the page_token/)
  })

  it('takes every call from the list API’s gate of the account budget', async () => {
    const asked: { bucket: string; plan: unknown }[] = []
    const taken: string[] = []
    const gates: RateGates = (bucket, plan) => {
      asked.push({ bucket, plan })
      return { take: (label) => Promise.resolve(void taken.push(label)), hold: () => undefined }
    }
    const client = setup({}, gates)
    place(100)
    await listAll(client, { from: at(600), to: at(60) })
    expect(asked).toEqual([{ bucket: PATH, plan: { perSecond: 50, burst: 50 } }])
    expect(taken).toEqual(['TikTok Shop list orders'])
  })
})

describe('tiktokShop.orders · answers classified as every TikTok call', () => {
  const target: CallUnderTest<TikTokShopClient> = {
    setup: (overrides) => setup(overrides),
    call: (client) => tiktokShopOrders.list(client, { from: at(600), to: at(60) }, undefined),
    inject: onList,
  }
  const envelope = (code: number, message: string, status = 200) =>
    Response.json({ code, message, request_id: 'EMU1' }, { status })
  const cases: ClassificationCase[] = [
    {
      name: 'HTTP 429, code 36009002',
      reply: () => envelope(36_009_002, 'Too many requests.', 429),
      kind: 'rate-limited',
      retryAfterMs: 1_000,
      code: '36009002',
    },
    {
      name: 'code 36009003 (internal error)',
      reply: () => envelope(36_009_003, 'Internal error. Please try again.'),
      kind: 'transient',
      code: '36009003',
    },
    {
      name: 'code 105002 (expired token)',
      reply: () => envelope(105_002, 'Expired credentials.'),
      kind: 'unauthorized',
    },
    {
      name: 'HTTP 400, code 40006 (a parameter out of range)',
      reply: () => envelope(40_006, 'page_size must be within [1, 100]', 400),
      kind: 'permanent',
      says: 'page_size must be within [1, 100]',
    },
    {
      name: 'HTTP 503',
      reply: () => new Response('overloaded', { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'data.orders not a list',
      reply: () => Response.json({ code: 0, data: { orders: 'none' } }),
      kind: 'permanent',
      says: 'data.orders is not a list of objects',
    },
  ]
  itClassifiesAnswers(target, cases, (err) => {
    expect(err.message).toContain(`TikTok Shop list orders (POST ${PATH})`)
    expect(err.message).not.toContain(credentials.accessToken)
  })
})
