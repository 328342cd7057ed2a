// De-risks the TikTok Shop API client against an msw stand-in that checks every request with an
// independently written signature verifier: signing and the query/header shape, order and return
// reads (batching, lossless ids, "not visible yet"), hydration keys, stock writes (all
// warehouses, 0, above the maximum, per-SKU errors), error classification, pacing and timeouts.
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  hasValidTikTokSignature,
  tiktokApiSignature,
  tiktokError,
  tiktokShopApi,
  type ServedRecord,
  type TikTokShopApiOptions,
} from '../../test/channels/tiktok-shop-api.js'
import {
  clientContext,
  failure,
  itClassifiesAnswers,
  itRefusesUnusableAnswers,
  serve,
  testClock,
  type CallUnderTest,
  type ClassificationCase,
} from '../../test/helpers/channel-client.js'
import { mswServer } from '../../test/setup-msw.js'
import { TikTokShopCredentials } from './config.js'
import { createTikTokShopClient, MAX_STOCK_QUANTITY } from './client.js'
import { apiRequestSignature, signedApiQuery } from './sign-request.js'

const BASE = 'https://open-api.tiktok.test'
const APP_SECRET = 'test-app-secret-0001'
const ACCESS_TOKEN = 'TTP_test-access-token-0001'
const SHOP_CIPHER = 'ROW_test-shop-cipher'
const START = new Date('2026-11-22T12:00:00Z')

const clock = testClock(START)

const credentials = TikTokShopCredentials.parse({
  appKey: 'test-app-key',
  appSecrets: [APP_SECRET, 'previous-app-secret'],
  accessToken: ACCESS_TOKEN,
  shopCipher: SHOP_CIPHER,
  apiBaseUrl: BASE,
})

function setup(
  api: Partial<TikTokShopApiOptions> = {},
  overrides: Partial<TikTokShopCredentials> = {},
) {
  const emulator = serve(
    tiktokShopApi({
      baseUrl: BASE,
      appKey: 'test-app-key',
      appSecret: APP_SECRET,
      accessToken: ACCESS_TOKEN,
      shopCipher: SHOP_CIPHER,
      now: clock.now,
      ...api,
    }),
  )
  const client = createTikTokShopClient({ ...credentials, ...overrides }, clientContext(clock))
  return { client, calls: emulator.calls }
}

const order = (id: string, extra: object = {}) => ({ id, status: 'AWAITING_SHIPMENT', ...extra })
const ordersMap = (ids: readonly string[]) =>
  new Map<string, ServedRecord>(ids.map((id) => [id, order(id)]))

describe('request signing', () => {
  it("reproduces the doc's worked example (secret e59af819cc, Get Authorized Shops)", () => {
    // https://partner.tiktokshop.com/docv2/page/sign-your-api-request, step-by-step breakdown.
    const expected = 'b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8'
    const req = {
      path: '/authorization/202309/shops',
      query: { app_key: '29a39d', timestamp: '1623812664' },
    }
    expect(apiRequestSignature('e59af819cc', req)).toBe(expected)
    const url = new URL(
      `https://x.test/authorization/202309/shops?app_key=29a39d&timestamp=1623812664&sign=${expected}&access_token=ignored`,
    )
    expect(tiktokApiSignature('e59af819cc', url, '', 'application/json')).toBe(expected)
  })

  it('signs the JSON body, sorts keys, skips sign and access_token, and skips multipart bodies', () => {
    const query = { timestamp: '1700000000', app_key: 'k', shop_cipher: 'c', page_size: '50' }
    const body = '{"return_ids":["1"]}'
    const signed = apiRequestSignature('s3cret', { path: '/p', query, body })
    const url = new URL(
      `https://x.test/p?${new URLSearchParams({ ...query, sign: signed }).toString()}`,
    )
    expect(hasValidTikTokSignature('s3cret', url, body, 'application/json')).toBe(true)
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
    const { client, calls } = setup({
      orders: ordersMap(['1']),
      returns: new Map([['9', { return_id: '9', order_id: '1' }]]),
      inventory: new Map([['100', []]]),
    })
    await client.getOrders(['1'])
    await client.getReturns(['9'])
    await client.setStock({
      productId: '100',
      skuId: '200',
      warehouses: [{ warehouseId: 'W1', quantity: 5 }],
    })
    await client.getInventory(['100'])

    expect(calls).toHaveLength(4)
    for (const call of calls) {
      expect(call.refusedWith).toBeUndefined()
      const url = new URL(`${BASE}${call.path}?${new URLSearchParams(call.query).toString()}`)
      expect(
        hasValidTikTokSignature(APP_SECRET, url, call.body, call.headers['content-type']!),
      ).toBe(true)
      expect(call.query).toMatchObject({
        app_key: 'test-app-key',
        shop_cipher: SHOP_CIPHER,
        timestamp: String(START.getTime() / 1000),
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      })
      expect(call.query).not.toHaveProperty('access_token')
      expect(Object.values(call.query).join(' ')).not.toContain(ACCESS_TOKEN)
      expect(call.headers['x-tts-access-token']).toBe(ACCESS_TOKEN)
      expect(call.headers['content-type']).toBe('application/json')
    }
  })

  it('is refused by the verifier when signed with another secret (the check is real)', async () => {
    const { client, calls } = setup(
      { orders: ordersMap(['1']) },
      { appSecrets: ['previous-app-secret', APP_SECRET] },
    )
    const err = await failure(client.getOrders(['1']))
    expect(calls[0]?.refusedWith).toBe(106001)
    expect(err).toMatchObject({ kind: 'unauthorized', details: { code: '106001' } })
  })
})

