// De-risks the Walmart Marketplace API client against an msw stand-in written from Walmart's docs:
// token caching and renewal (expiry, concurrency, 401), the headers every call needs, lossless
// order reads and "not visible yet", both stock-write forms (shape, URL encoding, per-node
// failures, input checks), the stock read, error classification, pacing and timeouts.
import { delay, http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  inventoryKey,
  walmartApi,
  walmartError,
  type ServedOrder,
  type WalmartApiOptions,
} from '../../test/channels/walmart-api.js'
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
import { createWalmartClient, DEFAULT_RATE_LIMIT_WAIT_MS } from './client.js'
import { WalmartCredentials } from './config.js'

const BASE = 'https://marketplace.walmart.test'
const CLIENT_ID = 'test-client-id-0001'
const CLIENT_SECRET = 'test-client-secret-0001'
const START = new Date('2026-11-22T12:00:00Z')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const clock = testClock(START)

const credentials = WalmartCredentials.parse({
  webhookAuth: [{ method: 'BASIC_AUTH', users: [{ userName: 'u', password: 'p' }] }],
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  apiBaseUrl: BASE,
  serviceName: 'Marketplace Hub Test',
  // High enough that pacing never enters a test that is not about it.
  rateLimitPerSecond: 1_000,
})

function setup(api: Partial<WalmartApiOptions> = {}, overrides: Partial<WalmartCredentials> = {}) {
  const emulator = serve(
    walmartApi({
      baseUrl: BASE,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      now: clock.now,
      ...api,
    }),
  )
  const client = createWalmartClient({ ...credentials, ...overrides }, clientContext(clock))
  const tokenCalls = () => emulator.calls.filter((c) => c.path === '/v3/token')
  const apiCalls = () => emulator.calls.filter((c) => c.path !== '/v3/token')
  return { client, api: emulator, tokenCalls, apiCalls }
}

const order = (id: string) => ({ purchaseOrderId: id, customerOrderId: `C${id}` })
const ordersMap = (ids: readonly string[]) =>
  new Map<string, ServedOrder>(ids.map((id) => [id, order(id)]))

