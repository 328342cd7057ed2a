// De-risks the Amazon SP-API client against an msw stand-in written from Amazon's models and docs:
// the LWA exchange and token cache (form fields, reuse, renewal by the clock, one renewal for
// concurrent calls, a refused token retried once), `x-amz-access-token` on every call, lossless
// order reads with NextToken paging, the hydrated record, the stock write's exact shape (merge,
// value array, one marketplace per call, encoded SKU) and its ACCEPTED / INVALID answers, the
// listing read, error classification, timeouts and local pacing.
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  amazonApi,
  QUOTA_EXCEEDED,
  spApiError,
  type AmazonApiOptions,
  type ServedOrder,
} from '../../test/channels/amazon-api.js'
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
import type { HydrationNeed } from '../types.js'
import { createAmazonClient, DEFAULT_RATE_LIMIT_WAIT_MS } from './client.js'
import { AmazonCredentials } from './config.js'

const BASE = 'https://sellingpartnerapi-na.amazon.test'
const LWA_URL = 'https://api.amazon.test/auth/o2/token'
const LWA = {
  clientId: 'amzn1.application-oa2-client.test0001',
  clientSecret: 'amzn1.oa2-cs.v1.test-client-secret-0001',
  refreshToken: 'Atzr|test-refresh-token-0001',
}
const SELLER = 'A1B2C3D4E5F6G7'
const US = 'ATVPDKIKX0DER'
const CA = 'A2EUQ1WTGCTBG'
const START = new Date('2026-11-22T12:00:00Z')
const fast = { perSecond: 1_000, burst: 1_000 }

const clock = testClock(START)

const credentials = AmazonCredentials.parse({
  staticHeader: { values: [{ apiKey: 'k' }] },
  sellerId: SELLER,
  marketplaceIds: [US],
  lwa: LWA,
  apiBaseUrl: BASE,
  lwaTokenUrl: LWA_URL,
  // High enough that pacing never enters a test that is not about it.
  rateLimits: { getOrder: fast, getOrderItems: fast, patchListingsItem: fast },
})

function setup(api: Partial<AmazonApiOptions> = {}, overrides: Partial<AmazonCredentials> = {}) {
  const emulator = serve(
    amazonApi({
      baseUrl: BASE,
      lwaTokenUrl: LWA_URL,
      lwa: LWA,
      sellerId: SELLER,
      now: clock.now,
      ...api,
    }),
  )
  const client = createAmazonClient({ ...credentials, ...overrides }, clientContext(clock))
  const tokenCalls = () => emulator.calls.filter((c) => c.operation === 'token')
  const apiCalls = () => emulator.calls.filter((c) => c.operation !== 'token')
  return { client, api: emulator, tokenCalls, apiCalls }
}

const order = (id: string) => ({ AmazonOrderId: id, OrderStatus: 'Unshipped' })
const item = (id: string, sku = 'TSHIRT-BLK-M') => ({
  OrderItemId: id,
  SellerSKU: sku,
  QuantityOrdered: 1,
})
const ordersMap = (ids: readonly string[]) =>
  new Map<string, ServedOrder>(
    ids.map((id) => [id, { order: order(id), items: [item(`${id}-1`)] }]),
  )

const ORDER_ID = '113-4567890-1234567'

