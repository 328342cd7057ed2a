// De-risks the Walmart Marketplace API client against the Walmart emulator (src/sandbox/walmart/),
// reached through msw: token caching and renewal (expiry, concurrency, 401), the headers every
// call needs, lossless order reads and "not visible yet", both stock-write forms (shape, URL
// encoding, per-node failures, input checks), the stock read, error classification, pacing and
// timeouts. What Walmart does only when it fails (5xx, odd bodies, answers in unusual forms) is
// injected as emulator faults.
import { delay, http } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  walmartErrorEntry,
  UNAUTHORIZED,
  type WalmartError,
} from '../../src/sandbox/walmart/admission.js'
import { walmartEmulator, walmartEmulatorWith } from '../../src/sandbox/walmart/index.js'
import { OTHER_SHIP_NODE, SHIP_NODE } from '../../src/sandbox/walmart/seller.js'
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
import { mswServer } from '../../test/setup-msw.js'
import { createWalmartClient, DEFAULT_RATE_LIMIT_WAIT_MS, type WalmartClient } from './client.js'
import { WalmartCredentials } from './config.js'
import { walmart } from './index.js'

const BASE = 'https://marketplace.walmart.test'
const START = new Date('2026-11-22T12:00:00Z')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const TOKEN = 'wm_sec.access_token'

const clock = testClock(START)
// Walmart's clock is the client's, unless a test moves it apart.
const emulator = useEmulatorOverMsw(walmartEmulator, { bases: [BASE], now: clock.now })

// The API client the emulator accepts: the connector's published sandbox one.
const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } = walmart.sandboxCredentials(BASE)

const credentials = WalmartCredentials.parse({
  webhookAuth: [{ method: 'BASIC_AUTH', users: [{ userName: 'u', password: 'p' }] }],
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  apiBaseUrl: BASE,
  serviceName: 'Marketplace Hub Test',
  // High enough that pacing never enters a test that is not about it.
  rateLimitPerSecond: 1_000,
})

function setup(overrides: Partial<WalmartCredentials> = {}): WalmartClient {
  return createWalmartClient({ ...credentials, ...overrides }, clientContext(clock))
}

const requests = () => emulator.state.requests
const tokenCalls = () => requests().filter((r) => r.path === '/v3/token')
const apiCalls = () => requests().filter((r) => r.path !== '/v3/token')

// The client reads the `order` object whole; what is inside is the normalizer's concern.
const order = (id: string) => ({ purchaseOrderId: id, customerOrderId: `C${id}` })
const sellerHas = (ids: readonly string[]) => {
  for (const id of ids) emulator.state.orders.set(id, order(id))
}

/**
 * A Walmart error answer, for faults. `shape` is how the list is wrapped: `error` (the gateway's,
 * as the emulator answers), `errors` (the error-codes page's example) or `errors.error` (the XML
 * form mapped to JSON).
 */
function walmartError(
  status: number,
  errors: readonly WalmartError[],
  opts: { readonly shape?: 'error' | 'errors' | 'errors.error'; readonly retryAfter?: string } = {},
): Response {
  const list = errors.map(walmartErrorEntry)
  const body =
    opts.shape === 'errors'
      ? { errors: list }
      : opts.shape === 'errors.error'
        ? { errors: { error: list } }
        : { error: list }
  const headers = opts.retryAfter === undefined ? undefined : { 'retry-after': opts.retryAfter }
  return Response.json(body, { status, headers })
}