describe('getOrders', () => {
  it('splits more than 50 ids into calls of at most 50 and returns every record by id', async () => {
    const ids = Array.from({ length: 75 }, (_, i) => String(576486316948490000n + BigInt(i)))
    const { client, calls } = setup({ orders: ordersMap(ids) })
    const orders = await client.getOrders([...ids, ids[0]!])
    expect(calls.map((c) => c.query.ids?.split(',').length)).toEqual([50, 25])
    expect([...orders.keys()]).toEqual(ids)
    expect(orders.get(ids[74]!)).toEqual(order(ids[74]!))
  })

  it('keeps integers beyond 2^53 exact', async () => {
    const { client } = setup({
      orders: new Map([
        // A numeric id and a numeric buyer id, both beyond 2^53, as raw JSON text.
        ['576486316948490001', '{"id":576486316948490001,"user_id":7021436810468230477}'],
      ]),
    })
    const orders = await client.getOrders(['576486316948490001'])
    expect(orders.get('576486316948490001')).toEqual({
      id: '576486316948490001',
      user_id: '7021436810468230477',
    })
  })

  it('fails transient when TikTok does not return an id yet, naming it', async () => {
    const { client } = setup({ orders: ordersMap(['1']) })
    const err = await failure(client.getOrders(['1', '576486316948490002']))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/not visible yet: 576486316948490002/)
    expect(err.message).toMatch(/request_id EMU/)
  })

  it('makes no call for no ids, and refuses an id that would break the comma list', async () => {
    const { client, calls } = setup()
    expect((await client.getOrders([])).size).toBe(0)
    expect((await failure(client.getOrders(['1,2']))).kind).toBe('permanent')
    expect(calls).toHaveLength(0)
  })
})

describe('getReturns', () => {
  it('searches by return ids with the largest page size, 50 ids per call', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => String(4035318504086604100n + BigInt(i)))
    const { client, calls } = setup({
      returns: new Map(ids.map((id) => [id, { return_id: id, order_id: '1' }])),
    })
    const returns = await client.getReturns(ids)
    expect(returns.size).toBe(60)
    expect(
      calls.map((c) => [
        c.path,
        c.query.page_size,
        (JSON.parse(c.body) as { return_ids: string[] }).return_ids.length,
      ]),
    ).toEqual([
      ['/return_refund/202309/returns/search', '50', 50],
      ['/return_refund/202309/returns/search', '50', 10],
    ])
  })

  it('follows next_page_token while ids are still missing', async () => {
    let page = 0
    const { client } = setup()
    mswServer.use(
      http.post(`${BASE}/return_refund/202309/returns/search`, ({ request }) => {
        page += 1
        const token = new URL(request.url).searchParams.get('page_token')
        const body =
          page === 1
            ? { return_orders: [{ return_id: '1' }], next_page_token: 'p2' }
            : { return_orders: [{ return_id: '2', token }], next_page_token: '' }
        return HttpResponse.json({ code: 0, message: 'Success', request_id: 'r', data: body })
      }),
    )
    const returns = await client.getReturns(['1', '2'])
    expect(returns.get('2')).toEqual({ return_id: '2', token: 'p2' })
    expect(page).toBe(2)
  })

  it('fails transient for a return TikTok does not list', async () => {
    const { client } = setup({ returns: new Map() })
    const err = await failure(client.getReturns(['4035318504086604100']))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/returns not visible yet: 4035318504086604100/)
  })
})