describe('LWA access token', () => {
  it('is exchanged once with the refresh-token form, and reused across calls', async () => {
    const { client, api, tokenCalls, apiCalls } = setup({
      orders: ordersMap([ORDER_ID]),
      listings: new Map([['SKU-1', [{ fulfillmentChannelCode: 'DEFAULT', quantity: 1 }]]]),
    })
    await client.getOrder(ORDER_ID)
    await client.getOrderItems(ORDER_ID)
    await client.setStock({ sku: 'SKU-1', quantity: 3 })
    await client.getListingQuantity({ sku: 'SKU-1' })

    expect(tokenCalls()).toHaveLength(1)
    const [tokenCall] = tokenCalls()
    expect(tokenCall?.method).toBe('POST')
    expect(tokenCall?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(Object.fromEntries(new URLSearchParams(tokenCall?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: LWA.refreshToken,
      client_id: LWA.clientId,
      client_secret: LWA.clientSecret,
    })
    expect(tokenCall?.headers).not.toHaveProperty('x-amz-access-token')

    expect(apiCalls().map((c) => c.operation)).toEqual([
      'getOrder',
      'getOrderItems',
      'patchListingsItem',
      'getListingsItem',
    ])
    for (const call of apiCalls()) {
      expect(call.refusedWith).toBeUndefined()
      expect(call.headers['x-amz-access-token']).toBe(api.tokens[0])
      expect(call.headers.accept).toBe('application/json')
      expect(call.headers['user-agent']).toMatch(/^marketplace-hub\//)
      // LWA only: no AWS Signature Version 4 since October 2023.
      expect(call.headers).not.toHaveProperty('authorization')
    }
  })

  it('is renewed 60 s before expires_in, by the injected clock', async () => {
    const { client, api, tokenCalls } = setup({
      orders: ordersMap([ORDER_ID]),
      tokenTtlSeconds: 3_600,
    })
    await client.getOrder(ORDER_ID)
    clock.advance(3_539_999)
    await client.getOrder(ORDER_ID)
    expect(tokenCalls()).toHaveLength(1)
    clock.advance(1)
    await client.getOrder(ORDER_ID)
    expect(tokenCalls()).toHaveLength(2)
    expect(api.calls.at(-1)?.headers['x-amz-access-token']).toBe(api.tokens[1])
  })

  it('is exchanged once for concurrent first calls', async () => {
    const ids = ['111-0000001-0000001', '111-0000002-0000002', '111-0000003-0000003']
    const { client, tokenCalls, apiCalls } = setup({ orders: ordersMap(ids) })
    await Promise.all([...ids.map((id) => client.getOrder(id)), client.getOrderItems(ids[0]!)])
    expect(tokenCalls()).toHaveLength(1)
    expect(apiCalls()).toHaveLength(4)
  })

  it('after a 401, is dropped, exchanged anew and the call retried once', async () => {
    const { client, api, tokenCalls, apiCalls } = setup({ orders: ordersMap([ORDER_ID]) })
    await client.getOrder(ORDER_ID)
    let refused = false
    mswServer.use(
      http.get(`${BASE}/orders/v0/orders/:orderId`, () => {
        if (refused) return undefined // fall through to the emulator
        refused = true
        return spApiError(401, [{ code: 'Unauthorized', message: 'Unauthorized' }])
      }),
    )
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    expect(tokenCalls()).toHaveLength(2)
    expect(apiCalls().at(-1)?.headers['x-amz-access-token']).toBe(api.tokens[1])
  })

  it('after a 403 saying the token expired, is dropped, exchanged anew and the call retried once', async () => {
    const { client, api, tokenCalls, apiCalls } = setup({ orders: ordersMap([ORDER_ID]) })
    await client.getOrder(ORDER_ID)
    api.expireTokens()
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    expect(tokenCalls()).toHaveLength(2)
    expect(apiCalls().map((c) => c.refusedWith?.status)).toEqual([undefined, 403, undefined])
    expect(apiCalls()[2]?.headers['x-amz-access-token']).toBe(api.tokens[1])
  })

  it('a 403 "Access to requested resource is denied." is unauthorized, not retried', async () => {
    const { client, api, tokenCalls, apiCalls } = setup({ orders: ordersMap([ORDER_ID]) })
    await client.getOrder(ORDER_ID)
    api.revokeTokens()
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 403, code: 'Unauthorized' },
    })
    expect(err.message).toContain('"Access to requested resource is denied."')
    expect(tokenCalls()).toHaveLength(1)
    expect(apiCalls()).toHaveLength(2)
  })

  it('a 401 that persists after the retry is unauthorized, with no further attempt', async () => {
    const { client, tokenCalls } = setup()
    let attempts = 0
    mswServer.use(
      http.get(`${BASE}/orders/v0/orders/:orderId`, () => {
        attempts += 1
        return spApiError(401, [{ code: 'Unauthorized', message: 'Unauthorized' }])
      }),
    )
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({ kind: 'unauthorized', details: { status: 401 } })
    expect(attempts).toBe(2)
    expect(tokenCalls()).toHaveLength(2)
  })

  it('a refresh token LWA refuses (invalid_grant) is unauthorized, secrets kept out', async () => {
    const { client, apiCalls } = setup({ lwa: { ...LWA, refreshToken: 'Atzr|another-token' } })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 400, code: 'invalid_grant' },
    })
    expect(err.message).toContain('Amazon get access token (POST /auth/o2/token)')
    for (const secret of [
      LWA.clientSecret,
      LWA.refreshToken,
      encodeURIComponent(LWA.refreshToken),
    ]) {
      expect(err.message).not.toContain(secret)
    }
    expect(apiCalls()).toHaveLength(0)
  })

  it('wrong client credentials (401 invalid_client) are unauthorized', async () => {
    const { client } = setup({ lwa: { ...LWA, clientSecret: 'the-secret-lwa-expects' } })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 401, code: 'invalid_client' },
    })
  })

  it('redacts the secrets LWA echoes back', async () => {
    const { client } = setup()
    mswServer.use(
      http.post(LWA_URL, async ({ request }) =>
        HttpResponse.json(
          { error: 'invalid_request', error_description: `bad body ${await request.text()}` },
          { status: 400 },
        ),
      ),
    )
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('[redacted]')
    expect(err.message).not.toContain(LWA.clientSecret)
    expect(err.message).not.toContain(encodeURIComponent(LWA.refreshToken))
    expect(err.message).not.toContain(LWA.refreshToken)
  })

  it('a failed exchange fails every waiting caller, and the next call asks again', async () => {
    const { client, tokenCalls } = setup({ orders: ordersMap([ORDER_ID]) })
    mswServer.use(http.post(LWA_URL, () => new HttpResponse(null, { status: 503 }), { once: true }))
    const errors = await Promise.all([
      failure(client.getOrder(ORDER_ID)),
      failure(client.getOrderItems(ORDER_ID)),
    ])
    expect(errors.map((e) => e.kind)).toEqual(['transient', 'transient'])
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    expect(tokenCalls()).toHaveLength(1) // the 503 was answered by the one-off handler
  })

  it('a token answer without access_token is transient', async () => {
    const { client } = setup()
    mswServer.use(http.post(LWA_URL, () => HttpResponse.json({ token_type: 'bearer' })))
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/not a token answer/)
  })
})

