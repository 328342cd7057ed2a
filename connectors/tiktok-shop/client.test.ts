// De-risks the TikTok Shop API client against the TikTok emulator (src/sandbox/tiktok-shop/, behind
// msw at TikTok's real host), which checks every request's signature with its own independently
// written recipe: signing and the query/header shape, order and return reads (batching, pages,
// lossless ids, "not visible yet"), hydration keys, stock writes (all warehouses, 0, above the
// maximum, per-SKU errors), inventory reads, error classification, pacing and timeouts. Answers
// only a failing or unusual TikTok gives are injected as emulator faults.
import { describe, expect, it } from 'vitest'
import { returnsPageToken } from '../../src/sandbox/tiktok-shop/orders.js'
import { returnsOf } from '../../src/sandbox/tiktok-shop/records.js'
import { requestSignature } from '../../src/sandbox/tiktok-shop/sign.js'
import { tiktokShopEmulator } from '../../src/sandbox/tiktok-shop/index.js'
import type { ArrivedRequest, Fault } from '../../src/sandbox/faults.js'
import {
  clientContext,
  failure,
  itClassifiesAnswers,
  itRefusesUnusableAnswers,
  testClock,
  type ClassificationCase,
  type CallUnderTest,
} from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import { createTikTokShopClient, MAX_STOCK_QUANTITY } from './client.js'
import { TikTokShopCredentials } from './config.js'
import { tiktokShop } from './index.js'
import { apiRequestSignature, signedApiQuery } from './sign-request.js'
import { tiktokShopStock } from './stock.js'

/** TikTok's own host: msw hands every call to it to the emulator. */
const BASE = 'https://open-api.tiktokglobalshop.com'
const START = new Date('2026-11-22T12:00:00Z')

const clock = testClock(START)
const emulator = useEmulatorOverMsw(tiktokShopEmulator, { bases: [BASE], now: clock.now })

// The sandbox app the emulator knows, with a second, older secret listed after the signing one.
const sandbox = tiktokShop.sandboxCredentials('http://unused.invalid')
const APP_SECRET = sandbox.appSecrets[0]!
const ACCESS_TOKEN = sandbox.accessToken
const credentials = TikTokShopCredentials.parse({
  ...sandbox,
  appSecrets: [APP_SECRET, 'previous-app-secret'],
  apiBaseUrl: BASE,
})

function setup(overrides: Partial<TikTokShopCredentials> = {}) {
  return createTikTokShopClient({ ...credentials, ...overrides }, clientContext(clock))
}

/** Every request that reached the emulated API, in order. */
const calls = (): readonly ArrivedRequest[] => emulator.state.requests
const queryOf = (call: ArrivedRequest) => new URLSearchParams(call.rawQuery)

const order = (id: string) => ({ id, status: 'AWAITING_SHIPMENT' })
const seedOrders = (ids: readonly string[]) => {
  for (const id of ids) emulator.state.orders.set(id, order(id))
}
const seedReturn = (id: string, createTime = 1) => {
  const record = { return_id: id, order_id: '1', create_time: createTime }
  returnsOf(emulator.state).set(id, record)
  return record
}

/** The ids the emulated shop lists an internal SKU under. */
const unitOf = (sku: string) => tiktokShopStock.unit.parse(tiktokShopEmulator.listingUnit(sku))