describe('hydrate', () => {
  it('batches needs per kind and keys the records by hydrationKey', async () => {
    const { client, calls } = setup({
      orders: ordersMap(['11', '12']),
      returns: new Map([['21', { return_id: '21', order_id: '11' }]]),
    })
    const hydrated = await client.hydrate([
      { kind: 'order', id: '11' },
      { kind: 'return', id: '21', orderId: '11' },
      { kind: 'order', id: '12' },
      { kind: 'order', id: '11' },
    ])
    expect(hydrated).toEqual({
      'order:11': order('11'),
      'order:12': order('12'),
      'return:21': { return_id: '21', order_id: '11' },
    })
    expect(calls.filter((c) => c.path === '/order/202309/orders').map((c) => c.query.ids)).toEqual([
      '11,12',
    ])
  })

  it('is all or nothing: one missing record fails the whole hydration', async () => {
    const { client } = setup({ orders: ordersMap(['11']), returns: new Map() })
    const err = await failure(
      client.hydrate([
        { kind: 'order', id: '11' },
        { kind: 'return', id: '21', orderId: '11' },
      ]),
    )
    expect(err.kind).toBe('transient')
  })
})

describe('setStock', () => {
  const update = {
    productId: '1729382561353664372',
    skuId: '1729592969712207013',
    warehouses: [
      { warehouseId: '7068517275539719942', quantity: 17 },
      { warehouseId: '7068517275539719943', quantity: 0 },
    ],
  }

  it('sends every warehouse of the SKU with absolute quantities', async () => {
    const stock: unknown[] = []
    const { client, calls } = setup({ onStock: (call) => void stock.push(call) })
    await expect(client.setStock(update)).resolves.toEqual({ status: 'applied' })
    expect(calls[0]?.path).toBe('/product/202309/products/1729382561353664372/inventory/update')
    expect(stock).toEqual([
      {
        productId: '1729382561353664372',
        body: {
          skus: [
            {
              id: '1729592969712207013',
              inventory: [
                { warehouse_id: '7068517275539719942', quantity: 17 },
                { warehouse_id: '7068517275539719943', quantity: 0 },
              ],
            },
          ],
        },
      },
    ])
  })

  it('sends 0 as 0; if TikTok refuses it, the permanent error names the SKU', async () => {
    const { client } = setup({ refuseZeroQuantity: true })
    const err = await failure(client.setStock(update))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('sku 1729592969712207013: code 12052055')
    expect(err.details.code).toBe('12052055')
  })

  it(`sends ${MAX_STOCK_QUANTITY} as is and refuses more without calling TikTok`, async () => {
    const sent: number[] = []
    const { client, calls } = setup({
      onStock: (call) => void sent.push(...call.body.skus[0]!.inventory.map((w) => w.quantity)),
    })
    const warehouses = (first: number) => [
      { warehouseId: 'W1', quantity: first },
      { warehouseId: 'W2', quantity: 0 },
    ]
    const result = await client.setStock({ ...update, warehouses: warehouses(MAX_STOCK_QUANTITY) })
    expect(result).toEqual({ status: 'applied' })
    expect(sent).toEqual([MAX_STOCK_QUANTITY, 0])
    const err = await failure(
      client.setStock({ ...update, warehouses: warehouses(MAX_STOCK_QUANTITY + 1) }),
    )
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain(`not a whole number from 0 to ${MAX_STOCK_QUANTITY}`)
    expect(calls).toHaveLength(1)
  })

  it('refuses, without calling TikTok, an empty warehouse list and impossible quantities', async () => {
    const { client, calls } = setup()
    const cases = [
      { ...update, warehouses: [] },
      { ...update, warehouses: [{ warehouseId: 'W1', quantity: -1 }] },
      { ...update, warehouses: [{ warehouseId: 'W1', quantity: 1.5 }] },
      {
        ...update,
        warehouses: [
          { warehouseId: 'W1', quantity: 1 },
          { warehouseId: 'W1', quantity: 2 },
        ],
      },
      { ...update, productId: '../orders' },
    ]
    for (const bad of cases) expect((await failure(client.setStock(bad))).kind).toBe('permanent')
    const empty = await failure(client.setStock(cases[0]!))
    expect(empty.message).toMatch(/no warehouses listed/)
    expect(calls).toHaveLength(0)
  })

  it('turns per-SKU errors in data.errors into a permanent error listing them', async () => {
    const { client } = setup({
      onStock: () => ({
        errors: [
          {
            code: 12052990,
            message: 'Check failed',
            detail: {
              sku_id: '1729592969712207013',
              extra_errors: [
                {
                  warehouse_id: '7068517275539719942',
                  code: 12052097,
                  message: 'The warehouse does not exist',
                },
              ],
            },
          },
        ],
      }),
    })
    const err = await failure(client.setStock(update))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('12052990')
    expect(err.message).toContain(
      'sku 1729592969712207013: code 12052990 "Check failed" [warehouse 7068517275539719942: code 12052097 "The warehouse does not exist"]',
    )
  })
})

