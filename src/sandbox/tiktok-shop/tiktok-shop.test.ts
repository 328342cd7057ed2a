// The TikTok Shop emulator over real HTTP, driven by the hub's own TikTok client (undici
// transport, sandbox credentials): the conformance suite every emulated channel runs
// (src/sandbox/conformance.ts), then what is TikTok's own: stock per warehouse (every warehouse
// required, as TikTok requires it), with the units open orders commit and TikTok's quantity range;
// stock reports banded as TikTok bands them; returns searched page by page; wrong credentials, a
// timestamp outside the marketplace clock's window, a missing content type, a wrong path or method
// refused with TikTok's codes; its per-API rate limit answered 429, which the hub reads as
// `rate-limited`.
import { request } from 'undici'
import { beforeEach, describe, expect, it } from 'vitest'
import { ChannelApiError } from '../../../connectors/shared/api-error.js'
import { CHANNEL_API_POLICY } from '../../outbound/destination-guard.js'
import { createUndiciTransport } from '../../outbound/transport.js'
import { createTikTokShopClient } from '../../../connectors/tiktok-shop/client.js'
import { signedApiQuery } from '../../../connectors/tiktok-shop/sign-request.js'
import { tiktokShop, type TikTokShopCredentials } from '../../../connectors/tiktok-shop/index.js'
import { tiktokShopStock, type TikTokUnit } from '../../../connectors/tiktok-shop/stock.js'
import type { Clock } from '../../clock.js'
import { systemClock } from '../../clock.js'
import { describeEmulatorConformance } from '../conformance.js'
import type { ChannelState } from '../types.js'
import { tiktokShopEmulator } from './index.js'
import { returnsOf } from './records.js'
import { WAREHOUSE_IDS } from './seller.js'
import { failure } from '../../../test/helpers/channel-client.js'
import { receive, useEmulatedChannel } from '../../../test/helpers/emulated-channel.js'

const transport = createUndiciTransport({ policy: CHANNEL_API_POLICY })

const emulator = useEmulatedChannel(tiktokShopEmulator)
let emulatorUrl: string
let state: ChannelState
beforeEach(() => {
  ;({ url: emulatorUrl, state } = emulator)
})

function credentials(overrides: Partial<TikTokShopCredentials> = {}): TikTokShopCredentials {
  return { ...tiktokShop.sandboxCredentials(emulatorUrl), ...overrides }
}

function client(overrides: Partial<TikTokShopCredentials> = {}, clock: Clock = systemClock) {
  return createTikTokShopClient(credentials(overrides), { transport, clock })
}

function unitOf(sku: string): TikTokUnit {
  return tiktokShopStock.unit.parse(tiktokShopEmulator.listingUnit(sku))
}

/** An API call sent as TikTok's clients would, signed, bypassing the hub's own checks. */
async function signedCall(
  path: string,
  opts: {
    readonly method?: 'GET' | 'POST'
    readonly params?: Record<string, string>
    readonly body?: object
    readonly headers?: Record<string, string>
  } = {},
): Promise<{ status: number; json: TikTokAnswer }> {
  const creds = credentials()
  const text = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  const query = signedApiQuery({
    appKey: creds.appKey,
    appSecret: creds.appSecrets[0]!,
    shopCipher: creds.shopCipher,
    now: state.now(),
    path,
    params: opts.params,
    body: text,
  })
  const res = await request(`${creds.apiBaseUrl}${path}?${query.toString()}`, {
    method: opts.method ?? 'POST',
    headers: opts.headers ?? {
      'content-type': 'application/json',
      'x-tts-access-token': creds.accessToken,
    },
    body: text,
  })
  return { status: res.statusCode, json: (await res.body.json()) as TikTokAnswer }
}

interface TikTokAnswer {
  readonly code?: number
  readonly data?: {
    readonly errors?: readonly { code?: number }[]
    readonly return_orders?: readonly { return_id?: string }[]
    readonly total_count?: number
    readonly next_page_token?: string
  }
}

const write = (quantity: number) => ({ quantity, expected: null, idempotencyKey: 'k' })

describeEmulatorConformance({
  emulated: tiktokShopEmulator,
  emulator,
  connector: tiktokShop,
  client: () => client(),
  stock: tiktokShopStock,
  writeStatus: 'applied',
  // The type-1 webhook names the order and its status; Get Order Detail gives the rest.
  thinOrderWebhooks: true,
  orderId: /^57\d{16}$/,
  timeAs: (at) => at.toISOString(),
  linePerUnit: true,
  unknownOrder: { id: '576000000000000000', says: 'not visible yet' },
  // TikTok documents no Retry-After; the client waits its default second.
  injectedRetryAfterMs: 1_000,
})