describe('request signing', () => {
  it("reproduces the doc's worked example (secret e59af819cc, Get Authorized Shops)", () => {
    // https://partner.tiktokshop.com/docv2/page/sign-your-api-request, step-by-step breakdown.
    const expected = 'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8'
    const req = {
      path: '/authorization/202309/shops',
      query: { app_key: '29a39d', timestamp: '1623812664' },
    }
    expect(apiRequestSignature('e59af819cc', req)).toBe(expected)
    const query = new URLSearchParams({ ...req.query, sign: expected, access_token: 'ignored' })
    expect(
      requestSignature('e59af819cc', {
        path: req.path,
        query,
        body: '',
        contentType: 'application/json',
      }),
    ).toBe(expected)
  })

  it('signs the JSON body, sorts keys, skips sign and access_token, and skips multipart bodies', () => {
    const query = { timestamp: '1700000000', app_key: 'k', shop_cipher: 'c', page_size: '50' }
    const body = '{"return_ids":["1"]}'
    const signed = apiRequestSignature('s3cret', { path: '/p', query, body })
    const sent = new URLSearchParams({ ...query, sign: signed })
    expect(
      requestSignature('s3cret', {
        path: '/p',
        query: sent,
        body,
        contentType: 'application/json',
      }),
    ).toBe(signed)
    expect(
      apiRequestSignature('s3cret', { path: '/p', query: { ...query, access_token: 'x' }, body }),
    ).toBe(signed)
    expect(apiRequestSignature('s3cret', { path: '/p', query, body: '{}' })).not.toBe(signed)
    expect(
      apiRequestSignature('s3cret', {
        path: '/p',
        query,
        body,
        contentType: 'multipart/form-data; boundary=x',
      }),
    ).toBe(apiRequestSignature('s3cret', { path: '/p', query }))
  })

  it('builds app_key, timestamp (Unix seconds), shop_cipher and sign, and refuses to override them', () => {
    const query = signedApiQuery({
      appKey: 'k',
      appSecret: 's',
      shopCipher: 'c',
      now: new Date('2026-11-22T12:00:00.999Z'),
      path: '/order/202309/orders',
      params: { ids: '1,2' },
    })
    expect([...query.keys()].sort()).toEqual(['app_key', 'ids', 'shop_cipher', 'sign', 'timestamp'])
    expect(query.get('timestamp')).toBe(String(Math.floor(START.getTime() / 1000)))
    expect(() =>
      signedApiQuery({
        appKey: 'k',
        appSecret: 's',
        now: START,
        path: '/p',
        params: { sign: 'x' },
      }),
    ).toThrow(/set by the signer/)
  })
})

describe('every call', () => {
  it('is signed, carries the token header and the common query, never access_token', async () => {
    const client = setup()
    const unit = unitOf('TEE')
    seedOrders(['1'])
    seedReturn('9')
    await client.getOrders(['1'])
    await client.getReturns(['9'])
    await client.setStock({
      productId: unit.productId,
      skuId: unit.skuId,
      warehouses: unit.warehouseIds.map((warehouseId) => ({ warehouseId, quantity: 5 })),
    })
    await client.getInventory([unit.productId])

    expect(calls()).toHaveLength(4)
    expect(emulator.state.stats.rejected).toBe(0)
    for (const call of calls()) {
      const query = queryOf(call)
      const contentType = call.headers['content-type']!
      expect(query.get('sign')).toBe(
        requestSignature(APP_SECRET, { path: call.path, query, body: call.body, contentType }),
      )
      expect(Object.fromEntries(query)).toMatchObject({
        app_key: sandbox.appKey,
        shop_cipher: sandbox.shopCipher,
        timestamp: String(START.getTime() / 1000),
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      })
      expect(query.has('access_token')).toBe(false)
      expect(call.rawQuery).not.toContain(ACCESS_TOKEN)
      expect(call.headers['x-tts-access-token']).toBe(ACCESS_TOKEN)
      expect(contentType).toBe('application/json')
    }
  })

  it('is refused by the emulator when signed with another secret (the check is real)', async () => {
    const client = setup({ appSecrets: ['previous-app-secret', APP_SECRET] })
    seedOrders(['1'])
    const err = await failure(client.getOrders(['1']))
    expect(err).toMatchObject({ kind: 'unauthorized', details: { code: '106001' } })
    expect(emulator.state.stats.rejected).toBe(1)
  })
})

describe('getOrders', () => {
  it('splits more than 50 ids into calls of at most 50 and returns every record by id', async () => {
    const ids = Array.from({ length: 75 }, (_, i) => String(576486316948490000n + BigInt(i)))
    seedOrders(ids)
    const orders = await setup().getOrders([...ids, ids[0]!])
    expect(calls().map((c) => queryOf(c).get('ids')?.split(',').length)).toEqual([50, 25])
    expect([...orders.keys()]).toEqual(ids)
    expect(orders.get(ids[74]!)).toEqual(order(ids[74]!))
  })

  it('keeps integers beyond 2^53 exact', async () => {
    // TikTok documents its ids as strings; a bare number beyond 2^53 is the unusual answer the
    // client must still read without rounding, so it is injected as raw JSON text.
    emulator.state.faults.add({
      method: 'GET',
      path: '/order/202309/orders',
      answer: () =>
        new Response(
          '{"code":0,"message":"Success","request_id":"R","data":{"orders":[{"id":576486316948490001,"user_id":7021436810468230477}]}}',
          { headers: { 'content-type': 'application/json' } },
        ),
    })
    const orders = await setup().getOrders(['576486316948490001'])
    expect(orders.get('576486316948490001')).toEqual({
      id: '576486316948490001',
      user_id: '7021436810468230477',
    })
  })

  it('fails transient when TikTok does not return an id yet, naming it', async () => {
    seedOrders(['1'])
    const err = await failure(setup().getOrders(['1', '576486316948490002']))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/not visible yet: 576486316948490002/)
    expect(err.message).toMatch(/request_id EMU/)
  })

  it('makes no call for no ids, and refuses an id that would break the comma list', async () => {
    const client = setup()
    expect((await client.getOrders([])).size).toBe(0)
    expect((await failure(client.getOrders(['1,2']))).kind).toBe('permanent')
    expect(calls()).toHaveLength(0)
  })
})