describe('getOrder', () => {
  it('returns the `payload` Order, keeping integers beyond 2^53 exact', async () => {
    const big = '9007199254740993' // 2^53 + 1: a double would read it as …992
    const { client, apiCalls } = setup({
      orders: new Map([
        [
          ORDER_ID,
          {
            order: `{"AmazonOrderId":"${ORDER_ID}","SellerOrderId":${big},"NumberOfItemsUnshipped":2}`,
            items: [],
          },
        ],
      ]),
    })
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual({
      AmazonOrderId: ORDER_ID,
      SellerOrderId: big,
      NumberOfItemsUnshipped: 2,
    })
    expect(apiCalls()[0]?.path).toBe(`/orders/v0/orders/${ORDER_ID}`)
  })

  it('fails transient while Amazon does not show the order (404), naming it', async () => {
    const { client } = setup({ orders: new Map() })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({ kind: 'transient', details: { status: 404, code: 'NotFound' } })
    expect(err.message).toContain(`Amazon get order ${ORDER_ID} (GET /orders/v0/orders/{orderId})`)
    expect(err.message).toContain('not visible yet')
    expect(err.message).toMatch(/request id [0-9a-f-]{36}/)
  })

  it('an answer without a `payload` object is permanent', async () => {
    const { client } = setup()
    mswServer.use(http.get(`${BASE}/orders/v0/orders/:orderId`, () => HttpResponse.json({})))
    expect((await failure(client.getOrder(ORDER_ID))).message).toMatch(/no `payload` object/)
  })
})

