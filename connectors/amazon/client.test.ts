// De-risks the Amazon SP-API client against the Amazon emulator (src/sandbox/amazon/) reached
// through msw at two hosts, the LWA token endpoint's and SP-API's: the LWA exchange and token cache
// (form fields, reuse, renewal by the clock, one renewal for concurrent calls, a refused token
// retried once), `x-amz-access-token` on every call, lossless order reads with NextToken paging,
// the hydrated record, the stock write's exact shape (merge, value array, one marketplace per
// call, encoded SKU) and its ACCEPTED / INVALID answers, the listing read, error classification,
// timeouts and local pacing. What Amazon does only when something is wrong (5xx, malformed or
// oversized answers, refusals the emulator has no cause for) is injected as an emulator fault.
import { describe, expect, it } from 'vitest'
import {
  createAmazonEmulator,
  listOffer,
  QUOTA_EXCEEDED,
  spApiError,
} from '../../src/sandbox/amazon/index.js'
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
import {
  BASE,
  CA,
  FAST,
  LWA,
  LWA_BASE,
  SELLER,
  TEST_SELLER,
  US,
} from '../../test/helpers/amazon-seller.js'
import type { HydrationNeed } from '../types.js'
import { createAmazonClient, DEFAULT_RATE_LIMIT_WAIT_MS } from './client.js'
import { AmazonCredentials } from './config.js'

const TOKEN_PATH = '/auth/o2/token'
const START = new Date('2026-11-22T12:00:00Z')

const clock = testClock(START)
const emulator = useEmulatorOverMsw(
  createAmazonEmulator({
    seller: TEST_SELLER,
    // Small pages, so an order of three items already takes two.
    orderItemsPerPage: 2,
  }),
  { bases: [BASE, LWA_BASE], now: clock.now },
)

const credentials = AmazonCredentials.parse({
  staticHeader: { values: [{ apiKey: 'k' }] },
  sellerId: SELLER,
  marketplaceIds: [US],
  lwa: LWA,
  apiBaseUrl: BASE,
  lwaTokenUrl: `${LWA_BASE}${TOKEN_PATH}`,
  // High enough that pacing never enters a test that is not about it.
  rateLimits: { getOrder: FAST, getOrderItems: FAST, patchListingsItem: FAST },
})

function setup(overrides: Partial<AmazonCredentials> = {}) {
  return { client: createAmazonClient({ ...credentials, ...overrides }, clientContext(clock)) }
}

const tokenCalls = () => emulator.state.requests.filter((r) => r.path === TOKEN_PATH)
const apiCalls = () => emulator.state.requests.filter((r) => r.path !== TOKEN_PATH)
const tokenOf = (r: ArrivedRequest | undefined) => r?.headers['x-amz-access-token']
const patches = () => apiCalls().filter((r) => r.method === 'PATCH')

/** The SP-API operation a request called, by its method and path. */
function operationOf(r: ArrivedRequest): string {
  if (r.path.startsWith('/listings/')) {
    return r.method === 'PATCH' ? 'patchListingsItem' : 'getListingsItem'
  }
  return r.path.endsWith('/orderItems') ? 'getOrderItems' : 'getOrder'
}

/** Injects `fault` for getOrder of any order (not its items). */
const onGetOrder = (fault: Fault) =>
  emulator.state.faults.add({ method: 'GET', path: /^\/orders\/v0\/orders\/[^/]+$/, ...fault })
const onToken = (fault: Fault) =>
  emulator.state.faults.add({ method: 'POST', path: TOKEN_PATH, ...fault })
const unauthorized401 = () => spApiError(401, [{ code: 'Unauthorized', message: 'Unauthorized' }])
const accessDenied = () =>
  spApiError(403, [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }])

const order = (id: string) => ({ AmazonOrderId: id, OrderStatus: 'Unshipped' })
const item = (id: string, sku = 'TSHIRT-BLK-M') => ({
  OrderItemId: id,
  SellerSKU: sku,
  QuantityOrdered: 1,
})
/** The seller has these orders, one item each unless `items` says otherwise. */
function addOrder(id: string, items: readonly object[] = [item(`${id}-1`)]) {
  emulator.state.orders.set(id, { order: order(id), orderItems: items })
}

const ORDER_ID = '113-4567890-1234567'

