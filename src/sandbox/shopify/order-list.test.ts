// Removes the risk that the emulated Shopify order list (order-list.ts), which order sync and the simulation read, lists other orders, in another order or pages, or under other limits than Shopify's REST orders.json does.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'
import type { ChannelState } from '../types.js'
import { REST_BUCKET_SIZE } from './admission.js'
import { shopifyEmulator } from './index.js'
import { MAX_LIMIT, VISIBLE_DAYS } from './order-list.js'
import { shopifyTime } from './records.js'

const TOKEN = 'shpat_sandbox_token'
const NOW = new Date('2026-11-22T12:00:00Z')
const MINUTE = 60_000

const emulator = useEmulatedChannel(shopifyEmulator)
let state: ChannelState
let clock: number
beforeEach(() => {
  state = emulator.state
  clock = NOW.getTime()
  state.now = () => new Date(clock)
  state.stock.set('TEE', 1_000)
})

/** Places an order of one TEE at `at`; its id. */
function place(at: Date): string {
  const placed = shopifyEmulator.placeOrder(state, [{ sku: 'TEE', quantity: 1 }], at)
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

const minutes = (n: number) => new Date(NOW.getTime() - 60 * MINUTE + n * MINUTE)

interface Listed {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: { orders?: { id: number; updated_at: string }[]; errors?: unknown }
}

/** `GET orders.json?<query>` (a full URL when given one, as a Link names it). */
async function list(query: string, token = TOKEN, version = '2026-10'): Promise<Listed> {
  const url = query.startsWith('http')
    ? query
    : `${emulator.url}/shopify/admin/api/${version}/orders.json?${query}`
  const res = await request(url, { headers: { 'x-shopify-access-token': token } })
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as Listed['body'],
  }
}

const ids = (listed: Listed) => (listed.body.orders ?? []).map((o) => String(o.id))
const window = (from: Date, to: Date, more = '') =>
  `status=any&updated_at_min=${encodeURIComponent(shopifyTime(from))}&updated_at_max=${encodeURIComponent(shopifyTime(to))}&order=updated_at%20asc${more}`

/** The `rel` links of a `Link` header. */
function links(listed: Listed): Record<string, string> {
  const header = listed.headers.link
  if (typeof header !== 'string') return {}
  return Object.fromEntries(
    header.split(/,\s*(?=<)/).map((part) => {
      const [, url, rel] = /^<([^>]+)>; rel="(\w+)"$/.exec(part.trim()) ?? []
      return [rel!, url!]
    }),
  )
}

describe('filters and order', () => {
  it('lists the orders updated within [updated_at_min, updated_at_max], by updated_at, then id', async () => {
    const [a, b, c, d] = [
      place(minutes(0)),
      place(minutes(1)),
      place(minutes(2)),
      place(minutes(2)),
    ]
    const listed = await list(window(minutes(1), minutes(2)))
    expect(listed.status).toBe(200)
    expect(ids(listed)).toEqual([b, c, d])
    expect(ids(await list(window(minutes(0), minutes(0))))).toEqual([a])
    // Each order is the record the store holds, the REST Order its webhooks carry.
    expect(listed.body.orders).toEqual([b, c, d].map((id) => state.orders.get(id)))
    expect(listed.headers.link).toBeUndefined()
  })

  it('leaves cancelled orders out unless asked for any status, and a cancellation moves updated_at', async () => {
    const id = place(minutes(0))
    shopifyEmulator.cancelOrder(state, id, minutes(5))
    const after = window(minutes(4), minutes(6))
    expect(ids(await list(after))).toEqual([id])
    expect((await list(after)).body.orders?.[0]?.updated_at).toBe(shopifyTime(minutes(5)))
    // The default status is open.
    expect(ids(await list(after.replace('status=any&', '')))).toEqual([])
    expect(ids(await list(after.replace('status=any', 'status=cancelled')))).toEqual([id])
    // It was placed at minute 0, but it no longer was last updated then.
    expect(ids(await list(window(minutes(0), minutes(1))))).toEqual([])
  })

  it('lists no order created more than 60 days ago (no read_all_orders scope)', async () => {
    const day = 86_400_000
    const old = place(new Date(clock - (VISIBLE_DAYS + 1) * day))
    const recent = place(new Date(clock - (VISIBLE_DAYS - 1) * day))
    shopifyEmulator.cancelOrder(state, old, minutes(1))
    const listed = await list(window(new Date(clock - 100 * day), NOW))
    expect(ids(listed)).toEqual([recent])
    expect(state.orders.has(old)).toBe(true)
  })
})