describe('getOrderItems', () => {
  it('follows NextToken over every page, encoding it, and keeps ids exact', async () => {
    const big = '12345678901234567890'
    const items = [
      `{"OrderItemId":${big},"SellerSKU":"A","QuantityOrdered":1}`,
      item('2'),
      item('3'),
      item('4'),
      item('5'),
    ]
    const { client, apiCalls } = setup({
      orders: new Map([[ORDER_ID, { order: order(ORDER_ID), items }]]),
      pageSize: 2,
    })
    const got = await client.getOrderItems(ORDER_ID)
    expect(got).toEqual([
      { OrderItemId: big, SellerSKU: 'A', QuantityOrdered: 1 },
      item('2'),
      item('3'),
      item('4'),
      item('5'),
    ])
    const pages = apiCalls()
    expect(pages).toHaveLength(3)
    expect(pages.map((c) => c.refusedWith)).toEqual([undefined, undefined, undefined])
    expect(pages[0]?.rawQuery).toBe('')
    // The emulator's tokens hold `+`, `/` and `=`: sent percent-encoded, never raw.
    for (const page of pages.slice(1)) {
      expect(page.rawQuery).toMatch(/^NextToken=NT%2B\d+%2F[A-Za-z0-9%]+%3D$/)
    }
  })

  it('an order without items is an empty list', async () => {
    const { client } = setup({
      orders: new Map([[ORDER_ID, { order: order(ORDER_ID), items: [] }]]),
    })
    await expect(client.getOrderItems(ORDER_ID)).resolves.toEqual([])
  })

  it('a NextToken that comes back again is refused instead of looping', async () => {
    const { client } = setup()
    mswServer.use(
      http.get(`${BASE}/orders/v0/orders/:orderId/orderItems`, () =>
        HttpResponse.json({ payload: { OrderItems: [item('1')], NextToken: 'same' } }),
      ),
    )
    const err = await failure(client.getOrderItems(ORDER_ID))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/repeats an earlier NextToken/)
  })
})

describe('hydrate', () => {
  it('returns one { order, orderItems } record per order under hydrationKey', async () => {
    const a = '111-1111111-1111111'
    const b = '222-2222222-2222222'
    const orders = new Map<string, ServedOrder>([
      [a, { order: order(a), items: [item('a1'), item('a2'), item('a3')] }],
      [b, { order: order(b), items: [item('b1')] }],
    ])
    const { client, apiCalls } = setup({ orders, pageSize: 2 })
    const hydrated = await client.hydrate([
      { kind: 'order', id: a },
      { kind: 'order', id: b },
      { kind: 'order', id: a },
    ])
    expect(hydrated).toEqual({
      [`order:${a}`]: { order: order(a), orderItems: [item('a1'), item('a2'), item('a3')] },
      [`order:${b}`]: { order: order(b), orderItems: [item('b1')] },
    })
    expect(apiCalls().filter((c) => c.operation === 'getOrder')).toHaveLength(2)
    expect(apiCalls().filter((c) => c.operation === 'getOrderItems')).toHaveLength(3)
  })

  it('is all or nothing: one order not visible fails the hydration (transient)', async () => {
    const { client } = setup({ orders: ordersMap([ORDER_ID]) })
    const err = await failure(
      client.hydrate([
        { kind: 'order', id: ORDER_ID },
        { kind: 'order', id: '999-9999999-9999999' },
      ]),
    )
    expect(err.kind).toBe('transient')
  })

  it('refuses return needs and any other kind (permanent) without calling Amazon', async () => {
    const { client, api } = setup({ orders: ordersMap([ORDER_ID]) })
    const returned = await failure(
      client.hydrate([
        { kind: 'order', id: ORDER_ID },
        { kind: 'return', id: 'R1', orderId: ORDER_ID },
      ]),
    )
    expect(returned.kind).toBe('permanent')
    expect(returned.message).toContain('fetching return records is not supported (return:R1)')
    const other = { kind: 'something-new', id: 'x' } as unknown as HydrationNeed
    expect((await failure(client.hydrate([other]))).kind).toBe('permanent')
    expect(api.calls).toHaveLength(0)
  })
})