describe('LWA access token', () => {
  it('is exchanged once with the refresh-token form, and reused across calls', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
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

    expect(apiCalls().map(operationOf)).toEqual([
      'getOrder',
      'getOrderItems',
      'patchListingsItem',
      'getListingsItem',
    ])
    // The emulator refuses a token it did not issue: none refused means the issued one was sent.
    expect(emulator.state.stats).toMatchObject({ rejected: 0, throttled: 0 })
    const token = tokenOf(apiCalls()[0])
    expect(token).toMatch(/^Atza\|/)
    for (const call of apiCalls()) {
      expect(tokenOf(call)).toBe(token)
      expect(call.headers.accept).toBe('application/json')
      expect(call.headers['user-agent']).toMatch(/^marketplace-hub\//)
      // LWA only: no AWS Signature Version 4 since October 2023.
      expect(call.headers).not.toHaveProperty('authorization')
    }
  })

  it('is renewed 60 s before expires_in, by the injected clock', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
    await client.getOrder(ORDER_ID)
    clock.advance(3_539_999)
    await client.getOrder(ORDER_ID)
    expect(tokenCalls()).toHaveLength(1)
    clock.advance(1)
    await client.getOrder(ORDER_ID)
    expect(tokenCalls()).toHaveLength(2)
    const [first, , last] = apiCalls()
    expect(tokenOf(last)).not.toBe(tokenOf(first))
    expect(emulator.state.stats.rejected).toBe(0)
  })

  it('is exchanged once for concurrent first calls', async () => {
    const ids = ['111-0000001-0000001', '111-0000002-0000002', '111-0000003-0000003']
    const { client } = setup()
    for (const id of ids) addOrder(id)
    await Promise.all([...ids.map((id) => client.getOrder(id)), client.getOrderItems(ids[0]!)])
    expect(tokenCalls()).toHaveLength(1)
    expect(apiCalls()).toHaveLength(4)
  })

  it('after a 401, is dropped, exchanged anew and the call retried once', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
    await client.getOrder(ORDER_ID)
    onGetOrder({ answer: unauthorized401 })
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    expect(tokenCalls()).toHaveLength(2)
    const calls = apiCalls()
    expect(calls.map((c) => c.faulted)).toEqual([undefined, true, undefined])
    expect(tokenOf(calls[2])).not.toBe(tokenOf(calls[0]))
  })

  it('after a 403 saying the token expired, is dropped, exchanged anew and the call retried once', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
    await client.getOrder(ORDER_ID)
    // Amazon's clock runs an hour ahead of the hub's: the token lapses before the hub renews it.
    emulator.state.now = () => new Date(clock.now().getTime() + 3_600_000)
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    expect(tokenCalls()).toHaveLength(2)
    expect(emulator.state.stats.rejected).toBe(1)
    const tokens = apiCalls().map(tokenOf)
    expect(tokens).toHaveLength(3)
    expect(tokens[1]).toBe(tokens[0])
    expect(tokens[2]).not.toBe(tokens[0])
  })

  it('a 403 "Access to requested resource is denied." is unauthorized, not retried', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
    await client.getOrder(ORDER_ID)
    // The grant lacks a role, or was revoked: the emulator has no roles, so this is injected.
    onGetOrder({ answer: accessDenied })
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
    const { client } = setup()
    onGetOrder({ answer: unauthorized401, times: Infinity })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({ kind: 'unauthorized', details: { status: 401 } })
    expect(apiCalls().filter((c) => c.faulted)).toHaveLength(2)
    expect(tokenCalls()).toHaveLength(2)
  })

  it('a refresh token LWA refuses (invalid_grant) is unauthorized, secrets kept out', async () => {
    const { client } = setup({ lwa: { ...LWA, refreshToken: 'Atzr|another-token' } })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 400, code: 'invalid_grant' },
    })
    expect(err.message).toContain('Amazon get access token (POST /auth/o2/token)')
    for (const secret of [
      LWA.clientSecret,
      'Atzr|another-token',
      encodeURIComponent('Atzr|another-token'),
    ]) {
      expect(err.message).not.toContain(secret)
    }
    expect(apiCalls()).toHaveLength(0)
  })

  it('wrong client credentials (401 invalid_client) are unauthorized', async () => {
    const { client } = setup({ lwa: { ...LWA, clientSecret: 'not-the-secret-lwa-expects' } })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({
      kind: 'unauthorized',
      details: { status: 401, code: 'invalid_client' },
    })
  })

  it('redacts the secrets LWA echoes back', async () => {
    const { client } = setup()
    // The request is logged before an injected answer is made: echo the form as it arrived.
    onToken({
      answer: () =>
        Response.json(
          {
            error: 'invalid_request',
            error_description: `bad body ${emulator.state.requests.at(-1)?.body ?? ''}`,
          },
          { status: 400 },
        ),
    })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('[redacted]')
    expect(err.message).not.toContain(LWA.clientSecret)
    expect(err.message).not.toContain(encodeURIComponent(LWA.refreshToken))
    expect(err.message).not.toContain(LWA.refreshToken)
  })

  it('a failed exchange fails every waiting caller, and the next call asks again', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
    onToken({ answer: () => new Response(null, { status: 503 }) })
    const errors = await Promise.all([
      failure(client.getOrder(ORDER_ID)),
      failure(client.getOrderItems(ORDER_ID)),
    ])
    expect(errors.map((e) => e.kind)).toEqual(['transient', 'transient'])
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    // One exchange for both waiting callers (answered 503), one for the next call.
    expect(tokenCalls().map((c) => c.faulted)).toEqual([true, undefined])
  })

  it('a token answer without access_token is transient', async () => {
    const { client } = setup()
    onToken({ answer: () => Response.json({ token_type: 'bearer' }) })
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err.kind).toBe('transient')
    expect(err.message).toMatch(/not a token answer/)
  })
})