describe('access token', () => {
  it('is fetched once, with Basic credentials and a form body, and reused across calls', async () => {
    const client = setup()
    sellerHas(['1', '2'])
    emulator.state.stock.set('SKU-1', 4)
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
    expect(tokenCall?.headers).not.toHaveProperty(TOKEN)
    expect(apiCalls()).toHaveLength(3)
    const token = apiCalls()[0]?.headers[TOKEN]
    expect(token).toMatch(/.{20}/)
    for (const call of apiCalls()) {
      expect(call.headers[TOKEN]).toBe(token)
      expect(call.headers).not.toHaveProperty('authorization')
    }
    // The emulator took every call, so the token is the one it issued.
    expect(emulator.state.stats.rejected).toBe(0)
  })

  it('is renewed 60 s before expires_in (900 s), by the injected clock', async () => {
    const client = setup()
    sellerHas(['1'])
    await client.getOrder('1')
    clock.advance(839_999)
    await client.getOrder('1')
    expect(tokenCalls()).toHaveLength(1)
    clock.advance(1)
    await client.getOrder('1')
    expect(tokenCalls()).toHaveLength(2)
    const tokens = apiCalls().map((c) => c.headers[TOKEN])
    expect(tokens[2]).not.toBe(tokens[0])
    expect(emulator.state.stats.rejected).toBe(0)
  })

  describe('from a marketplace issuing 60 s tokens', () => {
    const SHORT_LIVED = 'https://short-lived.walmart.test'
    const shortLived = useEmulatorOverMsw(walmartEmulatorWith({ tokenTtlSeconds: 60 }), {
      bases: [SHORT_LIVED],
      now: clock.now,
    })

    it('is renewed at half its lifetime, not before every call', async () => {
      const client = setup({ apiBaseUrl: SHORT_LIVED })
      shortLived.state.orders.set('1', order('1'))
      const tokenRequests = () => shortLived.state.requests.filter((r) => r.path === '/v3/token')
      await client.getOrder('1')
      clock.advance(29_999)
      await client.getOrder('1')
      expect(tokenRequests()).toHaveLength(1)
      clock.advance(1)
      await client.getOrder('1')
      expect(tokenRequests()).toHaveLength(2)
      expect(shortLived.state.stats.rejected).toBe(0)
    })
  })

  it('is fetched once for concurrent first calls', async () => {
    const ids = ['1', '2', '3', '4', '5']
    const client = setup()
    sellerHas(ids)
    await Promise.all(ids.map((id) => client.getOrder(id)))
    expect(tokenCalls()).toHaveLength(1)
    expect(apiCalls()).toHaveLength(5)
  })

  it('after a 401 on an API call, is dropped, fetched anew and the call retried once', async () => {
    const client = setup()
    sellerHas(['1'])
    await client.getOrder('1')
    // Walmart's clock runs 15 minutes ahead of the hub's: the token has expired there.
    emulator.state.now = () => new Date(clock.now().getTime() + 900_000)
    await expect(client.getOrder('1')).resolves.toEqual(order('1'))
    expect(tokenCalls()).toHaveLength(2)
    const [first, refused, retried] = apiCalls().map((c) => c.headers[TOKEN])
    expect(refused).toBe(first)
    expect(retried).not.toBe(first)
    expect(apiCalls()).toHaveLength(3)
    expect(emulator.state.stats.rejected).toBe(1)
  })

  it('a 401 that persists after the retry is unauthorized, with no further attempt', async () => {
    const client = setup()
    emulator.state.faults.add({
      method: 'GET',
      path: '/v3/orders/',
      times: Infinity,
      answer: () => walmartError(401, [UNAUTHORIZED]),
    })
    const err = await failure(client.getOrder('1'))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 401, code: 'UNAUTHORIZED.GMP_GATEWAY_API' },
    })
    expect(apiCalls()).toHaveLength(2)
    expect(tokenCalls()).toHaveLength(2)
  })

  it('a token endpoint refusing the credentials (401) is unauthorized, secrets kept out', async () => {
    const wrongSecret = 'not-the-secret-walmart-expects'
    const client = setup({ clientSecret: wrongSecret })
    const err = await failure(client.getOrder('1'))
    expect(err).toMatchObject({ kind: 'unauthorized', details: { status: 401 } })
    expect(err.message).toContain('Walmart get access token (POST /v3/token)')
    expect(err.message).toContain('UNAUTHORIZED.GMP_GATEWAY_API')
    expect(err.message).not.toContain(wrongSecret)
    expect(err.message).not.toContain(Buffer.from(`${CLIENT_ID}:${wrongSecret}`).toString('base64'))
    expect(apiCalls()).toHaveLength(0)
    expect(emulator.state.stats.authFailures).toBe(1)
  })

  it('a failed renewal fails every waiting caller, and the next call asks again', async () => {
    const client = setup()
    sellerHas(['1'])
    emulator.state.faults.add({
      method: 'POST',
      path: '/v3/token',
      answer: () => new Response(null, { status: 503 }),
    })
    const errors = await Promise.all([failure(client.getOrder('1')), failure(client.getOrder('1'))])
    expect(errors.map((e) => e.kind)).toEqual(['transient', 'transient'])
    await expect(client.getOrder('1')).resolves.toEqual(order('1'))
    // One request for both waiting callers (answered 503), then one for the next call.
    expect(tokenCalls().map((c) => c.faulted)).toEqual([true, undefined])
  })

  it('a token answer without access_token is transient', async () => {
    const client = setup()
    emulator.state.faults.add({
      path: '/v3/token',
      answer: () => Response.json({ token_type: 'Bearer' }),
    })
    const err = await failure(client.getOrder('1'))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/not a token answer/)
  })
})