describe('setStock', () => {
  it('patches fulfillment_availability with merge and a value array, and is queued', async () => {
    const { client, api } = setup()
    const result = await client.setStock({ sku: 'TSHIRT-BLK-M', quantity: 17 })
    expect(result).toEqual({
      status: 'queued',
      submissionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      submissions: [{ marketplaceId: US, submissionId: result.submissionId, issues: [] }],
    })
    const call = api.calls.at(-1)
    expect([call?.method, call?.path, call?.rawQuery]).toEqual([
      'PATCH',
      `/listings/2021-08-01/items/${SELLER}/TSHIRT-BLK-M`,
      `marketplaceIds=${US}`,
    ])
    expect(call?.headers['content-type']).toMatch(/^application\/json/)
    // Written out in full: the exact request Amazon documents for a quantity merge.
    expect(JSON.parse(call?.body ?? '')).toEqual({
      productType: 'PRODUCT',
      patches: [
        {
          op: 'merge',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 17 }],
        },
      ],
    })
    expect(api.patches).toHaveLength(1)
  })

  it('percent-encodes a SKU with a space, a slash and reserved characters in the path', async () => {
    const sku = "TEE BLK/M+(x)*!'#&=?"
    const { client, api } = setup()
    await client.setStock({ sku, quantity: 0 })
    expect(api.calls.at(-1)?.path).toBe(
      `/listings/2021-08-01/items/${SELLER}/TEE%20BLK%2FM%2B%28x%29%2A%21%27%23%26%3D%3F`,
    )
    expect(api.patches[0]?.sku).toBe(sku)
    expect(api.patches[0]?.body.patches[0]?.value).toEqual([
      { fulfillment_channel_code: 'DEFAULT', quantity: 0 },
    ])
  })

  it('takes another fulfillment channel code and product type', async () => {
    const { client, api } = setup()
    await client.setStock({
      sku: 'S',
      quantity: 4,
      fulfillmentChannelCode: 'MY_STORE_1',
      productType: 'SHIRT',
    })
    expect(api.patches[0]?.body).toMatchObject({
      productType: 'SHIRT',
      patches: [{ value: [{ fulfillment_channel_code: 'MY_STORE_1', quantity: 4 }] }],
    })
  })

  it('sends one PATCH per marketplace (the model allows one marketplaceIds value)', async () => {
    const { client, api } = setup({}, { marketplaceIds: [US, CA] })
    const result = await client.setStock({ sku: 'S', quantity: 2 })
    expect(api.patches.map((p) => p.marketplaceIds)).toEqual([[US], [CA]])
    expect(result.submissions.map((s) => s.marketplaceId)).toEqual([US, CA])
    expect(result.submissionId).toBe(result.submissions[0]?.submissionId)
  })

  it('INVALID is permanent, listing the issues', async () => {
    const { client } = setup({
      onPatch: () => ({
        status: 'INVALID',
        issues: [
          {
            code: '90220',
            message: "'fulfillment_availability' is invalid.",
            severity: 'ERROR',
            attributeNames: ['fulfillment_availability'],
            categories: ['INVALID_ATTRIBUTE'],
          },
          { code: '4000003', message: 'Listing not found.', severity: 'ERROR', categories: [] },
        ],
      }),
    })
    const err = await failure(client.setStock({ sku: 'S', quantity: 2 }))
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 200, code: '90220' } })
    expect(err.message).toContain(
      `90220 "'fulfillment_availability' is invalid." (ERROR; attributes fulfillment_availability); 4000003 "Listing not found." (ERROR)`,
    )
  })

  it('names the marketplaces already queued when a later one is INVALID', async () => {
    const { client } = setup(
      {
        onPatch: (patch) =>
          patch.marketplaceIds[0] === CA
            ? { status: 'INVALID', issues: [{ code: '1', message: 'no', severity: 'ERROR' }] }
            : undefined,
      },
      { marketplaceIds: [US, CA] },
    )
    const err = await failure(client.setStock({ sku: 'S', quantity: 2 }))
    expect(err.message).toContain(`already queued in ${US}`)
  })

  it('refuses impossible input before any call, the token exchange included', async () => {
    const { client, api } = setup()
    const bad: Promise<unknown>[] = [
      client.setStock({ sku: '', quantity: 1 }),
      client.setStock({ sku: '  ', quantity: 1 }),
      client.setStock({ sku: 'S', quantity: -1 }),
      client.setStock({ sku: 'S', quantity: 1.5 }),
      client.setStock({ sku: 'S', quantity: Number.NaN }),
      client.setStock({ sku: 'S', quantity: 1, fulfillmentChannelCode: '' }),
      client.setStock({ sku: 'S', quantity: 1, productType: ' ' }),
      client.setStock({ sku: 'S', quantity: 1, marketplaceIds: [] }),
      client.setStock({ sku: 'S', quantity: 1, marketplaceIds: [US, US] }),
      client.setStock({ sku: '\uD800', quantity: 1 }),
      client.getListingQuantity({ sku: '' }),
      client.getOrder(''),
      client.getOrderItems(' '),
    ]
    for (const promise of bad) {
      const err = await failure(promise)
      expect(err.kind).toBe('permanent')
      expect(err.message).toMatch(/not sent: /)
    }
    expect(api.calls).toHaveLength(0)
  })
})