describe('getOrder', () => {
  it('returns the `payload` Order, keeping integers beyond 2^53 exact', async () => {
    const { client } = setup()
    // 2^53 + 1: a double would read it as …992. The emulator writes bigints digit for digit.
    const big = 9007199254740993n
    emulator.state.orders.set(ORDER_ID, {
      order: { AmazonOrderId: ORDER_ID, SellerOrderId: big, NumberOfItemsUnshipped: 2 },
      orderItems: [],
    })
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual({
      AmazonOrderId: ORDER_ID,
      SellerOrderId: String(big),
      NumberOfItemsUnshipped: 2,
    })
    expect(apiCalls()[0]?.path).toBe(`/orders/v0/orders/${ORDER_ID}`)
  })

  it('fails transient while Amazon does not show the order (404), naming it', async () => {
    const { client } = setup()
    const err = await failure(client.getOrder(ORDER_ID))
    expect(err).toMatchObject({ kind: 'transient', details: { status: 404, code: 'NotFound' } })
    expect(err.message).toContain(`Amazon get order ${ORDER_ID} (GET /orders/v0/orders/{orderId})`)
    expect(err.message).toContain('not visible yet')
    expect(err.message).toMatch(/request id [0-9a-f-]{36}/)
  })

  it('an answer without a `payload` object is permanent', async () => {
    const { client } = setup()
    onGetOrder({ answer: () => Response.json({}) })
    expect((await failure(client.getOrder(ORDER_ID))).message).toMatch(/no `payload` object/)
  })
})

describe('getOrderItems', () => {
  it('follows NextToken over every page, encoding it, and keeps ids exact', async () => {
    const { client } = setup()
    const big = 12345678901234567890n
    const rest = [item('2'), item('3'), item('4'), item('5')]
    addOrder(ORDER_ID, [{ OrderItemId: big, SellerSKU: 'A', QuantityOrdered: 1 }, ...rest])
    await expect(client.getOrderItems(ORDER_ID)).resolves.toEqual([
      { OrderItemId: String(big), SellerSKU: 'A', QuantityOrdered: 1 },
      ...rest,
    ])
    const pages = apiCalls()
    expect(pages).toHaveLength(3)
    expect(emulator.state.stats.rejected).toBe(0)
    expect(pages[0]?.rawQuery).toBe('')
    // The emulator's tokens hold `+`, `/` and `=`: sent percent-encoded, never raw.
    for (const page of pages.slice(1)) {
      expect(page.rawQuery).toMatch(/^NextToken=([A-Za-z0-9]|%[0-9A-F]{2})+$/)
      for (const encoded of ['%2B', '%2F', '%3D']) expect(page.rawQuery).toContain(encoded)
    }
  })

  it('an order without items is an empty list', async () => {
    const { client } = setup()
    addOrder(ORDER_ID, [])
    await expect(client.getOrderItems(ORDER_ID)).resolves.toEqual([])
  })

  it('a NextToken that comes back again is refused instead of looping', async () => {
    const { client } = setup()
    emulator.state.faults.add({
      method: 'GET',
      path: /\/orderItems$/,
      times: 2,
      answer: () => Response.json({ payload: { OrderItems: [item('1')], NextToken: 'same' } }),
    })
    const err = await failure(client.getOrderItems(ORDER_ID))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/repeats an earlier NextToken/)
  })
})