describe('pages', () => {
  it('pages by the Link header’s page_info, each page after the last row of the page before', async () => {
    const placed = Array.from({ length: 7 }, (_, i) => place(minutes(i)))
    const first = await list(window(minutes(0), minutes(10), '&limit=3'))
    expect(ids(first)).toEqual(placed.slice(0, 3))
    expect(links(first).previous).toBeUndefined()
    const next = new URL(links(first).next!)
    // Only limit and page_info, under the same store's API.
    expect([...next.searchParams.keys()]).toEqual(['limit', 'page_info'])
    expect(next.pathname).toBe('/shopify/admin/api/2026-10/orders.json')

    const second = await list(next.href)
    expect(ids(second)).toEqual(placed.slice(3, 6))
    expect(ids(await list(links(second).previous!))).toEqual(placed.slice(0, 3))
    const third = await list(links(second).next!)
    expect(ids(third)).toEqual(placed.slice(6))
    expect(links(third).next).toBeUndefined()
    expect(links(third).previous).toBeDefined()
  })

  it('moves no other order when one changes between pages', async () => {
    const placed = Array.from({ length: 6 }, (_, i) => place(minutes(i)))
    const first = await list(window(minutes(0), minutes(10), '&limit=2'))
    expect(ids(first)).toEqual(placed.slice(0, 2))
    // An order of the first page and one of the next change after the window's end.
    shopifyEmulator.cancelOrder(state, placed[0]!, minutes(30))
    shopifyEmulator.cancelOrder(state, placed[2]!, minutes(30))
    const second = await list(links(first).next!)
    expect(ids(second)).toEqual([placed[3], placed[4]])
    expect(ids(await list(links(second).next!))).toEqual([placed[5]])
  })

  it('takes up to 250 a page and refuses more, naming the limit', async () => {
    const placed = Array.from({ length: MAX_LIMIT + 1 }, (_, i) =>
      place(new Date(NOW.getTime() - i * 1000)),
    )
    const full = await list(window(minutes(0), NOW, `&limit=${MAX_LIMIT}`))
    expect(full.body.orders).toHaveLength(MAX_LIMIT)
    expect(ids(await list(links(full).next!))).toEqual([placed[0]])
    const refused = await list(window(minutes(0), NOW, `&limit=${MAX_LIMIT + 1}`))
    expect(refused.status).toBe(400)
    expect(refused.body.errors).toEqual({ limit: expect.stringContaining('250') })
    // Fifty, unless the request says otherwise.
    expect((await list(window(minutes(0), NOW))).body.orders).toHaveLength(50)
  })

  it('refuses a filter beside page_info, and a page_info it did not give', async () => {
    Array.from({ length: 3 }, (_, i) => place(minutes(i)))
    const first = await list(window(minutes(0), minutes(10), '&limit=1'))
    const pageInfo = new URL(links(first).next!).searchParams.get('page_info')!
    const mixed = await list(`limit=1&page_info=${pageInfo}&status=any`)
    expect(mixed.status).toBe(400)
    expect(mixed.body.errors).toEqual({
      status: 'status cannot be passed when page_info is present.',
    })
    const forged = await list('limit=1&page_info=bm90LWEtY3Vyc29y')
    expect(forged.status).toBe(400)
    expect(forged.body.errors).toEqual({ page_info: 'Invalid value.' })
    expect(state.stats.rejected).toBe(2)
  })

  it('refuses an order other than updated_at asc, and a time that is not ISO 8601', async () => {
    const other = await list('status=any&order=created_at%20desc')
    expect(other.status).toBe(400)
    expect(other.body.errors).toHaveProperty('order')
    const badTime = await list('status=any&order=updated_at%20asc&updated_at_min=yesterday')
    expect(badTime.status).toBe(400)
    expect(badTime.body.errors).toHaveProperty('updated_at_min')
  })
})

describe('admission', () => {
  it('answers a wrong token 401 and an unknown version 404, counting every call', async () => {
    expect((await list(window(NOW, NOW), 'shpat_wrong')).status).toBe(401)
    expect((await list(window(NOW, NOW), TOKEN, '2026-02')).status).toBe(404)
    expect((await list(window(NOW, NOW))).status).toBe(200)
    expect(state.stats).toMatchObject({ calls: 3, rejected: 2, throttled: 0 })
  })

  it('holds 40 requests at once, leaks 2 a second, and answers 429 with Retry-After 2.0 beyond', async () => {
    const query = window(minutes(0), NOW)
    for (let i = 1; i <= REST_BUCKET_SIZE; i++) {
      const listed = await list(query)
      expect(listed.status).toBe(200)
      expect(listed.headers['x-shopify-shop-api-call-limit']).toBe(`${i}/${REST_BUCKET_SIZE}`)
    }
    const refused = await list(query)
    expect(refused.status).toBe(429)
    expect(refused.headers['retry-after']).toBe('2.0')
    expect(refused.body.errors).toMatch(/^Exceeded 2 calls per second/)
    clock += 1_000 // two leak out
    expect((await list(query)).status).toBe(200)
    expect((await list(query)).status).toBe(200)
    expect((await list(query)).status).toBe(429)
    expect(state.stats).toMatchObject({ calls: REST_BUCKET_SIZE + 4, throttled: 2 })
  })

  it('answers an injected fault (`throttleNext`) 429 too', async () => {
    state.throttleNext = 1
    expect((await list(window(NOW, NOW))).status).toBe(429)
    expect((await list(window(NOW, NOW))).status).toBe(200)
    expect(state.stats.throttled).toBe(1)
  })
})