describe('getInventory', () => {
  it('reports per SKU and warehouse quantities', async () => {
    const { client, calls } = setup({
      inventory: new Map([
        [
          '1729592969712207008',
          [
            {
              id: '1729388324987897824',
              seller_sku: 'Color-Red-XM01',
              total_available_quantity: 100,
              warehouse_inventory: [
                {
                  warehouse_id: '7054915283043174149',
                  available_quantity: 100,
                  committed_quantity: 10,
                },
              ],
            },
          ],
        ],
      ]),
    })
    await expect(client.getInventory(['1729592969712207008', 'unknown'])).resolves.toEqual([
      {
        productId: '1729592969712207008',
        skuId: '1729388324987897824',
        sellerSku: 'Color-Red-XM01',
        warehouses: [
          { warehouseId: '7054915283043174149', availableQuantity: 100, committedQuantity: 10 },
        ],
      },
    ])
    expect(JSON.parse(calls[0]!.body)).toEqual({ product_ids: ['1729592969712207008', 'unknown'] })
  })
})

describe('error classification', () => {
  const ORDERS = `${BASE}/order/202309/orders`
  const getOrders: CallUnderTest<ReturnType<typeof setup>> = {
    setup: (overrides) => setup({}, overrides),
    call: ({ client }) => client.getOrders(['1']),
    route: (reply) => http.get(ORDERS, reply),
  }
  const envelope = (code: number, message: string) =>
    HttpResponse.json({ code, message, request_id: 'REQ-1' })
  const cases: ClassificationCase[] = [
    {
      name: 'HTTP 429 with Retry-After',
      reply: () => tiktokError(36009002, 'Too many requests', { status: 429, retryAfter: '7' }),
      kind: 'rate-limited',
      retryAfterMs: 7_000,
    },
    {
      name: 'HTTP 429 without Retry-After',
      reply: () => new HttpResponse(null, { status: 429 }),
      kind: 'rate-limited',
      retryAfterMs: 1_000,
    },
    {
      name: 'HTTP 500',
      reply: () => new HttpResponse('oops', { status: 500 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 503 (platform overload)',
      reply: () => new HttpResponse(null, { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 401',
      reply: () => new HttpResponse(null, { status: 401 }),
      kind: 'unauthorized',
    },
    {
      name: 'HTTP 403',
      reply: () => new HttpResponse(null, { status: 403 }),
      kind: 'unauthorized',
    },
    {
      name: 'HTTP 404',
      reply: () => new HttpResponse('not found', { status: 404 }),
      kind: 'permanent',
    },
    {
      name: 'HTTP 400 carrying the expired-token code',
      reply: () => tiktokError(105002, 'Expired credentials.', { status: 400 }),
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
      reply: () => new HttpResponse('<html>gateway</html>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 200 with JSON but no code',
      reply: () => HttpResponse.json({ data: {} }),
      kind: 'transient',
    },
  ]

  itClassifiesAnswers(getOrders, cases, (err, _subject, { code }) => {
    if (code !== undefined) expect(err.message).toContain(`code ${code}`)
    expect(err.message).toContain('TikTok Shop get orders')
    expect(err.message).not.toContain(ACCESS_TOKEN)
    expect(err.message).not.toContain(APP_SECRET)
  })

  it("includes TikTok's message and request_id, with credentials redacted", async () => {
    const { client } = setup()
    mswServer.use(
      http.get(ORDERS, () =>
        HttpResponse.json({
          code: 36009004,
          message: `Invalid credentials. token ${ACCESS_TOKEN} is invalid`,
          request_id: '202203070749000101890810281E8C70B7',
        }),
      ),
    )
    const err = await failure(client.getOrders(['1']))
    expect(err.message).toContain('request_id 202203070749000101890810281E8C70B7')
    expect(err.message).toContain('"Invalid credentials. token [redacted] is invalid"')
  })

  itRefusesUnusableAnswers(getOrders, {
    answer: { code: 0, data: {} },
    hugeAnswer: (filler) => `{"code":0,"data":{"x":"${filler}"}}`,
  })
})

describe('rate limiting', () => {
  it('paces each API separately and refuses locally instead of waiting long', async () => {
    const { client, calls } = setup(
      { orders: ordersMap(['1']), inventory: new Map() },
      { rateLimitPerSecond: 0.2 },
    )
    await client.getOrders(['1'])
    // The next token for this API is 5 s away: more than the bucket will park a worker for.
    const err = await failure(client.getOrders(['1']))
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 5_000 } })
    expect(calls).toHaveLength(1)
    // Another API has its own bucket.
    await client.getInventory(['100'])
    expect(calls).toHaveLength(2)
    clock.advance(5_000)
    await client.getOrders(['1'])
    expect(calls).toHaveLength(3)
  })
})