describe('hydrate', () => {
  it('returns one { order, orderItems } record per order under hydrationKey', async () => {
    const { client } = setup()
    const a = '111-1111111-1111111'
    const b = '222-2222222-2222222'
    addOrder(a, [item('a1'), item('a2'), item('a3')])
    addOrder(b, [item('b1')])
    const hydrated = await client.hydrate([
      { kind: 'order', id: a },
      { kind: 'order', id: b },
      { kind: 'order', id: a },
    ])
    expect(hydrated).toEqual({
      [`order:${a}`]: { order: order(a), orderItems: [item('a1'), item('a2'), item('a3')] },
      [`order:${b}`]: { order: order(b), orderItems: [item('b1')] },
    })
    const operations = apiCalls().map(operationOf)
    expect(operations.filter((o) => o === 'getOrder')).toHaveLength(2)
    expect(operations.filter((o) => o === 'getOrderItems')).toHaveLength(3)
  })

  it('is all or nothing: one order not visible fails the hydration (transient)', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
    const err = await failure(
      client.hydrate([
        { kind: 'order', id: ORDER_ID },
        { kind: 'order', id: '999-9999999-9999999' },
      ]),
    )
    expect(err.kind).toBe('transient')
  })

  it('refuses return needs and any other kind (permanent) without calling Amazon', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
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
    expect(emulator.state.requests).toHaveLength(0)
  })
})

describe('setStock', () => {
  it('patches fulfillment_availability with merge and a value array, and is queued', async () => {
    const { client } = setup()
    const result = await client.setStock({ sku: 'TSHIRT-BLK-M', quantity: 17 })
    expect(result).toEqual({
      status: 'queued',
      submissionId: expect.stringMatching(/^[0-9a-f]{32}$/),
      submissions: [{ marketplaceId: US, submissionId: result.submissionId, issues: [] }],
    })
    expect(patches()).toHaveLength(1)
    const [call] = patches()
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
    expect(emulator.state.stock.get('TSHIRT-BLK-M')).toBe(17)
  })

  it('percent-encodes a SKU with a space, a slash and reserved characters in the path', async () => {
    const sku = "TEE BLK/M+(x)*!'#&=?"
    const { client } = setup()
    await client.setStock({ sku, quantity: 0 })
    expect(patches()[0]?.path).toBe(
      `/listings/2021-08-01/items/${SELLER}/TEE%20BLK%2FM%2B%28x%29%2A%21%27%23%26%3D%3F`,
    )
    // The emulator decoded exactly the SKU sent.
    expect([...emulator.state.stock]).toEqual([[sku, 0]])
    expect(JSON.parse(patches()[0]?.body ?? '')).toMatchObject({
      patches: [{ value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }] }],
    })
  })

  it('takes another fulfillment channel code and product type', async () => {
    const { client } = setup()
    await client.setStock({
      sku: 'S',
      quantity: 4,
      fulfillmentChannelCode: 'MY_STORE_1',
      productType: 'SHIRT',
    })
    expect(JSON.parse(patches()[0]?.body ?? '')).toMatchObject({
      productType: 'SHIRT',
      patches: [{ value: [{ fulfillment_channel_code: 'MY_STORE_1', quantity: 4 }] }],
    })
    await expect(client.getListingQuantity({ sku: 'S' })).resolves.toMatchObject({
      quantities: { MY_STORE_1: 4 },
    })
  })

  it('sends one PATCH per marketplace (the model allows one marketplaceIds value)', async () => {
    const { client } = setup({ marketplaceIds: [US, CA] })
    const result = await client.setStock({ sku: 'S', quantity: 2 })
    expect(patches().map((p) => new URLSearchParams(p.rawQuery).getAll('marketplaceIds'))).toEqual([
      [US],
      [CA],
    ])
    expect(result.submissions.map((s) => s.marketplaceId)).toEqual([US, CA])
    expect(result.submissionId).toBe(result.submissions[0]?.submissionId)
  })

  // Amazon's INVALID issues are many and product-specific; the emulator gives its own for what
  // it refuses (stock.test.ts), so these are injected.
  const invalid = (issues: readonly object[]) => () =>
    Response.json({ sku: 'S', status: 'INVALID', submissionId: 'f1dc2914', issues })

  it('INVALID is permanent, listing the issues', async () => {
    const { client } = setup()
    emulator.state.faults.add({
      method: 'PATCH',
      answer: invalid([
        {
          code: '90220',
          message: "'fulfillment_availability' is invalid.",
          severity: 'ERROR',
          attributeNames: ['fulfillment_availability'],
          categories: ['INVALID_ATTRIBUTE'],
        },
        { code: '4000003', message: 'Listing not found.', severity: 'ERROR', categories: [] },
      ]),
    })
    const err = await failure(client.setStock({ sku: 'S', quantity: 2 }))
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 200, code: '90220' } })
    expect(err.message).toContain(
      `90220 "'fulfillment_availability' is invalid." (ERROR; attributes fulfillment_availability); 4000003 "Listing not found." (ERROR)`,
    )
  })

  it('names the marketplaces already queued when a later one is INVALID', async () => {
    const { client } = setup({ marketplaceIds: [US, CA] })
    // The first PATCH (US) reaches the emulator: a fault that changes nothing only takes its turn.
    emulator.state.faults
      .add({ method: 'PATCH' })
      .add({ method: 'PATCH', answer: invalid([{ code: '1', message: 'no', severity: 'ERROR' }]) })
    const err = await failure(client.setStock({ sku: 'S', quantity: 2 }))
    expect(err.message).toContain(`already queued in ${US}`)
    expect(emulator.state.stock.get('S')).toBe(2)
  })

  it('refuses impossible input before any call, the token exchange included', async () => {
    const { client } = setup()
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
    expect(emulator.state.requests).toHaveLength(0)
  })
})