describe('getReturns', () => {
  it('searches by return ids with the largest page size, 50 ids per call', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => String(4035318504086604100n + BigInt(i)))
    ids.forEach((id, i) => seedReturn(id, i))
    const returns = await setup().getReturns(ids)
    expect(returns.size).toBe(60)
    expect(
      calls().map((c) => [
        c.path,
        queryOf(c).get('page_size'),
        (JSON.parse(c.body) as { return_ids: string[] }).return_ids.length,
      ]),
    ).toEqual([
      ['/return_refund/202309/returns/search', '50', 50],
      ['/return_refund/202309/returns/search', '50', 10],
    ])
  })

  it('follows next_page_token while ids are still missing', async () => {
    seedReturn('1', 1)
    const second = seedReturn('2', 2)
    // One page holds every id the client asks for, so TikTok paginating them is the unusual
    // answer: the first page is injected, and its token leads to the emulator's second page.
    const token = returnsPageToken(1)
    emulator.state.faults.add({
      path: '/return_refund/202309/returns/search',
      answer: () =>
        Response.json({
          code: 0,
          message: 'Success',
          request_id: 'R1',
          data: { return_orders: [{ return_id: '1' }], next_page_token: token },
        }),
    })
    const returns = await setup().getReturns(['1', '2'])
    expect(returns.get('2')).toEqual(second)
    expect(calls().map((c) => queryOf(c).get('page_token'))).toEqual([null, token])
  })

  it('fails transient for a return TikTok does not list', async () => {
    const err = await failure(setup().getReturns(['4035318504086604100']))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/returns not visible yet: 4035318504086604100/)
  })
})

describe('hydrate', () => {
  it('batches needs per kind and keys the records by hydrationKey', async () => {
    seedOrders(['11', '12'])
    const returned = { return_id: '21', order_id: '11' }
    returnsOf(emulator.state).set('21', returned)
    const hydrated = await setup().hydrate([
      { kind: 'order', id: '11' },
      { kind: 'return', id: '21', orderId: '11' },
      { kind: 'order', id: '12' },
      { kind: 'order', id: '11' },
    ])
    expect(hydrated).toEqual({
      'order:11': order('11'),
      'order:12': order('12'),
      'return:21': returned,
    })
    const orderCalls = calls().filter((c) => c.path === '/order/202309/orders')
    expect(orderCalls.map((c) => queryOf(c).get('ids'))).toEqual(['11,12'])
  })

  it('is all or nothing: one missing record fails the whole hydration', async () => {
    seedOrders(['11'])
    const err = await failure(
      setup().hydrate([
        { kind: 'order', id: '11' },
        { kind: 'return', id: '21', orderId: '11' },
      ]),
    )
    expect(err.kind).toBe('transient')
  })
})