describe('access token', () => {
  it('is fetched once, with Basic credentials and a form body, and reused across calls', async () => {
    const { client, api, tokenCalls, apiCalls } = setup({
      orders: ordersMap(['1', '2']),
      inventory: new Map([['SKU-1', 4]]),
    })
    await client.getOrder('1')
    await client.getOrder('2')
    await client.getStock({ sku: 'SKU-1' })

    expect(tokenCalls()).toHaveLength(1)
    const [tokenCall] = tokenCalls()
    // Written out here rather than shared with the client: base64 of "id:secret".
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')
    expect(tokenCall).toMatchObject({
      method: 'POST',
      body: 'grant_type=client_credentials',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'wm_svc.name': 'Marketplace Hub Test',
        'wm_qos.correlation_id': expect.stringMatching(UUID),
      },
    })
    expect(tokenCall?.headers).not.toHaveProperty('wm_sec.access_token')
    expect(apiCalls()).toHaveLength(3)
    for (const call of apiCalls()) {
      expect(call.refusedWith).toBeUndefined()
      expect(call.headers['wm_sec.access_token']).toBe(api.tokens[0])
      expect(call.headers).not.toHaveProperty('authorization')
    }
  })

  it('is renewed 60 s before expires_in, by the injected clock', async () => {
    const { client, api, tokenCalls } = setup({ orders: ordersMap(['1']), tokenTtlSeconds: 900 })
    await client.getOrder('1')
    clock.advance(839_999)
    await client.getOrder('1')
    expect(tokenCalls()).toHaveLength(1)
    clock.advance(1)
    await client.getOrder('1')
    expect(tokenCalls()).toHaveLength(2)
    expect(api.calls.at(-1)?.headers['wm_sec.access_token']).toBe(api.tokens[1])
  })

  it('a short-lived token is renewed at half its lifetime, not before every call', async () => {
    const { client, tokenCalls } = setup({ orders: ordersMap(['1']), tokenTtlSeconds: 60 })
    await client.getOrder('1')
    clock.advance(29_999)
    await client.getOrder('1')
    expect(tokenCalls()).toHaveLength(1)
    clock.advance(1)
    await client.getOrder('1')
    expect(tokenCalls()).toHaveLength(2)
  })

  it('is fetched once for concurrent first calls', async () => {
    const ids = ['1', '2', '3', '4', '5']
    const { client, tokenCalls, apiCalls } = setup({ orders: ordersMap(ids) })
    await Promise.all(ids.map((id) => client.getOrder(id)))
    expect(tokenCalls()).toHaveLength(1)
    expect(apiCalls()).toHaveLength(5)
  })

  it('after a 401 on an API call, is dropped, fetched anew and the call retried once', async () => {
    const { client, api, tokenCalls, apiCalls } = setup({ orders: ordersMap(['1']) })
    await client.getOrder('1')
    api.revokeTokens()
    await expect(client.getOrder('1')).resolves.toEqual(order('1'))
    expect(tokenCalls()).toHaveLength(2)
    expect(apiCalls().map((c) => c.refusedWith?.status)).toEqual([undefined, 401, undefined])
    expect(apiCalls()[2]?.headers['wm_sec.access_token']).toBe(api.tokens[1])
  })

  it('a 401 that persists after the retry is unauthorized, with no further attempt', async () => {
    const { client, tokenCalls } = setup()
    let attempts = 0
    mswServer.use(
      http.get(`${BASE}/v3/orders/:id`, () => {
        attempts += 1
        return walmartError(401, [{ code: 'UNAUTHORIZED.GMP_GATEWAY_API', field: 'UNAUTHORIZED' }])
      }),
    )
    const err = await failure(client.getOrder('1'))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 401, code: 'UNAUTHORIZED.GMP_GATEWAY_API' },
    })
    expect(attempts).toBe(2)
    expect(tokenCalls()).toHaveLength(2)
  })

  it('a token endpoint refusing the credentials (401) is unauthorized, secrets kept out', async () => {
    const { client, apiCalls } = setup({ clientSecret: 'the-secret-walmart-expects' })
    const err = await failure(client.getOrder('1'))
    expect(err).toMatchObject({ kind: 'unauthorized', details: { status: 401 } })
    expect(err.message).toContain('Walmart get access token (POST /v3/token)')
    expect(err.message).toContain('UNAUTHORIZED.GMP_GATEWAY_API')
    expect(err.message).not.toContain(CLIENT_SECRET)
    expect(err.message).not.toContain(
      Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
    )
    expect(apiCalls()).toHaveLength(0)
  })

  it('a failed renewal fails every waiting caller, and the next call asks again', async () => {
    const { client, tokenCalls } = setup({ orders: ordersMap(['1']) })
    mswServer.use(
      http.post(`${BASE}/v3/token`, () => new HttpResponse(null, { status: 503 }), { once: true }),
    )
    const errors = await Promise.all([failure(client.getOrder('1')), failure(client.getOrder('1'))])
    expect(errors.map((e) => e.kind)).toEqual(['transient', 'transient'])
    await expect(client.getOrder('1')).resolves.toEqual(order('1'))
    expect(tokenCalls()).toHaveLength(1) // the 503 was answered by the one-off handler
  })

  it('a token answer without access_token is transient', async () => {
    const { client } = setup()
    mswServer.use(http.post(`${BASE}/v3/token`, () => HttpResponse.json({ token_type: 'Bearer' })))
    const err = await failure(client.getOrder('1'))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/not a token answer/)
  })
})