describe('every call', () => {
  it('carries the Walmart headers, with a new correlation id each time', async () => {
    const client = setup({ channelType: 'test-channel-type' })
    sellerHas(['1'])
    emulator.state.stock.set('SKU-1', 1)
    await client.getOrder('1')
    await client.setStock({ sku: 'SKU-1', quantity: 3 })
    await client.setStockPerNode({ sku: 'SKU-1', nodes: [{ shipNode: SHIP_NODE.id, quantity: 2 }] })
    await client.getStock({ sku: 'SKU-1' })

    expect(requests()).toHaveLength(5)
    expect(emulator.state.stats.rejected).toBe(0)
    for (const call of requests()) {
      expect(call.headers).toMatchObject({
        accept: 'application/json',
        'wm_svc.name': 'Marketplace Hub Test',
        'wm_consumer.channel.type': 'test-channel-type',
        'wm_qos.correlation_id': expect.stringMatching(UUID),
      })
    }
    const ids = requests().map((c) => c.headers['wm_qos.correlation_id'])
    expect(new Set(ids).size).toBe(ids.length)
    // A JSON content type only where there is a JSON body.
    expect(requests().map((c) => `${c.method} ${c.headers['content-type'] ?? '-'}`)).toEqual([
      'POST application/x-www-form-urlencoded',
      'GET -',
      'PUT application/json',
      'PUT application/json',
      'GET -',
    ])
  })

  it('leaves WM_CONSUMER.CHANNEL.TYPE out when the account has none', async () => {
    const client = setup()
    sellerHas(['1'])
    await client.getOrder('1')
    expect(requests()).toHaveLength(2)
    for (const call of requests())
      expect(call.headers).not.toHaveProperty('wm_consumer.channel.type')
  })

  it('is refused by the emulator without a correlation id (the check is real)', async () => {
    sellerHas(['1'])
    const res = await fetch(`${BASE}/v3/orders/1`, {
      headers: { accept: 'application/json', 'WM_SVC.NAME': 'x', 'WM_SEC.ACCESS_TOKEN': 'x' },
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: WalmartError[] }
    expect(body.error[0]).toMatchObject({
      code: expect.stringMatching(/^INVALID_REQUEST_HEADER/),
      field: 'WM_QOS.CORRELATION_ID',
    })
  })
})

describe('getOrder', () => {
  it('returns the `order` object, keeping integers beyond 2^53 exact', async () => {
    const client = setup()
    const id = '9007199254740993' // 2^53 + 1: a double would read it as …992
    // Walmart sends ids as strings; a number this large anywhere in an answer is injected.
    emulator.state.faults.add({
      path: `/v3/orders/${id}`,
      answer: () =>
        new Response(
          `{"order":{"purchaseOrderId":${id},"customerOrderId":"5221883468520","orderDate":1741929263638}}`,
          { headers: { 'content-type': 'application/json' } },
        ),
    })
    await expect(client.getOrder(id)).resolves.toEqual({
      purchaseOrderId: id,
      customerOrderId: '5221883468520',
      orderDate: 1741929263638,
    })
    expect(apiCalls()[0]?.path).toBe(`/v3/orders/${id}`)
  })

  it('fails transient while Walmart does not show the order (404), naming it', async () => {
    const err = await failure(setup().getOrder('1796277083022'))
    expect(err).toMatchObject({
      kind: 'transient',
      details: { status: 404, code: 'CONTENT_NOT_FOUND.GMP_ORDER_API' },
    })
    expect(err.message).toContain('Walmart get order 1796277083022')
    expect(err.message).toContain('not visible yet')
  })

  it('a 404 for an unknown path (URI_NOT_FOUND) is permanent', async () => {
    const client = setup()
    emulator.state.faults.add({
      path: '/v3/orders/',
      answer: () => walmartError(404, [{ code: 'URI_NOT_FOUND.GMP_GATEWAY_API' }]),
    })
    const err = await failure(client.getOrder('1'))
    expect(err).toMatchObject({
      kind: 'permanent',
      details: { code: 'URI_NOT_FOUND.GMP_GATEWAY_API' },
    })
  })

  it('a wrong base URL, where the emulator serves no API (URI_NOT_FOUND), is permanent', async () => {
    const err = await failure(setup({ apiBaseUrl: `${BASE}/v2` }).getOrder('1'))
    expect(err).toMatchObject({
      kind: 'permanent',
      details: { status: 404, code: 'URI_NOT_FOUND.GMP_GATEWAY_API' },
    })
    expect(requests().map((r) => r.path)).toEqual(['/v2/v3/token'])
  })

  it('an answer without an `order` object is permanent', async () => {
    const client = setup()
    emulator.state.faults.add({ path: '/v3/orders/', answer: () => Response.json({ list: {} }) })
    expect((await failure(client.getOrder('1'))).message).toMatch(/no `order` object/)
  })
})

describe('hydrate', () => {
  it('fetches each order once and keys the records by hydrationKey', async () => {
    const client = setup()
    sellerHas(['11', '12'])
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
    const client = setup()
    sellerHas(ids)
    let active = 0
    let peak = 0
    // Watches the reads on their way to the emulator and holds each a little; answers none.
    mswServer.use(
      http.get(`${BASE}/v3/orders/*`, async () => {
        active += 1
        peak = Math.max(peak, active)
        await delay(20)
        active -= 1
      }),
    )
    const hydrated = await client.hydrate(ids.map((id) => ({ kind: 'order' as const, id })))
    expect(Object.keys(hydrated)).toHaveLength(9)
    expect(apiCalls()).toHaveLength(9)
    expect(peak).toBe(4)
  })

  it('is all or nothing: one order not visible fails the hydration', async () => {
    const client = setup()
    sellerHas(['11'])
    const err = await failure(
      client.hydrate([
        { kind: 'order', id: '11' },
        { kind: 'order', id: '12' },
      ]),
    )
    expect(err.kind).toBe('transient')
  })

  it('refuses return needs (permanent) without calling Walmart', async () => {
    const client = setup()
    sellerHas(['11'])
    const err = await failure(
      client.hydrate([
        { kind: 'order', id: '11' },
        { kind: 'return', id: '77', orderId: '11' },
      ]),
    )
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/return records is not supported \(return:77\)/)
    expect(requests()).toHaveLength(0)
  })
})