describe('getListingQuantity', () => {
  it('reads fulfillmentAvailability per channel code', async () => {
    const { client, api } = setup({
      listings: new Map([
        [
          'TEE BLK/M',
          [
            { fulfillmentChannelCode: 'DEFAULT', quantity: 12 },
            { fulfillmentChannelCode: 'AMAZON_NA' },
          ],
        ],
      ]),
    })
    await expect(client.getListingQuantity({ sku: 'TEE BLK/M' })).resolves.toEqual({
      sku: 'TEE BLK/M',
      marketplaceId: US,
      quantities: { DEFAULT: 12, AMAZON_NA: null },
    })
    expect(api.calls.at(-1)?.path).toBe(`/listings/2021-08-01/items/${SELLER}/TEE%20BLK%2FM`)
    expect(api.calls.at(-1)?.rawQuery).toBe(
      `marketplaceIds=${US}&includedData=fulfillmentAvailability`,
    )
  })

  it('a SKU Amazon does not know (404) is permanent', async () => {
    const { client } = setup({ listings: new Map() })
    const err = await failure(client.getListingQuantity({ sku: 'NOPE', marketplaceId: CA }))
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 404 } })
    expect(err.message).toContain(`get listing of sku NOPE in ${CA}`)
  })
})

describe('error classification', () => {
  const LISTING = `${BASE}/listings/2021-08-01/items/:sellerId/:sku`
  const getListing: CallUnderTest<ReturnType<typeof setup>> = {
    setup: (overrides) => setup({}, overrides),
    call: ({ client }) => client.getListingQuantity({ sku: 'S' }),
    route: (reply) => http.get(LISTING, reply),
  }
  const invalid = { code: 'InvalidInput', message: 'Invalid Input', details: 'sku too long' }
  const cases: ClassificationCase[] = [
    {
      name: 'HTTP 429 with Retry-After',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { retryAfter: '7' }),
      kind: 'rate-limited',
      retryAfterMs: 7_000,
      code: 'QuotaExceeded',
    },
    {
      name: 'HTTP 429 with x-amzn-RateLimit-Limit 0.25 and no Retry-After',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { rateLimit: '0.25' }),
      kind: 'rate-limited',
      retryAfterMs: 4_000,
    },
    {
      name: 'HTTP 429 with x-amzn-RateLimit-Limit 5',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { rateLimit: '5' }),
      kind: 'rate-limited',
      retryAfterMs: 200,
    },
    {
      name: 'HTTP 429 with Retry-After and x-amzn-RateLimit-Limit (Retry-After wins)',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { retryAfter: '3', rateLimit: '5' }),
      kind: 'rate-limited',
      retryAfterMs: 3_000,
    },
    {
      name: 'HTTP 429 with neither header',
      reply: () => new HttpResponse(null, { status: 429 }),
      kind: 'rate-limited',
      retryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS,
    },
    {
      name: 'HTTP 500 InternalFailure',
      reply: () =>
        spApiError(500, [
          { code: 'InternalFailure', message: 'We encountered an internal error.' },
        ]),
      kind: 'transient',
      code: 'InternalFailure',
    },
    {
      name: 'HTTP 503 that is not JSON',
      reply: () => new HttpResponse('<html>unavailable</html>', { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 400 with errors',
      reply: () => spApiError(400, [invalid]),
      kind: 'permanent',
      code: 'InvalidInput',
      says: 'InvalidInput "Invalid Input" (details "sku too long")',
    },
    {
      name: 'HTTP 400 that is not JSON',
      reply: () => new HttpResponse('Bad Request', { status: 400 }),
      kind: 'permanent',
    },
    {
      name: 'HTTP 403 access denied',
      reply: () =>
        spApiError(403, [
          { code: 'Unauthorized', message: 'Access to requested resource is denied.' },
        ]),
      kind: 'unauthorized',
      code: 'Unauthorized',
    },
    {
      name: 'HTTP 200 with a body that is not JSON',
      reply: () => new HttpResponse('<item/>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 200 with JSON of another shape',
      reply: () => HttpResponse.json({ fulfillmentAvailability: 'many' }),
      kind: 'permanent',
    },
  ]

  itClassifiesAnswers(getListing, cases, (err, { api }) => {
    expect(err.message).toContain(
      `Amazon get listing of sku S in ${US} (GET /listings/2021-08-01/items/{sellerId}/{sku})`,
    )
    expect(err.message).not.toContain(api.tokens[0])
    expect(err.message).not.toContain(LWA.clientSecret)
  })

  it('a 403 is not retried: the token was not what Amazon refused', async () => {
    const { client, tokenCalls } = setup()
    let attempts = 0
    mswServer.use(
      http.get(LISTING, () => {
        attempts += 1
        return spApiError(403, [
          { code: 'Unauthorized', message: 'Access to requested resource is denied.' },
        ])
      }),
    )
    await failure(client.getListingQuantity({ sku: 'S' }))
    expect([attempts, tokenCalls().length]).toEqual([1, 1])
  })

  it('quotes the request id and redacts a token Amazon echoes back', async () => {
    const { client, api } = setup()
    mswServer.use(
      http.get(LISTING, ({ request }) =>
        HttpResponse.json(
          {
            errors: [
              {
                code: 'InvalidInput',
                message: `bad token ${request.headers.get('x-amz-access-token')}`,
              },
            ],
          },
          { status: 400, headers: { 'x-amzn-RequestId': 'req-0001' } },
        ),
      ),
    )
    const err = await failure(client.getListingQuantity({ sku: 'S' }))
    expect(err.message).toContain('"bad token [redacted]"')
    expect(err.message).not.toContain(api.tokens[0])
    expect(err.message).toContain('request id req-0001')
  })

  itRefusesUnusableAnswers(getListing, {
    answer: { sku: 'S', fulfillmentAvailability: [] },
    hugeAnswer: (filler) => `{"sku":"${filler}"}`,
  })

  it('a getOrder answered 429 once, then served, works on the retry (emulator `before`)', async () => {
    let throttled = false
    const { client, apiCalls } = setup({
      orders: ordersMap([ORDER_ID]),
      before: (call) =>
        call.operation === 'getOrder' && !throttled
          ? ((throttled = true), spApiError(429, [QUOTA_EXCEEDED], { rateLimit: '0.5' }))
          : undefined,
    })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({
      kind: 'rate-limited',
      details: { status: 429, code: 'QuotaExceeded', retryAfterMs: 2_000 },
    })
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    expect(apiCalls().map((c) => c.refusedWith?.status)).toEqual([429, undefined])
  })
})