describe('every call', () => {
  it('carries the Walmart headers, with a new correlation id each time', async () => {
    const { client, api } = setup(
      { orders: ordersMap(['1']), inventory: new Map([['SKU-1', 1]]) },
      { channelType: 'test-channel-type' },
    )
    await client.getOrder('1')
    await client.setStock({ sku: 'SKU-1', quantity: 3 })
    await client.setStockPerNode({ sku: 'SKU-1', nodes: [{ shipNode: '7891234', quantity: 2 }] })
    await client.getStock({ sku: 'SKU-1' })

    expect(api.calls).toHaveLength(5)
    for (const call of api.calls) {
      expect(call.refusedWith).toBeUndefined()
      expect(call.headers).toMatchObject({
        accept: 'application/json',
        'wm_svc.name': 'Marketplace Hub Test',
        'wm_consumer.channel.type': 'test-channel-type',
        'wm_qos.correlation_id': expect.stringMatching(UUID),
      })
    }
    const ids = api.calls.map((c) => c.headers['wm_qos.correlation_id'])
    expect(new Set(ids).size).toBe(ids.length)
    // A JSON content type only where there is a JSON body.
    expect(api.calls.map((c) => `${c.method} ${c.headers['content-type'] ?? '-'}`)).toEqual([
      'POST application/x-www-form-urlencoded',
      'GET -',
      'PUT application/json',
      'PUT application/json',
      'GET -',
    ])
  })

  it('leaves WM_CONSUMER.CHANNEL.TYPE out when the account has none', async () => {
    const { client, api } = setup({ orders: ordersMap(['1']) })
    await client.getOrder('1')
    for (const call of api.calls)
      expect(call.headers).not.toHaveProperty('wm_consumer.channel.type')
  })

  it('is refused by the emulator without a correlation id (the check is real)', async () => {
    const { api } = setup({ orders: ordersMap(['1']) })
    const res = await fetch(`${BASE}/v3/orders/1`, {
      headers: { accept: 'application/json', 'WM_SVC.NAME': 'x', 'WM_SEC.ACCESS_TOKEN': 'x' },
    })
    expect(res.status).toBe(400)
    expect(api.calls[0]?.refusedWith?.code).toMatch(/^INVALID_REQUEST_HEADER/)
  })
})

describe('getOrder', () => {
  it('returns the `order` object, keeping integers beyond 2^53 exact', async () => {
    const id = '9007199254740993' // 2^53 + 1: a double would read it as …992
    const { client, apiCalls } = setup({
      orders: new Map([
        [
          id,
          `{"purchaseOrderId":${id},"customerOrderId":"5221883468520","orderDate":1741929263638}`,
        ],
      ]),
    })
    await expect(client.getOrder(id)).resolves.toEqual({
      purchaseOrderId: id,
      customerOrderId: '5221883468520',
      orderDate: 1741929263638,
    })
    expect(apiCalls()[0]?.path).toBe(`/v3/orders/${id}`)
  })

  it('fails transient while Walmart does not show the order (404), naming it', async () => {
    const { client } = setup({ orders: new Map() })
    const err = await failure(client.getOrder('1796277083022'))
    expect(err).toMatchObject({
      kind: 'transient',
      details: { status: 404, code: 'CONTENT_NOT_FOUND.GMP_ORDER_API' },
    })
    expect(err.message).toContain('Walmart get order 1796277083022')
    expect(err.message).toContain('not visible yet')
  })

  it('a 404 for an unknown path (URI_NOT_FOUND) is permanent', async () => {
    const { client } = setup()
    mswServer.use(
      http.get(`${BASE}/v3/orders/:id`, () => walmartError(404, [{ code: 'URI_NOT_FOUND' }])),
    )
    expect((await failure(client.getOrder('1'))).kind).toBe('permanent')
  })

  it('an answer without an `order` object is permanent', async () => {
    const { client } = setup()
    mswServer.use(http.get(`${BASE}/v3/orders/:id`, () => HttpResponse.json({ list: {} })))
    expect((await failure(client.getOrder('1'))).message).toMatch(/no `order` object/)
  })
})

describe('hydrate', () => {
  it('fetches each order once and keys the records by hydrationKey', async () => {
    const { client, apiCalls } = setup({ orders: ordersMap(['11', '12']) })
    const hydrated = await client.hydrate([
      { kind: 'order', id: '11' },
      { kind: 'order', id: '12' },
      { kind: 'order', id: '11' },
    ])
    expect(hydrated).toEqual({ 'order:11': order('11'), 'order:12': order('12') })
    expect(
      apiCalls()
        .map((c) => c.path)
        .sort(),
    ).toEqual(['/v3/orders/11', '/v3/orders/12'])
  })

  it('runs at most four reads at once', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => String(i + 1))
    const { client } = setup({ orders: ordersMap(ids) })
    let active = 0
    let peak = 0
    mswServer.use(
      http.get(`${BASE}/v3/orders/:id`, async ({ params }) => {
        active += 1
        peak = Math.max(peak, active)
        await delay(20)
        active -= 1
        return HttpResponse.json({ order: order(String(params.id)) })
      }),
    )
    const hydrated = await client.hydrate(ids.map((id) => ({ kind: 'order' as const, id })))
    expect(Object.keys(hydrated)).toHaveLength(9)
    expect(peak).toBe(4)
  })

  it('is all or nothing: one order not visible fails the hydration', async () => {
    const { client } = setup({ orders: ordersMap(['11']) })
    const err = await failure(
      client.hydrate([
        { kind: 'order', id: '11' },
        { kind: 'order', id: '12' },
      ]),
    )
    expect(err.kind).toBe('transient')
  })

  it('refuses return needs (permanent) without calling Walmart', async () => {
    const { client, api } = setup({ orders: ordersMap(['11']) })
    const err = await failure(
      client.hydrate([
        { kind: 'order', id: '11' },
        { kind: 'return', id: '77', orderId: '11' },
      ]),
    )
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/return records is not supported \(return:77\)/)
    expect(api.calls).toHaveLength(0)
  })
})