describe('setStock', () => {
  it('puts an absolute quantity for the default node', async () => {
    const client = setup()
    await expect(client.setStock({ sku: 'TSHIRT-BLK-M', quantity: 17 })).resolves.toEqual({
      status: 'applied',
    })
    const call = requests().at(-1)
    expect([call?.method, call?.path, call?.rawQuery]).toEqual([
      'PUT',
      '/v3/inventory',
      'sku=TSHIRT-BLK-M',
    ])
    expect(JSON.parse(call?.body ?? '')).toEqual({
      sku: 'TSHIRT-BLK-M',
      quantity: { unit: 'EACH', amount: 17 },
    })
    expect(emulator.state.stock.get('TSHIRT-BLK-M')).toBe(17)
  })

  it('names the ship node in the query, and sends 0 as 0', async () => {
    const client = setup()
    emulator.state.stock.set('TSHIRT-BLK-M', 5)
    await client.setStock({ sku: 'TSHIRT-BLK-M', shipNode: SHIP_NODE.id, quantity: 0 })
    const call = requests().at(-1)
    expect(call?.rawQuery).toBe(`sku=TSHIRT-BLK-M&shipNode=${SHIP_NODE.id}`)
    expect(JSON.parse(call?.body ?? '')).toEqual({
      sku: 'TSHIRT-BLK-M',
      quantity: { unit: 'EACH', amount: 0 },
    })
    expect(emulator.state.stock.get('TSHIRT-BLK-M')).toBe(0)
  })

  it('percent-encodes a SKU with a space, a slash and the characters Walmart lists', async () => {
    const sku = "TEE BLK/M+(x)*!'#&="
    const client = setup()
    await client.setStock({ sku, quantity: 1 })
    await client.setStockPerNode({ sku, nodes: [{ shipNode: OTHER_SHIP_NODE.id, quantity: 2 }] })
    const [single, perNode] = requests().filter((c) => c.method === 'PUT')
    expect(single?.rawQuery).toBe('sku=TEE%20BLK%2FM%2B%28x%29%2A%21%27%23%26%3D')
    expect(perNode?.path).toBe('/v3/inventories/TEE%20BLK%2FM%2B%28x%29%2A%21%27%23%26%3D')
    // The emulator decoded both back to the SKU.
    expect(emulator.state.stock.get(sku)).toBe(1)
    await expect(client.getStock({ sku, shipNode: OTHER_SHIP_NODE.id })).resolves.toMatchObject({
      quantity: 2,
    })
  })

  it('per ship node: sends every node with inputQty', async () => {
    const client = setup()
    await expect(
      client.setStockPerNode({
        sku: 'TSHIRT-BLK-M',
        nodes: [
          { shipNode: SHIP_NODE.id, quantity: 88 },
          { shipNode: OTHER_SHIP_NODE.id, quantity: 0 },
        ],
      }),
    ).resolves.toEqual({ status: 'applied' })
    const call = requests().at(-1)
    expect(call?.path).toBe('/v3/inventories/TSHIRT-BLK-M')
    expect(JSON.parse(call?.body ?? '')).toEqual({
      inventories: {
        nodes: [
          { shipNode: SHIP_NODE.id, inputQty: { unit: 'EACH', amount: 88 } },
          { shipNode: OTHER_SHIP_NODE.id, inputQty: { unit: 'EACH', amount: 0 } },
        ],
      },
    })
    expect(emulator.state.stock.get('TSHIRT-BLK-M')).toBe(88)
    const atOther = await client.getStock({ sku: 'TSHIRT-BLK-M', shipNode: OTHER_SHIP_NODE.id })
    expect(atOther.quantity).toBe(0)
  })

  it('per ship node: a node not applied fails the call (permanent), naming the node', async () => {
    const client = setup()
    const err = await failure(
      client.setStockPerNode({
        sku: 'TSHIRT-BLK-M',
        nodes: [
          { shipNode: SHIP_NODE.id, quantity: 1 },
          { shipNode: '42', quantity: 2 },
        ],
      }),
    )
    expect(err).toMatchObject({
      kind: 'permanent',
      details: { status: 200, code: 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API' },
    })
    expect(err.message).toContain(
      'ship node 42: status Failed; INVALID_REQUEST_CONTENT.GMP_INVENTORY_API (field shipNode) "Unknown ship node 42"',
    )
    expect(err.message).not.toContain(`ship node ${SHIP_NODE.id}`)
    // Walmart applied the node it knows: not retried, as it would fail the same way.
    expect(emulator.state.stock.get('TSHIRT-BLK-M')).toBe(1)
  })

  it('per ship node: a node missing from the answer counts as not applied', async () => {
    const client = setup()
    emulator.state.faults.add({
      path: '/v3/inventories/',
      answer: () =>
        Response.json({ sku: 'S', nodes: [{ shipNode: SHIP_NODE.id, status: 'Success' }] }),
    })
    const err = await failure(
      client.setStockPerNode({
        sku: 'S',
        nodes: [
          { shipNode: SHIP_NODE.id, quantity: 1 },
          { shipNode: OTHER_SHIP_NODE.id, quantity: 1 },
        ],
      }),
    )
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain(`ship node ${OTHER_SHIP_NODE.id}: no status in the answer`)
  })

  it('refuses impossible input before any call, the token call included', async () => {
    const client = setup()
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
    expect(requests()).toHaveLength(0)
  })
})

describe('getStock', () => {
  it('reads the quantity, at the default node or a named one', async () => {
    const client = setup()
    emulator.state.stock.set('TSHIRT-BLK-M', 10)
    await client.setStock({ sku: 'TSHIRT-BLK-M', shipNode: OTHER_SHIP_NODE.id, quantity: 3 })
    await expect(client.getStock({ sku: 'TSHIRT-BLK-M' })).resolves.toEqual({
      sku: 'TSHIRT-BLK-M',
      quantity: 10,
    })
    await expect(
      client.getStock({ sku: 'TSHIRT-BLK-M', shipNode: OTHER_SHIP_NODE.id }),
    ).resolves.toEqual({ sku: 'TSHIRT-BLK-M', shipNode: OTHER_SHIP_NODE.id, quantity: 3 })
    expect(requests().at(-1)?.rawQuery).toBe(`sku=TSHIRT-BLK-M&shipNode=${OTHER_SHIP_NODE.id}`)
  })

  it('a SKU Walmart does not know (404) is permanent', async () => {
    const err = await failure(setup().getStock({ sku: 'NOPE' }))
    expect(err).toMatchObject({
      kind: 'permanent',
      details: { status: 404, code: 'CONTENT_NOT_FOUND.GMP_INVENTORY_API' },
    })
  })
})

describe('error classification', () => {
  const getStock: CallUnderTest<WalmartClient> = {
    setup: (overrides) => setup(overrides),
    call: (client) => client.getStock({ sku: 'S' }),
    inject: (fault) =>
      emulator.state.faults.add({ method: 'GET', path: '/v3/inventory', ...fault }),
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
      reply: () => new Response(null, { status: 429 }),
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
      reply: () => new Response('<html>unavailable</html>', { status: 503 }),
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
      reply: () => new Response('Bad Request', { status: 400 }),
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
      reply: () => new Response('<inventory/>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 200 with JSON of another shape',
      reply: () => Response.json({ sku: 'S' }),
      kind: 'permanent',
    },
  ]

  itClassifiesAnswers(getStock, cases, (err) => {
    expect(err.message).toContain('Walmart get inventory of sku S (GET /v3/inventory)')
    const token = apiCalls()[0]?.headers[TOKEN]
    expect(token).toBeDefined()
    expect(err.message).not.toContain(token)
    expect(err.message).not.toContain(CLIENT_SECRET)
  })

  it('quotes the correlation id and redacts a token Walmart echoes back', async () => {
    const client = setup()
    emulator.state.stock.set('S', 1)
    await client.getStock({ sku: 'S' })
    const token = apiCalls()[0]?.headers[TOKEN] ?? ''
    expect(token).not.toBe('')
    getStock.inject({
      answer: () =>
        walmartError(400, [
          { code: 'INVALID_REQUEST_HEADER.GMP_GATEWAY_API', description: `bad token ${token}` },
        ]),
    })
    const err = await failure(client.getStock({ sku: 'S' }))
    expect(err.message).toContain('"bad token [redacted]"')
    expect(err.message).not.toContain(token)
    expect(err.message).toMatch(/correlation id [0-9a-f-]{36}/)
  })

  itRefusesUnusableAnswers(getStock, (filler) => `{"sku":"${filler}"}`)
})

describe('rate limiting', () => {
  it('paces each API separately and refuses locally instead of waiting long', async () => {
    const client = setup({ rateLimitPerSecond: 0.2 })
    sellerHas(['1'])
    emulator.state.stock.set('S', 1)
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