describe('setStock', () => {
  const unit = unitOf('TEE')
  const [W1, W2] = unit.warehouseIds as [string, string]
  const update = (first: number, second = 0) => ({
    productId: unit.productId,
    skuId: unit.skuId,
    warehouses: [
      { warehouseId: W1, quantity: first },
      { warehouseId: W2, quantity: second },
    ],
  })
  const sentInventory = (call: ArrivedRequest | undefined) =>
    (JSON.parse(call!.body) as { skus: { inventory: unknown[] }[] }).skus[0]!.inventory

  it('sends every warehouse of the SKU with absolute quantities', async () => {
    await expect(setup().setStock(update(17))).resolves.toEqual({ status: 'applied' })
    expect(calls()[0]?.path).toBe(`/product/202309/products/${unit.productId}/inventory/update`)
    expect(JSON.parse(calls()[0]!.body)).toEqual({
      skus: [
        {
          id: unit.skuId,
          inventory: [
            { warehouse_id: W1, quantity: 17 },
            { warehouse_id: W2, quantity: 0 },
          ],
        },
      ],
    })
    expect(emulator.state.stock.get('TEE')).toBe(17)
  })

  it('sends 0 as 0; if TikTok refuses it, the permanent error names the SKU', async () => {
    const client = setup()
    await client.setStock(update(0))
    expect(sentInventory(calls()[0])).toEqual([
      { warehouse_id: W1, quantity: 0 },
      { warehouse_id: W2, quantity: 0 },
    ])
    expect(emulator.state.stock.get('TEE')).toBe(0)
    // Whether TikTok takes 0 is unconfirmed (its documented range is [1, 99,999]); its refusal,
    // were it to come, is injected.
    emulator.state.faults.add({
      path: '/product/202309/products/',
      answer: () =>
        Response.json({
          code: 0,
          message: 'Success',
          request_id: 'R',
          data: {
            errors: [
              {
                code: 12052055,
                message:
                  'The SKU inventory quantity for the warehouse must be within allowed limits.',
                detail: { sku_id: unit.skuId, extra_errors: [] },
              },
            ],
          },
        }),
    })
    const err = await failure(client.setStock(update(0)))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain(`sku ${unit.skuId}: code 12052055`)
    expect(err.details.code).toBe('12052055')
  })

  it(`sends ${MAX_STOCK_QUANTITY} as is and refuses more without calling TikTok`, async () => {
    const client = setup()
    await expect(client.setStock(update(MAX_STOCK_QUANTITY))).resolves.toEqual({
      status: 'applied',
    })
    expect(sentInventory(calls()[0])).toEqual([
      { warehouse_id: W1, quantity: MAX_STOCK_QUANTITY },
      { warehouse_id: W2, quantity: 0 },
    ])
    expect(emulator.state.stock.get('TEE')).toBe(MAX_STOCK_QUANTITY)
    const err = await failure(client.setStock(update(MAX_STOCK_QUANTITY + 1)))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain(`not a whole number from 0 to ${MAX_STOCK_QUANTITY}`)
    expect(calls()).toHaveLength(1)
  })

  it('refuses, without calling TikTok, an empty warehouse list and impossible quantities', async () => {
    const client = setup()
    const cases = [
      { ...update(1), warehouses: [] },
      { ...update(1), warehouses: [{ warehouseId: W1, quantity: -1 }] },
      { ...update(1), warehouses: [{ warehouseId: W1, quantity: 1.5 }] },
      {
        ...update(1),
        warehouses: [
          { warehouseId: W1, quantity: 1 },
          { warehouseId: W1, quantity: 2 },
        ],
      },
      { ...update(1), productId: '../orders' },
    ]
    for (const bad of cases) expect((await failure(client.setStock(bad))).kind).toBe('permanent')
    const empty = await failure(client.setStock(cases[0]!))
    expect(empty.message).toMatch(/no warehouses listed/)
    expect(calls()).toHaveLength(0)
  })

  it('turns per-SKU errors in data.errors into a permanent error listing them', async () => {
    emulator.state.stock.set('TEE', 4)
    const stranger = '7290000000000000999'
    const withStranger = {
      ...update(3),
      warehouses: [...update(3).warehouses, { warehouseId: stranger, quantity: 0 }],
    }
    const err = await failure(setup().setStock(withStranger))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('12052990')
    expect(err.message).toContain(
      `sku ${unit.skuId}: code 12052990 "The check failed." [warehouse ${stranger}: code 12052097 "The warehouse does not exist"]`,
    )
    expect(emulator.state.stock.get('TEE')).toBe(4)
  })
})

describe('getInventory', () => {
  it('reports per SKU and warehouse the units available and those open orders commit', async () => {
    const unit = unitOf('TEE')
    emulator.state.stock.set('TEE', 101)
    const placed = tiktokShopEmulator.placeOrder(
      emulator.state,
      [{ sku: 'TEE', quantity: 1 }],
      START,
    )
    expect(placed.accepted).toBe(true)
    const [W1, W2] = unit.warehouseIds
    await expect(setup().getInventory([unit.productId, 'unknown'])).resolves.toEqual([
      {
        productId: unit.productId,
        skuId: unit.skuId,
        sellerSku: 'TEE',
        warehouses: [
          { warehouseId: W1, availableQuantity: 100, committedQuantity: 1 },
          { warehouseId: W2, availableQuantity: 0, committedQuantity: 0 },
        ],
      },
    ])
    expect(JSON.parse(calls()[0]!.body)).toEqual({ product_ids: [unit.productId, 'unknown'] })
  })
})