describe('setStock', () => {
  it('puts an absolute quantity for the default node', async () => {
    const inventory = new Map<string, number>()
    const { client, api } = setup({ inventory })
    await expect(client.setStock({ sku: 'TSHIRT-BLK-M', quantity: 17 })).resolves.toEqual({
      status: 'applied',
    })
    const call = api.calls.at(-1)
    expect([call?.method, call?.path, call?.rawQuery]).toEqual([
      'PUT',
      '/v3/inventory',
      'sku=TSHIRT-BLK-M',
    ])
    expect(JSON.parse(call?.body ?? '')).toEqual({
      sku: 'TSHIRT-BLK-M',
      quantity: { unit: 'EACH', amount: 17 },
    })
    expect(inventory.get('TSHIRT-BLK-M')).toBe(17)
  })

  it('names the ship node in the query, and sends 0 as 0', async () => {
    const { client, api } = setup()
    await client.setStock({ sku: 'TSHIRT-BLK-M', shipNode: '7891234', quantity: 0 })
    expect(api.stockCalls).toEqual([
      {
        kind: 'single',
        sku: 'TSHIRT-BLK-M',
        shipNode: '7891234',
        body: { sku: 'TSHIRT-BLK-M', quantity: { unit: 'EACH', amount: 0 } },
      },
    ])
    expect(api.calls.at(-1)?.rawQuery).toBe('sku=TSHIRT-BLK-M&shipNode=7891234')
  })

  it('percent-encodes a SKU with a space, a slash and the characters Walmart lists', async () => {
    const sku = "TEE BLK/M+(x)*!'#&="
    const { client, api } = setup()
    await client.setStock({ sku, quantity: 1 })
    await client.setStockPerNode({ sku, nodes: [{ shipNode: 'N 1', quantity: 2 }] })
    const [single, perNode] = api.calls.filter((c) => c.method === 'PUT')
    expect(single?.rawQuery).toBe('sku=TEE%20BLK%2FM%2B%28x%29%2A%21%27%23%26%3D')
    expect(perNode?.path).toBe('/v3/inventories/TEE%20BLK%2FM%2B%28x%29%2A%21%27%23%26%3D')
    expect(api.stockCalls.map((c) => c.sku)).toEqual([sku, sku])
  })

  it('per ship node: sends every node with inputQty', async () => {
    const inventory = new Map<string, number>()
    const { client, api } = setup({ inventory })
    await expect(
      client.setStockPerNode({
        sku: 'TSHIRT-BLK-M',
        nodes: [
          { shipNode: '1000005050', quantity: 88 },
          { shipNode: '79897837271126017', quantity: 0 },
        ],
      }),
    ).resolves.toEqual({ status: 'applied' })
    expect(api.calls.at(-1)?.path).toBe('/v3/inventories/TSHIRT-BLK-M')
    expect(api.stockCalls[0]?.body).toEqual({
      inventories: {
        nodes: [
          { shipNode: '1000005050', inputQty: { unit: 'EACH', amount: 88 } },
          { shipNode: '79897837271126017', inputQty: { unit: 'EACH', amount: 0 } },
        ],
      },
    })
    expect(inventory.get(inventoryKey('TSHIRT-BLK-M', '79897837271126017'))).toBe(0)
  })

  it('per ship node: a node not applied fails the call (permanent), naming the node', async () => {
    const { client } = setup({
      onStock: () => ({
        nodes: [
          { shipNode: '1000005050', status: 'Success' },
          {
            shipNode: '79897837271126017',
            status: 'Failed',
            errors: [
              {
                code: 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API',
                field: 'shipNode',
                description: 'Ship node is not active',
              },
            ],
          },
        ],
      }),
    })
    const err = await failure(
      client.setStockPerNode({
        sku: 'TSHIRT-BLK-M',
        nodes: [
          { shipNode: '1000005050', quantity: 1 },
          { shipNode: '79897837271126017', quantity: 2 },
        ],
      }),
    )
    expect(err).toMatchObject({
      kind: 'permanent',
      details: { status: 200, code: 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API' },
    })
    expect(err.message).toContain(
      'ship node 79897837271126017: status Failed; INVALID_REQUEST_CONTENT.GMP_INVENTORY_API (field shipNode) "Ship node is not active"',
    )
    expect(err.message).not.toContain('ship node 1000005050')
  })

  it('per ship node: a node missing from the answer counts as not applied', async () => {
    const { client } = setup({ onStock: () => ({ nodes: [{ shipNode: 'A', status: 'Success' }] }) })
    const err = await failure(
      client.setStockPerNode({
        sku: 'S',
        nodes: [
          { shipNode: 'A', quantity: 1 },
          { shipNode: 'B', quantity: 1 },
        ],
      }),
    )
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('ship node B: no status in the answer')
  })

  it('refuses impossible input before any call, the token call included', async () => {
    const { client, api } = setup()
    const bad: Promise<unknown>[] = [
      client.setStock({ sku: '', quantity: 1 }),
      client.setStock({ sku: 'S', quantity: -1 }),
      client.setStock({ sku: 'S', quantity: 1.5 }),
      client.setStock({ sku: 'S', quantity: Number.NaN }),
      client.setStock({ sku: 'S', shipNode: ' ', quantity: 1 }),
      client.setStockPerNode({ sku: 'S', nodes: [] }),
      client.setStockPerNode({ sku: ' ', nodes: [{ shipNode: 'A', quantity: 1 }] }),
      client.setStockPerNode({ sku: 'S', nodes: [{ shipNode: 'A', quantity: -2 }] }),
      client.setStockPerNode({
        sku: 'S',
        nodes: [
          { shipNode: 'A', quantity: 1 },
          { shipNode: 'A', quantity: 2 },
        ],
      }),
      client.getStock({ sku: '' }),
      client.getOrder(''),
    ]
    for (const promise of bad) {
      const err = await failure(promise)
      expect(err.kind).toBe('permanent')
      expect(err.message).toMatch(/not sent: /)
    }
    expect(api.calls).toHaveLength(0)
  })
})

describe('getStock', () => {
  it('reads the quantity, at the default node or a named one', async () => {
    const { client, api } = setup({
      inventory: new Map([
        [inventoryKey('TSHIRT-BLK-M'), 10],
        [inventoryKey('TSHIRT-BLK-M', '7891234'), 3],
      ]),
    })
    await expect(client.getStock({ sku: 'TSHIRT-BLK-M' })).resolves.toEqual({
      sku: 'TSHIRT-BLK-M',
      quantity: 10,
    })
    await expect(client.getStock({ sku: 'TSHIRT-BLK-M', shipNode: '7891234' })).resolves.toEqual({
      sku: 'TSHIRT-BLK-M',
      shipNode: '7891234',
      quantity: 3,
    })
    expect(api.calls.at(-1)?.rawQuery).toBe('sku=TSHIRT-BLK-M&shipNode=7891234')
  })

  it('a SKU Walmart does not know (404) is permanent', async () => {
    const { client } = setup({ inventory: new Map() })
    const err = await failure(client.getStock({ sku: 'NOPE' }))
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 404 } })
  })
})