describe('listing units', () => {
  it('lists a SKU in both of the shop’s warehouses, as TikTok assigns it', () => {
    expect(unitOf('TEE-BLK-M').warehouseIds).toEqual(WAREHOUSE_IDS)
    expect(unitOf('TEE-BLK-L').productId).not.toBe(unitOf('TEE-BLK-M').productId)
  })
})

describe('stock', () => {
  it('reads what buyers left after orders', async () => {
    const api = client()
    await tiktokShopStock.write(api, unitOf('CAP'), write(5))
    expect(
      tiktokShopEmulator.placeOrder(state, [{ sku: 'CAP', quantity: 2 }], new Date()).accepted,
    ).toBe(true)
    expect(await tiktokShopStock.read(api, unitOf('CAP'))).toBe(3)
  })

  it('takes 99,999 and refuses 100,000 with 12052055, as TikTok documents its range', async () => {
    const result = await tiktokShopStock.write(client(), unitOf('BULK'), write(99_999))
    expect(result).toEqual({ status: 'applied', quantity: 99_999 })
    expect(state.stock.get('BULK')).toBe(99_999)
    // Straight to the emulator: the hub's own client refuses such a quantity before sending it.
    const { productId, skuId, warehouseIds } = unitOf('BULK')
    const res = await signedCall(`/product/202309/products/${productId}/inventory/update`, {
      body: {
        skus: [
          {
            id: skuId,
            inventory: warehouseIds.map((id, i) => ({
              warehouse_id: id,
              quantity: i === 0 ? 100_000 : 0,
            })),
          },
        ],
      },
    })
    expect(res.json.data?.errors?.[0]?.code).toBe(12052055)
    expect(state.stock.get('BULK')).toBe(99_999)
  })

  it('takes the SKUs of one product in one call, at most 100 (12052050), each once (12052553)', async () => {
    const skus = Array.from({ length: 101 }, (_, i) => unitOf(`MANY/${i}`))
    const { productId } = skus[0]!
    const entry = (unit: TikTokUnit, quantity: number) => ({
      id: unit.skuId,
      inventory: unit.warehouseIds.map((id, i) => ({
        warehouse_id: id,
        quantity: i === 0 ? quantity : 0,
      })),
    })
    const path = `/product/202309/products/${productId}/inventory/update`
    const tooMany = await signedCall(path, { body: { skus: skus.map((u) => entry(u, 3)) } })
    expect(tooMany.json.code).toBe(12052050)
    expect(state.stats.stockWrites).toBe(0)
    const most = await signedCall(path, {
      body: { skus: skus.slice(0, 100).map((u) => entry(u, 3)) },
    })
    expect([most.json.code, most.json.data?.errors]).toEqual([0, undefined])
    expect(state.stock.get('MANY/99')).toBe(3)
    const twice = await signedCall(path, {
      body: { skus: [entry(skus[0]!, 4), entry(skus[0]!, 5), entry(skus[1]!, 6)] },
    })
    expect(twice.json.data?.errors?.map((e) => e.code)).toEqual([12052553])
    expect([state.stock.get('MANY/0'), state.stock.get('MANY/1')]).toEqual([4, 6])
  })

  it('applies each SKU of a call on its own, and refuses a negative quantity (12052055)', async () => {
    const [a, b] = [unitOf('PAIR/a'), unitOf('PAIR/b')]
    state.stock.set('PAIR/a', 2).set('PAIR/b', 2)
    const res = await signedCall(`/product/202309/products/${a.productId}/inventory/update`, {
      body: {
        skus: [
          {
            id: a.skuId,
            inventory: a.warehouseIds.map((id) => ({ warehouse_id: id, quantity: -1 })),
          },
          {
            id: b.skuId,
            inventory: b.warehouseIds.map((id) => ({ warehouse_id: id, quantity: 0 })),
          },
        ],
      },
    })
    expect(res.json.data?.errors?.map((e) => e.code)).toEqual([12052055])
    expect([state.stock.get('PAIR/a'), state.stock.get('PAIR/b')]).toEqual([2, 0])
  })

  it('keeps each warehouse’s units as written, and reports the units open orders commit', async () => {
    const api = client()
    const { productId, skuId, warehouseIds } = unitOf('CUP')
    const [W1, W2] = warehouseIds as [string, string]
    await api.setStock({
      productId,
      skuId,
      warehouses: [
        { warehouseId: W1, quantity: 3 },
        { warehouseId: W2, quantity: 2 },
      ],
    })
    const levels = async () =>
      (await api.getInventory([productId]))[0]?.warehouses.map((w) => [
        w.availableQuantity,
        w.committedQuantity,
      ])
    expect(await levels()).toEqual([
      [3, 0],
      [2, 0],
    ])
    const placed = tiktokShopEmulator.placeOrder(state, [{ sku: 'CUP', quantity: 4 }], new Date())
    if (!placed.accepted) throw new Error(placed.reason)
    // Sold from the first warehouse holding units, then the next; the order (which ships from the
    // first warehouse) commits all four there.
    expect(await levels()).toEqual([
      [0, 4],
      [1, 0],
    ])
    const report = JSON.parse(tiktokShopEmulator.reportStock!(state, 'CUP', new Date())!.body)
    expect(report.data.inventory_distribution).toMatchObject({
      total_quantity: 5,
      available_quantity: 1,
      committed_quantity: 4,
    })
    tiktokShopEmulator.cancelOrder(state, placed.orderId, new Date())
    expect(await levels()).toEqual([
      [3, 0],
      [2, 0],
    ])
  })

  it('refuses a write that leaves out one of the SKU’s warehouses (12019028)', async () => {
    const unit = unitOf('SOCKS')
    state.stock.set('SOCKS', 4)
    const partial = { ...unit, warehouseIds: [unit.warehouseIds[0]!] }
    const err = await failure(tiktokShopStock.write(client(), partial, write(9)))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('12019028')
    expect(state.stock.get('SOCKS')).toBe(4)
    expect(state.stats.rejected).toBe(1)
  })

  it('refuses a warehouse the SKU is not assigned to', async () => {
    const unit = unitOf('SOCKS')
    const wrong = { ...unit, warehouseIds: [...unit.warehouseIds, '7290000000000000999'] }
    const err = await failure(tiktokShopStock.write(client(), wrong, write(9)))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('12052990')
    expect(err.message).toContain('12052097')
  })

  it('refuses a product the shop does not list', async () => {
    const unit = { ...unitOf('SOCKS'), productId: '1799999999999999999' }
    const err = await failure(tiktokShopStock.write(client(), unit, write(1)))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('12052032')
  })
})