describe('error classification', () => {
  const getOrders: CallUnderTest<ReturnType<typeof setup>> = {
    setup: (overrides) => setup(overrides),
    call: (client) => client.getOrders(['1']),
    inject: (fault: Fault) =>
      emulator.state.faults.add({ method: 'GET', path: '/order/202309/orders', ...fault }),
  }
  const envelope = (code: number, message: string, init: ResponseInit = {}) =>
    Response.json({ code, message, request_id: 'REQ-1' }, init)
  const cases: ClassificationCase[] = [
    {
      // TikTok documents no Retry-After (channels.md §4 B2); the client honours one if sent.
      name: 'HTTP 429 with Retry-After',
      reply: () =>
        envelope(36009002, 'Too many requests', { status: 429, headers: { 'retry-after': '7' } }),
      kind: 'rate-limited',
      retryAfterMs: 7_000,
    },
    {
      name: 'HTTP 429 without Retry-After',
      reply: () => new Response(null, { status: 429 }),
      kind: 'rate-limited',
      retryAfterMs: 1_000,
    },
    {
      name: 'HTTP 500',
      reply: () => new Response('oops', { status: 500 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 503 (platform overload)',
      reply: () => new Response(null, { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 401',
      reply: () => new Response(null, { status: 401 }),
      kind: 'unauthorized',
    },
    {
      name: 'HTTP 403',
      reply: () => new Response(null, { status: 403 }),
      kind: 'unauthorized',
    },
    {
      name: 'HTTP 404',
      reply: () => new Response('not found', { status: 404 }),
      kind: 'permanent',
    },
    {
      name: 'HTTP 400 carrying the expired-token code',
      reply: () => envelope(105002, 'Expired credentials.', { status: 400 }),
      kind: 'unauthorized',
      code: '105002',
    },
    {
      name: 'code 105002 (expired access token)',
      reply: () => envelope(105002, 'Expired credentials.'),
      kind: 'unauthorized',
      code: '105002',
    },
    {
      name: 'code 36009004 (invalid access token)',
      reply: () => envelope(36009004, 'Invalid credentials.'),
      kind: 'unauthorized',
      code: '36009004',
    },
    {
      name: 'code 105005 (missing scope)',
      reply: () => envelope(105005, 'Access denied.'),
      kind: 'unauthorized',
      code: '105005',
    },
    {
      name: 'code 36009002 (too many requests)',
      reply: () => envelope(36009002, 'Too many requests.'),
      kind: 'rate-limited',
      retryAfterMs: 1_000,
      code: '36009002',
    },
    {
      name: 'code 36009003 (internal error)',
      reply: () => envelope(36009003, 'Internal error. Please try again.'),
      kind: 'transient',
      code: '36009003',
    },
    {
      name: 'code 36009007 (request timeout)',
      reply: () => envelope(36009007, 'Request timeout.'),
      kind: 'transient',
      code: '36009007',
    },
    {
      name: 'a business code (12052048)',
      reply: () => envelope(12052048, 'You cannot edit the specified product(s).'),
      kind: 'permanent',
      code: '12052048',
    },
    {
      name: 'HTTP 200 with a body that is not JSON',
      reply: () => new Response('<html>gateway</html>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 200 with JSON but no code',
      reply: () => Response.json({ data: {} }),
      kind: 'transient',
    },
  ]

  itClassifiesAnswers(getOrders, cases, (err, _client, { code }) => {
    if (code !== undefined) expect(err.message).toContain(`code ${code}`)
    expect(err.message).toContain('TikTok Shop get orders')
    expect(err.message).not.toContain(ACCESS_TOKEN)
    expect(err.message).not.toContain(APP_SECRET)
  })

  it("includes TikTok's message and request_id, with credentials redacted", async () => {
    getOrders.inject({
      answer: () =>
        Response.json({
          code: 36009004,
          message: `Invalid credentials. token ${ACCESS_TOKEN} is invalid`,
          request_id: '202203070749000101890810281E8C70B7',
        }),
    })
    const err = await failure(setup().getOrders(['1']))
    expect(err.message).toContain('request_id 202203070749000101890810281E8C70B7')
    expect(err.message).toContain('"Invalid credentials. token [redacted] is invalid"')
  })

  itRefusesUnusableAnswers(getOrders, (filler) => `{"code":0,"data":{"x":"${filler}"}}`)
})

describe('rate limiting', () => {
  it('paces each API separately and refuses locally instead of waiting long', async () => {
    const client = setup({ rateLimitPerSecond: 0.2 })
    seedOrders(['1'])
    await client.getOrders(['1'])
    // The next token for this API is 5 s away: more than the bucket will park a worker for.
    const err = await failure(client.getOrders(['1']))
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 5_000 } })
    expect(calls()).toHaveLength(1)
    // Another API has its own bucket.
    await client.getInventory(['100'])
    expect(calls()).toHaveLength(2)
    clock.advance(5_000)
    await client.getOrders(['1'])
    expect(calls()).toHaveLength(3)
  })
})