describe('error classification', () => {
  const INVENTORY = `${BASE}/v3/inventory`
  const getStock: CallUnderTest<ReturnType<typeof setup>> = {
    setup: (overrides) => setup({}, overrides),
    call: ({ client }) => client.getStock({ sku: 'S' }),
    route: (reply) => http.get(INVENTORY, reply),
  }
  const invalidParam = {
    code: 'INVALID_REQUEST_PARAM.GMP_INVENTORY_API',
    field: 'sku',
    description: 'The value provided for sku is invalid',
  }
  const cases: ClassificationCase[] = [
    {
      name: 'HTTP 429 with Retry-After',
      reply: () =>
        walmartError(429, [{ code: 'REQUEST_THRESHOLD_VIOLATED.GMP_INVENTORY_API' }], {
          retryAfter: '7',
        }),
      kind: 'rate-limited',
      retryAfterMs: 7_000,
      code: 'REQUEST_THRESHOLD_VIOLATED.GMP_INVENTORY_API',
    },
    {
      name: 'HTTP 429 without Retry-After',
      reply: () => new HttpResponse(null, { status: 429 }),
      kind: 'rate-limited',
      retryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS,
    },
    {
      name: 'HTTP 500 with SYSTEM_ERROR',
      reply: () => walmartError(500, [{ code: 'SYSTEM_ERROR.GMP_INVENTORY_API' }]),
      kind: 'transient',
      code: 'SYSTEM_ERROR.GMP_INVENTORY_API',
    },
    {
      name: 'HTTP 503 from before the gateway (no body)',
      reply: () => new HttpResponse('<html>unavailable</html>', { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 400 with an `errors` list',
      reply: () => walmartError(400, [invalidParam], { shape: 'errors' }),
      kind: 'permanent',
      code: invalidParam.code,
      says: `${invalidParam.code} (field sku) "${invalidParam.description}"`,
    },
    {
      name: 'HTTP 400 with an `error` list',
      reply: () => walmartError(400, [invalidParam], { shape: 'error' }),
      kind: 'permanent',
      code: invalidParam.code,
      says: `${invalidParam.code} (field sku) "${invalidParam.description}"`,
    },
    {
      name: 'HTTP 400 with `errors.error`',
      reply: () => walmartError(400, [invalidParam], { shape: 'errors.error' }),
      kind: 'permanent',
      code: invalidParam.code,
      says: `${invalidParam.code} (field sku) "${invalidParam.description}"`,
    },
    {
      name: 'HTTP 400 that is not JSON',
      reply: () => new HttpResponse('Bad Request', { status: 400 }),
      kind: 'permanent',
    },
    {
      name: 'HTTP 403 (missing scope)',
      reply: () => walmartError(403, [{ code: 'FORBIDDEN.GMP_GATEWAY_API' }]),
      kind: 'unauthorized',
      code: 'FORBIDDEN.GMP_GATEWAY_API',
    },
    {
      name: 'HTTP 200 with a body that is not JSON',
      reply: () => new HttpResponse('<inventory/>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 200 with JSON of another shape',
      reply: () => HttpResponse.json({ sku: 'S' }),
      kind: 'permanent',
    },
  ]

  itClassifiesAnswers(getStock, cases, (err, { api }) => {
    expect(err.message).toContain('Walmart get inventory of sku S (GET /v3/inventory)')
    expect(err.message).not.toContain(api.tokens[0])
    expect(err.message).not.toContain(CLIENT_SECRET)
  })

  it('quotes the correlation id and redacts a token Walmart echoes back', async () => {
    const { client, api } = setup()
    mswServer.use(
      http.get(INVENTORY, ({ request }) =>
        walmartError(400, [
          {
            code: 'INVALID_REQUEST_HEADER',
            description: `bad token ${request.headers.get('wm_sec.access_token')}`,
          },
        ]),
      ),
    )
    const err = await failure(client.getStock({ sku: 'S' }))
    expect(err.message).toContain('"bad token [redacted]"')
    expect(err.message).not.toContain(api.tokens[0])
    expect(err.message).toMatch(/correlation id [0-9a-f-]{36}/)
  })

  itRefusesUnusableAnswers(getStock, {
    answer: { sku: 'S', quantity: { unit: 'EACH', amount: 1 } },
    hugeAnswer: (filler) => `{"sku":"${filler}"}`,
  })
})

describe('rate limiting', () => {
  it('paces each API separately and refuses locally instead of waiting long', async () => {
    const { client, apiCalls } = setup(
      { orders: ordersMap(['1']), inventory: new Map([['S', 1]]) },
      { rateLimitPerSecond: 0.2 },
    )
    await client.getOrder('1')
    // The next Get an order token is 5 s away: longer than the bucket parks a worker.
    const err = await failure(client.getOrder('1'))
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 5_000 } })
    expect(apiCalls()).toHaveLength(1)
    await client.getStock({ sku: 'S' }) // its own bucket (and the token endpoint has another)
    expect(apiCalls()).toHaveLength(2)
    clock.advance(5_000)
    await client.getOrder('1')
    expect(apiCalls()).toHaveLength(3)
  })
})
