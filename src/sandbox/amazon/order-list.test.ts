// De-risks the emulated getOrders that order sync and the missed-webhooks simulation read: that it
// lists exactly the orders the seller holds in a window (both ends inclusive, as Amazon's are, in
// the marketplaces asked for), sorted by LastUpdateDate then id, without items; that NextToken pages
// cover the selection once each, even when an order changes between pages; that it refuses what
// Amazon refuses (page size, missing marketplaces, a LastUpdatedBefore under two minutes old,
// unless a simulation lowered that bound) with 400 InvalidInput; that a cancellation moves the
// order's LastUpdateDate, even within the second it was placed; and that it counts and throttles
// calls at getOrders' own usage plan.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { amazon } from '../../../connectors/amazon/index.js'
import { useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'
import type { ChannelState } from '../types.js'
import { amazonEmulator, orderListSettings } from './index.js'

const NOW = new Date('2026-11-22T12:00:00Z')
const US = 'ATVPDKIKX0DER'
const CA = 'A2EUQ1WTGCTBG2'

const emulator = useEmulatedChannel(amazonEmulator)
let state: ChannelState
beforeEach(() => {
  state = emulator.state
  state.now = () => NOW
})

const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000)

async function accessToken(): Promise<string> {
  const { lwa } = amazon.sandboxCredentials(emulator.url)
  const res = await request(`${emulator.url}/amazon/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: lwa.refreshToken,
      client_id: lwa.clientId,
      client_secret: lwa.clientSecret,
    }).toString(),
  })
  return ((await res.body.json()) as { access_token: string }).access_token
}

interface ListAnswer {
  readonly status: number
  readonly headers: Record<string, unknown>
  readonly body: {
    readonly payload?: {
      readonly Orders: readonly Record<string, unknown>[]
      readonly NextToken?: string
      readonly LastUpdatedBefore?: string
    }
    readonly errors?: readonly { code: string; message: string }[]
  }
}

/** getOrders with `query` (values encoded here), as any SP-API client would send it. */
async function getOrders(query: Record<string, string>, token?: string): Promise<ListAnswer> {
  const search = new URLSearchParams(query).toString()
  const res = await request(`${emulator.url}/amazon/orders/v0/orders?${search}`, {
    headers: { 'x-amz-access-token': token ?? (await accessToken()) },
  })
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as ListAnswer['body'],
  }
}

const window = (after: Date, before: Date, more: Record<string, string> = {}) => ({
  MarketplaceIds: US,
  LastUpdatedAfter: after.toISOString(),
  LastUpdatedBefore: before.toISOString(),
  ...more,
})

/** A buyer's order placed at `at`, as the emulator records it. */
function place(at: Date, sku = 'TEE'): string {
  state.stock.set(sku, (state.stock.get(sku) ?? 0) + 1)
  const placed = amazonEmulator.placeOrder(state, [{ sku, quantity: 1 }], at)
  if (!placed.accepted) throw new Error(placed.reason)
  return placed.orderId
}

const ids = (answer: ListAnswer) => answer.body.payload?.Orders.map((o) => o.AmazonOrderId)

describe('getOrders', () => {
  it('lists the orders updated within the window, both ends included, sorted, without items', async () => {
    const early = place(minutesAgo(60))
    const first = place(minutesAgo(30))
    const last = place(minutesAgo(10))
    place(minutesAgo(5)) // after the window
    // Two orders updated in the same second sort by id.
    const tied = [place(minutesAgo(20)), place(minutesAgo(20))].sort()
    const answer = await getOrders(window(minutesAgo(30), minutesAgo(10)))

    expect(answer.status).toBe(200)
    expect(ids(answer)).toEqual([first, ...tied, last])
    expect(ids(answer)).not.toContain(early)
    for (const order of answer.body.payload!.Orders) {
      const held = state.orders.get(String(order.AmazonOrderId)) as { order: unknown }
      expect(order).toEqual(held.order)
      expect(order).not.toHaveProperty('OrderItems')
    }
    expect(answer.body.payload?.NextToken).toBeUndefined()
    expect(answer.body.payload?.LastUpdatedBefore).toBe(minutesAgo(10).toISOString())
  })

  it('lists only the marketplaces asked for, comma-separated', async () => {
    const us = place(minutesAgo(30))
    const ca = '702-0000000-0000001'
    state.orders.set(ca, {
      order: { AmazonOrderId: ca, MarketplaceId: CA, LastUpdateDate: '2026-11-22T11:40:00Z' },
      orderItems: [],
    })
    const range = window(minutesAgo(60), minutesAgo(5))
    expect(ids(await getOrders(range))).toEqual([us])
    expect(ids(await getOrders({ ...range, MarketplaceIds: CA }))).toEqual([ca])
    expect(ids(await getOrders({ ...range, MarketplaceIds: `${US},${CA}` }))).toEqual([us, ca])
  })

  it('without LastUpdatedBefore, ends the list two minutes before now', async () => {
    const settled = place(minutesAgo(3))
    place(minutesAgo(1))
    const answer = await getOrders({
      MarketplaceIds: US,
      LastUpdatedAfter: minutesAgo(60).toISOString(),
    })
    expect(ids(answer)).toEqual([settled])
    expect(answer.body.payload?.LastUpdatedBefore).toBe(minutesAgo(2).toISOString())
  })
})

describe('NextToken pages', () => {
  it('cover the selection once each, in order, with an opaque token sent encoded', async () => {
    const placed = Array.from({ length: 5 }, (_, i) => place(minutesAgo(50 - i)))
    const token = await accessToken()
    const seen: unknown[] = []
    let answer = await getOrders(
      window(minutesAgo(60), minutesAgo(5), { MaxResultsPerPage: '2' }),
      token,
    )
    const pages = [answer]
    while (answer.body.payload?.NextToken !== undefined) {
      expect(answer.body.payload.Orders).toHaveLength(2)
      expect(answer.body.payload.NextToken).toMatch(/[+/=]/)
      answer = await getOrders(
        { MarketplaceIds: US, NextToken: answer.body.payload.NextToken },
        token,
      )
      pages.push(answer)
    }
    for (const page of pages) seen.push(...(ids(page) ?? []))
    expect(pages).toHaveLength(3)
    expect(seen).toEqual(placed)
  })

  it('keep their place when an order changes between pages: it moves later, none is skipped', async () => {
    const placed = Array.from({ length: 4 }, (_, i) => place(minutesAgo(50 - i)))
    const token = await accessToken()
    const first = await getOrders(
      window(minutesAgo(60), minutesAgo(5), { MaxResultsPerPage: '2' }),
      token,
    )
    expect(ids(first)).toEqual(placed.slice(0, 2))
    // An order already served and one not yet served are cancelled, dated later in the window.
    amazonEmulator.cancelOrder(state, placed[0]!, minutesAgo(30))
    amazonEmulator.cancelOrder(state, placed[2]!, minutesAgo(20))
    const rest: unknown[] = []
    let next = first.body.payload?.NextToken
    while (next !== undefined) {
      const page = await getOrders({ MarketplaceIds: US, NextToken: next }, token)
      rest.push(...(ids(page) ?? []))
      next = page.body.payload?.NextToken
    }
    expect(rest).toEqual([placed[3], placed[0], placed[2]])
  })

  it('refuses a NextToken it did not issue with 400 InvalidInput', async () => {
    place(minutesAgo(30))
    const answer = await getOrders({ MarketplaceIds: US, NextToken: 'bm90IGEgdG9rZW4=' })
    expect(answer.status).toBe(400)
    expect(answer.body.errors).toEqual([
      { code: 'InvalidInput', message: 'Invalid NextToken', details: '' },
    ])
  })
})

describe('refusals', () => {
  it.each([
    ['MaxResultsPerPage 0', { MaxResultsPerPage: '0' }, /MaxResultsPerPage must be 1 - 100/],
    ['MaxResultsPerPage 101', { MaxResultsPerPage: '101' }, /MaxResultsPerPage must be 1 - 100/],
    ['MaxResultsPerPage 2.5', { MaxResultsPerPage: '2.5' }, /MaxResultsPerPage must be 1 - 100/],
    ['no MarketplaceIds', { MarketplaceIds: '' }, /MarketplaceIds is required/],
    ['a bad date', { LastUpdatedAfter: 'yesterday' }, /not an ISO 8601 date/],
    [
      'LastUpdatedBefore before LastUpdatedAfter',
      { LastUpdatedBefore: minutesAgo(70).toISOString() },
      /equal to or after LastUpdatedAfter/,
    ],
    [
      'LastUpdatedBefore under two minutes ago',
      { LastUpdatedBefore: minutesAgo(1).toISOString() },
      /at least 120 s before the current time/,
    ],
    ['CreatedAfter', { CreatedAfter: minutesAgo(60).toISOString() }, /LastUpdatedAfter only/],
  ])('%s is 400 InvalidInput, counted as rejected', async (_, more, says) => {
    place(minutesAgo(30))
    const answer = await getOrders(window(minutesAgo(60), minutesAgo(5), more))
    expect(answer.status).toBe(400)
    expect(answer.body.errors).toHaveLength(1)
    expect(answer.body.errors![0]).toMatchObject({
      code: 'InvalidInput',
      message: expect.stringMatching(says),
    })
    expect(state.stats.rejected).toBe(1)
  })

  it('takes a LastUpdatedBefore as recent as a simulation allows, once it lowers the bound', async () => {
    const recent = place(new Date(NOW.getTime() - 1_000))
    orderListSettings(state).settleMs = 500
    const answer = await getOrders(window(minutesAgo(60), new Date(NOW.getTime() - 500)))
    expect(answer.status).toBe(200)
    expect(ids(answer)).toEqual([recent])
  })
})

describe('update time', () => {
  it('moves on cancellation, even within the second the order was placed', async () => {
    const placedAt = new Date(minutesAgo(30).getTime() + 200)
    const id = place(placedAt)
    const before = (state.orders.get(id) as { order: { LastUpdateDate: string } }).order
    amazonEmulator.cancelOrder(state, id, new Date(placedAt.getTime() + 500))
    const after = (
      state.orders.get(id) as { order: { LastUpdateDate: string; OrderStatus: string } }
    ).order
    expect(after.OrderStatus).toBe('Canceled')
    expect(Date.parse(after.LastUpdateDate)).toBeGreaterThan(Date.parse(before.LastUpdateDate))
    expect(after.LastUpdateDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    // The list has the cancelled state in the window after the placement's second, not in it.
    const placedSecond = new Date(Date.parse(before.LastUpdateDate))
    const atPlacement = await getOrders(window(placedSecond, placedSecond))
    expect(ids(atPlacement)).toEqual([])
    const later = await getOrders(window(new Date(placedSecond.getTime() + 1), minutesAgo(5)))
    expect(later.body.payload?.Orders).toEqual([
      expect.objectContaining({ AmazonOrderId: id, OrderStatus: 'Canceled' }),
    ])
  })
})

describe('usage plan', () => {
  it('counts every call and throttles getOrders at burst 20, naming its rate', async () => {
    const token = await accessToken()
    const callsBefore = state.stats.calls
    const range = window(minutesAgo(60), minutesAgo(5))
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await getOrders(range, token)).status)
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(200))
    expect(statuses[20]).toBe(429)
    const throttled = await getOrders(range, token)
    expect(throttled.headers['x-amzn-ratelimit-limit']).toBe('0.0167')
    expect(throttled.body.errors).toMatchObject([{ code: 'QuotaExceeded' }])
    expect(state.stats.calls - callsBefore).toBe(22)
    expect(state.stats.throttled).toBe(2)
  })
})