describe('getListingQuantity', () => {
  it('reads fulfillmentAvailability per channel code', async () => {
    const { client } = setup()
    emulator.state.stock.set('TEE BLK/M', 12)
    listOffer(emulator.state, 'TEE BLK/M', 'AMAZON_NA') // Amazon-fulfilled, without a quantity
    await expect(client.getListingQuantity({ sku: 'TEE BLK/M' })).resolves.toEqual({
      sku: 'TEE BLK/M',
      marketplaceId: US,
      quantities: { DEFAULT: 12, AMAZON_NA: null },
    })
    const call = apiCalls().at(-1)
    expect(call?.path).toBe(`/listings/2021-08-01/items/${SELLER}/TEE%20BLK%2FM`)
    expect(call?.rawQuery).toBe(`marketplaceIds=${US}&includedData=fulfillmentAvailability`)
  })

  it('a SKU Amazon does not know (404) is permanent', async () => {
    const { client } = setup()
    const err = await failure(client.getListingQuantity({ sku: 'NOPE', marketplaceId: CA }))
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 404 } })
    expect(err.message).toContain(`get listing of sku NOPE in ${CA}`)
  })
})

describe('error classification', () => {
  const LISTING = '/listings/2021-08-01/items/'
  const getListing: CallUnderTest<ReturnType<typeof setup>> = {
    setup: (overrides) => setup(overrides),
    call: ({ client }) => client.getListingQuantity({ sku: 'S' }),
    inject: (fault) => emulator.state.faults.add({ method: 'GET', path: LISTING, ...fault }),
  }
  const invalidInput = { code: 'InvalidInput', message: 'Invalid Input', details: 'sku too long' }
  const cases: ClassificationCase[] = [
    {
      name: 'HTTP 429 with Retry-After',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { 'retry-after': '7' }),
      kind: 'rate-limited',
      retryAfterMs: 7_000,
      code: 'QuotaExceeded',
    },
    {
      name: 'HTTP 429 with x-amzn-RateLimit-Limit 0.25 and no Retry-After',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { 'x-amzn-RateLimit-Limit': '0.25' }),
      kind: 'rate-limited',
      retryAfterMs: 4_000,
    },
    {
      name: 'HTTP 429 with x-amzn-RateLimit-Limit 5',
      reply: () => spApiError(429, [QUOTA_EXCEEDED], { 'x-amzn-RateLimit-Limit': '5' }),
      kind: 'rate-limited',
      retryAfterMs: 200,
    },
    {
      name: 'HTTP 429 with Retry-After and x-amzn-RateLimit-Limit (Retry-After wins)',
      reply: () =>
        spApiError(429, [QUOTA_EXCEEDED], { 'retry-after': '3', 'x-amzn-RateLimit-Limit': '5' }),
      kind: 'rate-limited',
      retryAfterMs: 3_000,
    },
    {
      name: 'HTTP 429 with neither header',
      reply: () => new Response(null, { status: 429 }),
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
      reply: () => new Response('<html>unavailable</html>', { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 400 with errors',
      reply: () => spApiError(400, [invalidInput]),
      kind: 'permanent',
      code: 'InvalidInput',
      says: 'InvalidInput "Invalid Input" (details "sku too long")',
    },
    {
      name: 'HTTP 400 that is not JSON',
      reply: () => new Response('Bad Request', { status: 400 }),
      kind: 'permanent',
    },
    {
      name: 'HTTP 403 access denied',
      reply: accessDenied,
      kind: 'unauthorized',
      code: 'Unauthorized',
    },
    {
      name: 'HTTP 200 with a body that is not JSON',
      reply: () => new Response('<item/>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'HTTP 200 with JSON of another shape',
      reply: () => Response.json({ fulfillmentAvailability: 'many' }),
      kind: 'permanent',
    },
  ]

  itClassifiesAnswers(getListing, cases, (err) => {
    expect(err.message).toContain(
      `Amazon get listing of sku S in ${US} (GET /listings/2021-08-01/items/{sellerId}/{sku})`,
    )
    const token = tokenOf(apiCalls()[0])
    expect(token).toMatch(/^Atza\|/)
    expect(err.message).not.toContain(token)
    expect(err.message).not.toContain(LWA.clientSecret)
  })

  it('a 403 is not retried: the token was not what Amazon refused', async () => {
    const { client } = setup()
    getListing.inject({ answer: accessDenied, times: Infinity })
    await failure(client.getListingQuantity({ sku: 'S' }))
    expect([apiCalls().length, tokenCalls().length]).toEqual([1, 1])
  })

  it('quotes the request id and redacts a token Amazon echoes back', async () => {
    const { client } = setup()
    getListing.inject({
      answer: () =>
        spApiError(
          400,
          [
            {
              code: 'InvalidInput',
              message: `bad token ${tokenOf(emulator.state.requests.at(-1)) ?? ''}`,
            },
          ],
          { 'x-amzn-RequestId': 'req-0001' },
        ),
    })
    const err = await failure(client.getListingQuantity({ sku: 'S' }))
    expect(err.message).toContain('"bad token [redacted]"')
    expect(err.message).not.toContain(tokenOf(apiCalls()[0]))
    expect(err.message).toContain('request id req-0001')
  })

  itRefusesUnusableAnswers(getListing, (filler) => `{"sku":"${filler}"}`)

  it('a getOrder throttled once by Amazon works on the retry, waiting one period of its rate', async () => {
    const { client } = setup()
    addOrder(ORDER_ID)
    emulator.state.throttleNext = 1
    const err = await failure(client.getOrder(ORDER_ID))
    // getOrder's plan is 0.5/s: the emulator's x-amzn-RateLimit-Limit 0.5 → 2 s.
    expect(err).toMatchObject({
      kind: 'rate-limited',
      details: { status: 429, code: 'QuotaExceeded', retryAfterMs: 2_000 },
    })
    await expect(client.getOrder(ORDER_ID)).resolves.toEqual(order(ORDER_ID))
    expect(apiCalls()).toHaveLength(2)
    expect(emulator.state.stats.throttled).toBe(1)
  })
})

describe('local pacing', () => {
  it('refuses beyond the burst with a rate-limited error, per operation, until the clock refills', async () => {
    const { client } = setup({
      rateLimits: { ...credentials.rateLimits, getOrder: { perSecond: 0.2, burst: 2 } },
    })
    addOrder(ORDER_ID)
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
    const { client } = setup({ rateLimits: {} })
    addOrder(ORDER_ID)
    for (let i = 0; i < 30; i++) await client.getOrder(ORDER_ID)
    expect(apiCalls()).toHaveLength(30)
    // The emulator enforces the same plan: all 30 within its burst.
    expect(emulator.state.stats.throttled).toBe(0)
  })
})
