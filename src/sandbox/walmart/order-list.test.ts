// Removes the risk that the emulated Walmart order list (order-list.ts), which order sync and the simulation read, lists other orders, in another order or pages, or under other limits than Walmart's GET /v3/orders does.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'
import type { ChannelState } from '../types.js'
import { walmartEmulator } from './index.js'
import { LISTED_DAYS, MAX_LIMIT } from './order-list.js'
import { SANDBOX } from './seller.js'

const NOW = new Date('2026-11-22T12:00:00Z')
const MINUTE = 60_000
const DAY = 86_400_000

const emulator = useEmulatedChannel(walmartEmulator)
let state: ChannelState
let clock: number
let token: string
beforeEach(async () => {
  state = emulator.state
  clock = NOW.getTime()
  state.now = () => new Date(clock)
  state.stock.set('TEE', 1_000)
  token = await accessToken()
})

const gateway = {
  accept: 'application/json',
  'wm_svc.name': 'Walmart Marketplace',
  'wm_qos.correlation_id': '5f0c1a4e-0000-4000-8000-000000000002',
}

async function accessToken(): Promise<string> {
  const basic = Buffer.from(`${SANDBOX.clientId}:${SANDBOX.clientSecret}`).toString('base64')
  const res = await request(`${emulator.url}/walmart/v3/token`, {
    method: 'POST',
    headers: {
      ...gateway,
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  return ((await res.body.json()) as { access_token: string }).access_token
}

/** Places an order of one TEE at `at`; its purchase order id. */
function place(at: Date): string {
  const placed = walmartEmulator.placeOrder(state, [{ sku: 'TEE', quantity: 1 }], at)
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

const minutes = (n: number) => new Date(NOW.getTime() - 60 * MINUTE + n * MINUTE)

interface Page {
  readonly list: {
    readonly meta: { totalCount: number; limit: number; nextCursor: string | null }
    readonly elements: { order: { purchaseOrderId: string }[] }
  }
}

interface Answer {
  readonly status: number
  readonly body: Page & { error?: { code: string; field?: string; description: string }[] }
}

/**
 * `GET /v3/orders<query>`, the query beginning with `?` (a nextCursor is one). The marketplace
 * clock moves on a second first, so the API's per-second limit never enters a test not about it.
 */
async function list(query: string, tick = 1_000): Promise<Answer> {
  clock += tick
  const res = await request(`${emulator.url}/walmart/v3/orders${query}`, {
    headers: { ...gateway, 'wm_sec.access_token': token },
  })
  return { status: res.statusCode, body: (await res.body.json()) as Answer['body'] }
}

const ids = (answer: Answer) =>
  answer.body.list.elements.order.map((order) => order.purchaseOrderId)
const window = (from: Date, to: Date, more = '') =>
  `?lastModifiedStartDate=${from.toISOString()}&lastModifiedEndDate=${to.toISOString()}${more}`

describe('filters and order', () => {
  it('lists the orders modified within the window, by modification time, then id', async () => {
    const [a, b, c, d] = [
      place(minutes(0)),
      place(minutes(1)),
      place(minutes(2)),
      place(minutes(2)),
    ]
    const listed = await list(window(minutes(1), minutes(2)))
    expect(listed.status).toBe(200)
    expect(ids(listed)).toEqual([b, c, d])
    expect(listed.body.list.meta).toEqual({ totalCount: 3, limit: 100, nextCursor: null })
    // Each order is the record Get an order answers.
    expect(listed.body.list.elements.order).toEqual([b, c, d].map((id) => state.orders.get(id)))
    expect(ids(await list(window(minutes(0), minutes(0))))).toEqual([a])
  })

  it('moves an order’s modification time when it is cancelled', async () => {
    const id = place(minutes(0))
    walmartEmulator.cancelOrder(state, id, minutes(5))
    expect(ids(await list(window(minutes(4), minutes(6))))).toEqual([id])
    expect((await list(window(minutes(0), minutes(1)))).status).toBe(404)
  })

  it('lists orders created in the last 7 days unless asked for more, and never beyond 180', async () => {
    const at = (days: number) => new Date(clock - days * DAY)
    const [recent, lastMonth, beyond] = [place(at(1)), place(at(30)), place(at(LISTED_DAYS + 1))]
    for (const id of [recent, lastMonth, beyond])
      walmartEmulator.cancelOrder(state, id, minutes(30))
    const changed = window(minutes(0), minutes(60))
    expect(ids(await list(changed))).toEqual([recent])
    const yearBack = `&createdStartDate=${at(365).toISOString().slice(0, 10)}`
    expect(ids(await list(changed + yearBack)).sort()).toEqual([recent, lastMonth].sort())
  })

  it('answers 404 CONTENT_NOT_FOUND when no order matches', async () => {
    place(minutes(0))
    const none = await list(window(minutes(10), minutes(20)))
    expect(none.status).toBe(404)
    expect(none.body.error?.[0]).toMatchObject({ code: 'CONTENT_NOT_FOUND.GMP_ORDER_API' })
  })
})

describe('pages', () => {
  it('pages by nextCursor, the next query string, which repeats the filters', async () => {
    const placed = Array.from({ length: 5 }, (_, i) => place(minutes(i)))
    const first = await list(window(minutes(0), minutes(10), '&limit=2'))
    expect(ids(first)).toEqual(placed.slice(0, 2))
    const cursor = first.body.list.meta.nextCursor!
    expect(cursor).toMatch(/^\?limit=2&hasMoreElements=true&soIndex=5&poIndex=2&/)
    expect(cursor).toContain(`lastModifiedStartDate=${minutes(0).toISOString()}`)
    expect(first.body.list.meta.totalCount).toBe(5)

    const second = await list(cursor)
    expect(ids(second)).toEqual(placed.slice(2, 4))
    const third = await list(second.body.list.meta.nextCursor!)
    expect(ids(third)).toEqual(placed.slice(4))
    expect(third.body.list.meta).toEqual({ totalCount: 5, limit: 2, nextCursor: null })
  })

  it('moves no other order when one changes between pages', async () => {
    const placed = Array.from({ length: 6 }, (_, i) => place(minutes(i)))
    const first = await list(window(minutes(0), minutes(10), '&limit=2'))
    walmartEmulator.cancelOrder(state, placed[0]!, minutes(30))
    walmartEmulator.cancelOrder(state, placed[2]!, minutes(30))
    const second = await list(first.body.list.meta.nextCursor!)
    expect(ids(second)).toEqual([placed[3], placed[4]])
    expect(ids(await list(second.body.list.meta.nextCursor!))).toEqual([placed[5]])
  })

  it('takes up to 200 a page and refuses more with a 400 naming the limit', async () => {
    Array.from({ length: MAX_LIMIT + 1 }, (_, i) => place(new Date(NOW.getTime() - i * 1000)))
    const full = await list(window(minutes(0), NOW, `&limit=${MAX_LIMIT}`))
    expect(ids(full)).toHaveLength(MAX_LIMIT)
    expect(ids(await list(full.body.list.meta.nextCursor!))).toHaveLength(1)
    const refused = await list(window(minutes(0), NOW, `&limit=${MAX_LIMIT + 1}`))
    expect(refused.status).toBe(400)
    expect(refused.body.error?.[0]).toMatchObject({
      code: 'INVALID_REQUEST_PARAM.GMP_ORDER_API',
      field: 'limit',
      description: 'limit cannot be larger than 200',
    })
    // A hundred, unless the request says otherwise.
    expect(ids(await list(window(minutes(0), NOW)))).toHaveLength(100)
  })

  it('refuses a time that is no date and a cursor it did not give, naming them', async () => {
    for (const [query, field] of [
      ['?lastModifiedStartDate=yesterday', 'lastModifiedStartDate'],
      ['?limit=2&cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ] as const) {
      const refused = await list(query)
      expect(refused.status).toBe(400)
      expect(refused.body.error?.[0]).toMatchObject({ field })
    }
    expect(state.stats.rejected).toBe(2)
  })
})

describe('admission', () => {
  it('counts every call and answers 429 beyond its per-API limit', async () => {
    place(minutes(0))
    const calls = state.stats.calls // the token's
    const outcomes: number[] = []
    for (let i = 0; i < 11; i++) outcomes.push((await list(window(minutes(0), NOW), 0)).status)
    expect(outcomes).toEqual([...Array<number>(10).fill(200), 429])
    expect(state.stats.calls - calls).toBe(11)
    expect(state.stats.throttled).toBe(1)
  })
})