describe('local pacing', () => {
  it('refuses beyond the burst with a rate-limited error, per operation, until the clock refills', async () => {
    const { client, apiCalls } = setup(
      { orders: ordersMap([ORDER_ID]) },
      { rateLimits: { ...credentials.rateLimits, getOrder: { perSecond: 0.2, burst: 2 } } },
    )
    await client.getOrder(ORDER_ID)
    await client.getOrder(ORDER_ID)
    // The next getOrder token is 5 s away: longer than the bucket parks a worker.
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({ kind: 'rate-limited', details: { retryAfterMs: 5_000 } })
    expect(err.message).toContain(`Amazon get order ${ORDER_ID}: local rate limit reached`)
    expect(apiCalls()).toHaveLength(2)
    await client.getOrderItems(ORDER_ID) // its own bucket
    expect(apiCalls()).toHaveLength(3)
    clock.advance(5_000)
    await client.getOrder(ORDER_ID)
    expect(apiCalls()).toHaveLength(4)
  })

  it('defaults to the documented plans: getOrder passes a burst of 30', async () => {
    const { client, apiCalls } = setup({ orders: ordersMap([ORDER_ID]) }, { rateLimits: {} })
    for (let i = 0; i < 30; i++) await client.getOrder(ORDER_ID)
    expect(apiCalls()).toHaveLength(30)
  })
})