describe('returns', () => {
  it('pages Search Returns in create_time order, refusing a page size outside [10, 50] or a token it did not issue', async () => {
    for (let i = 12; i >= 1; i -= 1) {
      const order = i % 2 === 1 ? 'A' : 'B'
      returnsOf(state).set(`R${i}`, { return_id: `R${i}`, order_id: order, create_time: i })
    }
    const search = async (params: Record<string, string>, body: object = {}) =>
      (await signedCall('/return_refund/202309/returns/search', { params, body })).json
    const ids = (answer: TikTokAnswer) => answer.data?.return_orders?.map((r) => r.return_id)
    const first = await search({})
    expect(ids(first)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10'])
    expect(first.data?.total_count).toBe(12)
    const second = await search({ page_size: '10', page_token: first.data!.next_page_token! })
    expect(ids(second)).toEqual(['R11', 'R12'])
    expect(second.data?.next_page_token).toBe('')
    expect(ids(await search({ page_size: '50' }, { order_ids: ['A'] }))).toEqual([
      'R1',
      'R3',
      'R5',
      'R7',
      'R9',
      'R11',
    ])
    expect(ids(await search({}, { return_ids: ['R5', 'R2'] }))).toEqual(['R2', 'R5'])
    for (const bad of [
      { page_size: '9' },
      { page_size: '51' },
      { page_token: 'bm9wZQ==' },
    ] as Record<string, string>[]) {
      expect((await search(bad)).code).toBe(25001001)
    }
  })
})

describe('stock reports (type 27)', () => {
  it.each([
    [3, 'low_stock'],
    [0, 'out_of_stock'],
    [40, 'in_stock'],
  ] as const)(
    'reports %i units as an inventory level of the listing’s unit (%s)',
    async (qty, band) => {
      state.stock.set('TEE', qty)
      const webhook = tiktokShopEmulator.reportStock!(state, 'TEE', new Date())
      const { observations } = await receive(webhook!, {
        connector: tiktokShop,
        credentials: credentials(),
      })
      const [observation] = observations
      if (observation?.kind !== 'inventory-level') throw new Error('not an inventory level')
      expect(observation.data.available).toBe(qty)
      expect(observation.data.stockStatus).toBe(band)
      expect(tiktokShopStock.reportedUnitKey(observation.data.listing)).toBe(
        tiktokShopStock.unitKey(unitOf('TEE')),
      )
    },
  )
})

describe('authentication', () => {
  it.each([
    ['a wrong app secret', '106001', { appSecrets: ['not-the-secret'] }],
    ['a wrong access token', '36009004', { accessToken: 'not-the-token' }],
    ['a wrong app key', '36009004', { appKey: 'not-the-key' }],
    ['another shop’s cipher', '101000', { shopCipher: 'OTHER_SHOP' }],
  ] satisfies [string, string, Partial<TikTokShopCredentials>][])(
    'refuses %s as unauthorized (code %s)',
    async (_what, code, overrides) => {
      state.stock.set('TEE', 1)
      const err = await failure(tiktokShopStock.read(client(overrides), unitOf('TEE')))
      expect(err.kind).toBe('unauthorized')
      expect(err.details.code).toBe(code)
      expect(state.stats.rejected).toBe(1)
    },
  )

  it('refuses a timestamp more than 5 minutes old', async () => {
    const late = { now: () => new Date(Date.now() - 6 * 60_000) }
    const err = await failure(tiktokShopStock.read(client({}, late), unitOf('TEE')))
    expect(err.kind).toBe('unauthorized')
    expect(err.details.code).toBe('36009004')
  })

  it('judges the timestamp by the marketplace’s clock: [now − 5 min, now + 30 s]', async () => {
    const read = () => tiktokShopStock.read(client(), unitOf('TEE'))
    state.now = () => new Date(Date.now() + 6 * 60_000)
    expect((await failure(read())).details.code).toBe('36009004')
    state.now = () => new Date(Date.now() - 60_000)
    expect((await failure(read())).details.code).toBe('36009004')
    state.now = () => new Date(Date.now() - 20_000)
    expect(await read()).toBeNull()
  })

  it('refuses a call without the JSON content type every endpoint requires, GET included', async () => {
    const token = credentials().accessToken
    const res = await signedCall('/order/202309/orders', {
      method: 'GET',
      params: { ids: '1' },
      headers: { 'x-tts-access-token': token },
    })
    expect(res.json).toMatchObject({ code: 36009022 })
  })

  it('refuses an unsigned call, an unknown path and a wrong method with TikTok’s envelope', async () => {
    const base = `${emulatorUrl}/tiktok-shop`
    const unsigned = await request(`${base}/order/202309/orders?ids=1`, { method: 'GET' })
    expect(await unsigned.body.json()).toMatchObject({ code: 36009004 })
    const unknown = await request(`${base}/product/202309/nothing`, { method: 'GET' })
    expect(unknown.statusCode).toBe(404)
    expect(await unknown.body.json()).toMatchObject({ code: 36009009 })
    for (const [method, path] of [
      ['POST', '/order/202309/orders'],
      ['GET', '/product/202309/products/1729000000000000001/inventory/update'],
    ] as const) {
      const wrong = await request(`${base}${path}`, { method })
      expect(wrong.statusCode).toBe(405)
      expect(await wrong.body.json()).toMatchObject({ code: 36009010 })
    }
  })
})

describe('rate limits', () => {
  it('throttles beyond 50 calls per second to one API, but not another API', async () => {
    state.stock.set('TEE', 1)
    // The marketplace's clock stands still, so no token comes back however slow the calls.
    const frozen = new Date()
    state.now = () => frozen
    // A client that does not pace itself, to reach the emulator's limit.
    const eager = client({ rateLimitPerSecond: 10_000 })
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => tiktokShopStock.read(eager, unitOf('TEE'))),
    )
    const throttled = results.filter(
      (r) =>
        r.status === 'rejected' &&
        r.reason instanceof ChannelApiError &&
        r.reason.kind === 'rate-limited' &&
        r.reason.details.status === 429,
    )
    const answered = results.filter((r) => r.status === 'fulfilled')
    expect(throttled.length + answered.length).toBe(200)
    // The burst of 50 got through, and nothing more.
    expect(answered.length).toBe(50)
    expect(state.stats.throttled).toBe(throttled.length)
    // The limit is per API: stock writes still pass.
    await tiktokShopStock.write(eager, unitOf('TEE'), write(2))
    expect(state.stock.get('TEE')).toBe(2)
  })
})
