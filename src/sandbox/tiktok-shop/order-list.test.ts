// De-risks the emulated Get Order List that order sync and the missed-webhooks simulation read:
// that it lists exactly the held orders updated in [update_time_ge, update_time_lt), sorted by the
// field and order asked (ties by id), as Get Order Detail records; that page tokens cover the
// selection once each, even when an order changes between pages, and are refused for another
// search; that a page size outside [1, 100] and other bad parameters are a clear HTTP 400 in
// TikTok's envelope; that a cancellation moves update_time, even within the second of the
// placement, and its webhook carries the same time; and that calls are counted and limited per API.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { signedApiQuery } from '../../../connectors/tiktok-shop/sign-request.js'
import { tiktokShop } from '../../../connectors/tiktok-shop/index.js'
import { useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'
import type { ChannelState } from '../types.js'
import { tiktokShopEmulator } from './index.js'

const NOW = new Date('2026-11-22T12:00:00Z')
const NOW_S = NOW.getTime() / 1000
const PATH = '/order/202309/orders/search'

const emulator = useEmulatedChannel(tiktokShopEmulator)
let state: ChannelState
beforeEach(() => {
  state = emulator.state
  state.now = () => NOW
})

interface SearchAnswer {
  readonly status: number
  readonly json: {
    readonly code: number
    readonly message: string
    readonly data?: {
      readonly orders: readonly Record<string, unknown>[]
      readonly next_page_token: string
      readonly total_count: number
    }
  }
}

/** Get Order List, signed as TikTok's own clients sign it. */
async function search(params: Record<string, string>, body: object = {}): Promise<SearchAnswer> {
  const creds = tiktokShop.sandboxCredentials(emulator.url)
  const text = JSON.stringify(body)
  const query = signedApiQuery({
    appKey: creds.appKey,
    appSecret: creds.appSecrets[0]!,
    shopCipher: creds.shopCipher,
    now: state.now(),
    path: PATH,
    params,
    body: text,
  })
  const res = await request(`${creds.apiBaseUrl}${PATH}?${query.toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tts-access-token': creds.accessToken },
    body: text,
  })
  return { status: res.statusCode, json: (await res.body.json()) as SearchAnswer['json'] }
}

const byUpdate = { sort_field: 'update_time', sort_order: 'ASC', page_size: '100' }

/** A buyer's order placed `secondsAgo` before NOW. */
function place(secondsAgo: number, sku = 'TEE'): string {
  state.stock.set(sku, (state.stock.get(sku) ?? 0) + 1)
  const placed = tiktokShopEmulator.placeOrder(
    state,
    [{ sku, quantity: 1 }],
    new Date((NOW_S - secondsAgo) * 1000),
  )
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

const ids = (answer: SearchAnswer) => answer.json.data?.orders.map((o) => o.id)

describe('Get Order List', () => {
  it('lists the orders updated in [ge, lt), oldest first, ties by id, as Get Order Detail has them', async () => {
    place(600) // before the window
    const first = place(500)
    const tied = [place(400), place(400)]
    place(300) // at update_time_lt: outside
    const answer = await search(byUpdate, {
      update_time_ge: NOW_S - 500,
      update_time_lt: NOW_S - 300,
    })
    expect(answer.status).toBe(200)
    expect(answer.json.code).toBe(0)
    expect(ids(answer)).toEqual([first, ...tied])
    expect(tied[0]! < tied[1]!).toBe(true)
    for (const order of answer.json.data!.orders) {
      expect(order).toEqual(state.orders.get(String(order.id)))
    }
    expect(answer.json.data).toMatchObject({ total_count: 3, next_page_token: '' })
  })

  it('sorts by create_time, newest first, when the query names no sort', async () => {
    const placed = [place(300), place(200), place(100)]
    const answer = await search({ page_size: '10' })
    expect(ids(answer)).toEqual([...placed].reverse())
  })

  it('ends an open window at now, and starts an open one at the beginning', async () => {
    const old = place(10_000)
    const recent = place(1)
    expect(ids(await search(byUpdate, { update_time_ge: NOW_S - 10 }))).toEqual([recent])
    expect(ids(await search(byUpdate, { update_time_lt: NOW_S - 10 }))).toEqual([old])
  })
})

describe('page tokens', () => {
  it('cover the selection once each, in order, with total_count on every page', async () => {
    const placed = Array.from({ length: 5 }, (_, i) => place(500 - i * 10))
    const body = { update_time_ge: NOW_S - 1_000, update_time_lt: NOW_S }
    const seen: unknown[] = []
    let answer = await search({ ...byUpdate, page_size: '2' }, body)
    let pages = 1
    seen.push(...ids(answer)!)
    while (answer.json.data?.next_page_token) {
      expect(answer.json.data.total_count).toBe(5)
      answer = await search(
        { ...byUpdate, page_size: '2', page_token: answer.json.data.next_page_token },
        body,
      )
      pages += 1
      seen.push(...ids(answer)!)
    }
    expect(pages).toBe(3)
    expect(seen).toEqual(placed)
  })

  it('keep their place when an order changes between pages: it moves later, none is skipped', async () => {
    const placed = Array.from({ length: 4 }, (_, i) => place(500 - i * 10))
    const body = { update_time_ge: NOW_S - 1_000, update_time_lt: NOW_S }
    const first = await search({ ...byUpdate, page_size: '2' }, body)
    expect(ids(first)).toEqual(placed.slice(0, 2))
    tiktokShopEmulator.cancelOrder(state, placed[0]!, new Date((NOW_S - 100) * 1000))
    tiktokShopEmulator.cancelOrder(state, placed[2]!, new Date((NOW_S - 50) * 1000))
    const rest: unknown[] = []
    let token = first.json.data!.next_page_token
    while (token) {
      const page = await search({ ...byUpdate, page_size: '2', page_token: token }, body)
      rest.push(...ids(page)!)
      token = page.json.data!.next_page_token
    }
    expect(rest).toEqual([placed[3], placed[0], placed[2]])
  })

  it('refuse a token of another search with HTTP 400', async () => {
    Array.from({ length: 3 }, (_, i) => place(500 - i))
    const first = await search({ ...byUpdate, page_size: '1' }, { update_time_ge: NOW_S - 1_000 })
    const token = first.json.data!.next_page_token
    expect(token).not.toBe('')
    const other = await search(
      { ...byUpdate, page_size: '1', page_token: token },
      { update_time_ge: NOW_S - 999 },
    )
    expect(other.status).toBe(400)
    expect(other.json).toMatchObject({ code: 40_006, message: expect.stringMatching(/page_token/) })
  })
})

describe('refusals', () => {
  it.each([
    ['page_size 0', { page_size: '0' }, {}, /page_size must be within \[1, 100\]/],
    ['page_size 101', { page_size: '101' }, {}, /page_size must be within \[1, 100\]/],
    ['sort_field id', { sort_field: 'id' }, {}, /sort_field/],
    ['sort_order up', { sort_order: 'up' }, {}, /sort_order/],
    ['update_time_ge as text', {}, { update_time_ge: '1700000000' }, /update_time_ge/],
  ])(
    '%s is HTTP 400 in the TikTok envelope, counted as rejected',
    async (_, params, body, says) => {
      const answer = await search({ ...byUpdate, ...params }, body)
      expect(answer.status).toBe(400)
      expect(answer.json).toMatchObject({ code: 40_006, message: expect.stringMatching(says) })
      expect(answer.json.data).toBeUndefined()
      expect(state.stats.rejected).toBe(1)
    },
  )
})

describe('update time', () => {
  it('moves on cancellation, even within the second of the placement, as its webhook says', () => {
    const id = place(100)
    const before = (state.orders.get(id) as { update_time: number }).update_time
    const [webhook] = tiktokShopEmulator.cancelOrder(state, id, new Date((NOW_S - 100) * 1000))
    const after = state.orders.get(id) as { update_time: number; status: string }
    expect(after.status).toBe('CANCELLED')
    expect(after.update_time).toBeGreaterThan(before)
    const sent = JSON.parse(webhook!.body) as { data: { update_time: number } }
    expect(sent.data.update_time).toBe(after.update_time)
  })
})

describe('rate limit', () => {
  it('counts every call and answers the 51st in one second 429, as TikTok limits per API', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 51; i++) statuses.push((await search(byUpdate)).status)
    expect(statuses.slice(0, 50)).toEqual(Array(50).fill(200))
    expect(statuses[50]).toBe(429)
    expect(state.stats).toMatchObject({ calls: 51, throttled: 1 })
  })
})
