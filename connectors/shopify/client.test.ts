// De-risks the Shopify GraphQL Admin client against an msw stand-in written from Shopify's docs:
// the endpoint and token, the inventorySetQuantities request (2026-04 shape: changeFromQuantity
// always sent, @idempotent key), userErrors classification (stale, refused items, idempotency
// codes), the available read, THROTTLED in both its 200 and 429 forms, pacing by the reported
// cost bucket, error classification and timeouts.
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import {
  graphqlErrors,
  INVALID_TOKEN_BODY,
  levelKey,
  shopifyApi,
  throttled,
  type ShopifyApiOptions,
} from '../../test/channels/shopify-api.js'
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
import { createShopifyClient, DEFAULT_RATE_LIMIT_WAIT_MS, type ShopifyQuantity } from './client.js'
import { ShopifyCredentials } from './config.js'

const SHOP = 'demo-store.myshopify.com'
const BASE = `https://${SHOP}`
const ENDPOINT = `${BASE}/admin/api/2026-10/graphql.json`
const TOKEN = 'shpat_test_token_0001'
const ITEM = '48513488879793'
const LOCATION = '75596366001'
const KEY = 'push-job-1'

const clock = testClock(new Date('2026-11-22T12:00:00Z'))

// No apiBaseUrl: the client must derive the endpoint from the shop domain.
const credentials = ShopifyCredentials.parse({
  webhookSecrets: ['s3cret'],
  shopDomain: SHOP,
  accessToken: TOKEN,
})

function setup(api: Partial<ShopifyApiOptions> = {}, overrides: Partial<ShopifyCredentials> = {}) {
  const stand = serve(
    shopifyApi({
      baseUrl: BASE,
      accessToken: TOKEN,
      levels: new Map([[levelKey(ITEM, LOCATION), 5]]),
      ...api,
    }),
  )
  const client = createShopifyClient({ ...credentials, ...overrides }, clientContext(clock))
  return { client, api: stand }
}

const one = (q: Partial<ShopifyQuantity> = {}): ShopifyQuantity => ({
  inventoryItemId: ITEM,
  locationId: LOCATION,
  quantity: 3,
  changeFromQuantity: 5,
  ...q,
})

describe('setQuantities', () => {
  it('sends inventorySetQuantities with the token, the 2026-04 shape and an idempotency key', async () => {
    const { client, api } = setup()
    await expect(
      client.setQuantities({ quantities: [one()], idempotencyKey: KEY }),
    ).resolves.toEqual({ status: 'applied' })

    expect(api.calls).toHaveLength(1)
    const [call] = api.calls
    expect(call!.refusedWith).toBeUndefined()
    expect(call!.headers['x-shopify-access-token']).toBe(TOKEN)
    expect(call!.query).toMatch(
      /inventorySetQuantities\(input: \$input\) @idempotent\(key: \$idempotencyKey\)/,
    )
    expect(call!.variables.input).toEqual({
      name: 'available',
      reason: 'correction',
      referenceDocumentUri: `gid://marketplace-hub/StockPush/${KEY}`,
      quantities: [
        {
          inventoryItemId: `gid://shopify/InventoryItem/${ITEM}`,
          locationId: `gid://shopify/Location/${LOCATION}`,
          quantity: 3,
          changeFromQuantity: 5,
        },
      ],
    })
    expect(call!.variables.idempotencyKey).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(api.setCalls[0]!.quantities).toEqual([
      { item: ITEM, location: LOCATION, quantity: 3, changeFromQuantity: 5 },
    ])
  })

  it('sends an explicit null changeFromQuantity, which skips the check', async () => {
    const { client, api } = setup()
    await client.setQuantities({
      quantities: [one({ changeFromQuantity: null })],
      idempotencyKey: KEY,
    })
    const sent = (api.calls[0]!.variables.input as { quantities: object[] }).quantities[0]
    expect(sent).toHaveProperty('changeFromQuantity', null)
    expect(api.setCalls).toHaveLength(1)
  })

  it('accepts gids as well as digits, and sets several levels in one call', async () => {
    const levels = new Map([
      [levelKey(ITEM, LOCATION), 5],
      [levelKey('2', LOCATION), 0],
    ])
    const { client, api } = setup({ levels })
    await client.setQuantities({
      quantities: [
        one({ inventoryItemId: `gid://shopify/InventoryItem/${ITEM}` }),
        one({
          inventoryItemId: '2',
          locationId: `gid://shopify/Location/${LOCATION}`,
          quantity: 9,
          changeFromQuantity: 0,
        }),
      ],
      idempotencyKey: KEY,
    })
    expect(api.setCalls).toHaveLength(1)
    expect([...levels.values()]).toEqual([3, 9])
  })

  it('derives Shopify’s key from the job key and what is sent: a resend replays, a new quantity gets a new key', async () => {
    const { client, api } = setup()
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    await client.setQuantities({
      quantities: [one({ quantity: 4, changeFromQuantity: 3 })],
      idempotencyKey: KEY,
    })
    const keys = api.calls.map((c) => c.variables.idempotencyKey)
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).not.toBe(keys[0])
    // The resend was answered from the key, not applied again.
    expect(api.setCalls).toHaveLength(2)
  })

  it('a stale changeFromQuantity is transient with code stale, and changes nothing', async () => {
    const levels = new Map([[levelKey(ITEM, LOCATION), 8]])
    const { client } = setup({ levels })
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('transient')
    expect(err.details.code).toBe('stale')
    expect(err.message).toContain(
      `CHANGE_FROM_QUANTITY_STALE (inventory item ${ITEM} at location ${LOCATION})`,
    )
    expect(levels.get(levelKey(ITEM, LOCATION))).toBe(8)
  })

  it.each([
    ['ITEM_NOT_STOCKED_AT_LOCATION', { locationId: '999' }],
    ['INVALID_INVENTORY_ITEM', { inventoryItemId: '12345' }],
  ])('%s is permanent, naming the item', async (code, q) => {
    const { client } = setup()
    const err = await failure(client.setQuantities({ quantities: [one(q)], idempotencyKey: KEY }))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe(code)
    expect(err.message).toMatch(new RegExp(`${code} \\(inventory item \\d+ at location \\d+\\)`))
  })

  it('a stale quantity beside a refused one is permanent', async () => {
    const { client } = setup({
      onSet: () => [
        {
          code: 'CHANGE_FROM_QUANTITY_STALE',
          field: ['input', 'quantities', '0', 'changeFromQuantity'],
        },
        { code: 'INVALID_QUANTITY_TOO_HIGH', field: ['input', 'quantities', '0', 'quantity'] },
      ],
    })
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('INVALID_QUANTITY_TOO_HIGH')
  })

  it('IDEMPOTENCY_CONCURRENT_REQUEST is transient', async () => {
    const { client } = setup({ onSet: () => [{ code: 'IDEMPOTENCY_CONCURRENT_REQUEST' }] })
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('transient')
    expect(err.details.code).toBe('IDEMPOTENCY_CONCURRENT_REQUEST')
  })

  it('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED is resent once under a new key', async () => {
    let answered = 0
    const { client, api } = setup({
      onSet: () =>
        answered++ === 0 ? [{ code: 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED' }] : undefined,
    })
    await expect(
      client.setQuantities({ quantities: [one()], idempotencyKey: KEY }),
    ).resolves.toEqual({
      status: 'applied',
    })
    expect(api.setCalls).toHaveLength(2)
    expect(api.setCalls[1]!.idempotencyKey).not.toBe(api.setCalls[0]!.idempotencyKey)
  })

  it.each([
    ['no quantities', { quantities: [] }, /no quantities listed/],
    [
      'a negative quantity',
      { quantities: [one({ quantity: -1 })] },
      /quantity -1 .* not a whole number/,
    ],
    [
      'a quantity above 10^9',
      { quantities: [one({ quantity: 1_000_000_001 })] },
      /not a whole number from 0/,
    ],
    ['a fraction', { quantities: [one({ quantity: 1.5 })] }, /quantity 1.5/],
    [
      'a gid of another type',
      { quantities: [one({ inventoryItemId: 'gid://shopify/Product/1' })] },
      /not a Shopify id/,
    ],
    ['the same level twice', { quantities: [one(), one()] }, /listed twice/],
    ['an empty key', { quantities: [one()], idempotencyKey: ' ' }, /idempotency key is empty/],
  ])('refuses %s without sending', async (_, input, says) => {
    const { client, api } = setup()
    const err = await failure(client.setQuantities({ idempotencyKey: KEY, ...input }))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(says)
    expect(api.calls).toHaveLength(0)
  })

  it('an account without an access token gets a clear error and sends nothing', async () => {
    const { client, api } = setup({}, { accessToken: undefined })
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('unauthorized')
    expect(err.message).toMatch(/no accessToken/)
    expect(api.calls).toHaveLength(0)
  })

  it('uses apiBaseUrl and apiVersion when given', async () => {
    const { client, api } = setup(
      { baseUrl: 'http://emulator.test/shopify', apiVersion: '2026-04' },
      { apiBaseUrl: 'http://emulator.test/shopify/', apiVersion: '2026-04' },
    )
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    expect(api.calls[0]!.path).toBe('/shopify/admin/api/2026-04/graphql.json')
  })
})

describe('readAvailable', () => {
  it('reads the available quantity, from digits or gids', async () => {
    const { client, api } = setup()
    await expect(client.readAvailable(ITEM, LOCATION)).resolves.toBe(5)
    await expect(
      client.readAvailable(
        `gid://shopify/InventoryItem/${ITEM}`,
        `gid://shopify/Location/${LOCATION}`,
      ),
    ).resolves.toBe(5)
    expect(api.calls[0]!.query).toMatch(/quantities\(names: \["available"\]\)/)
    expect(api.calls[0]!.variables).toEqual({
      inventoryItemId: `gid://shopify/InventoryItem/${ITEM}`,
      locationId: `gid://shopify/Location/${LOCATION}`,
    })
  })

  it('is null for an unknown item and for an item not stocked at the location', async () => {
    const { client } = setup()
    await expect(client.readAvailable('1', LOCATION)).resolves.toBeNull()
    await expect(client.readAvailable(ITEM, '2')).resolves.toBeNull()
  })
})

describe('hydrate', () => {
  it('fetches nothing: every need is unsupported, none is fine', async () => {
    const { client, api } = setup()
    await expect(client.hydrate([])).resolves.toEqual({})
    const err = await failure(client.hydrate([{ kind: 'order', id: '1' }]))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/not supported/)
    expect(api.calls).toHaveLength(0)
  })
})

describe('errors', () => {
  const bucket = (currentlyAvailable: number, restoreRate = 100) => ({
    maximumAvailable: 2000,
    currentlyAvailable,
    restoreRate,
  })
  const target: CallUnderTest<ReturnType<typeof setup>> = {
    setup: (overrides) => setup({}, overrides ?? {}),
    call: ({ client }) => client.setQuantities({ quantities: [one()], idempotencyKey: KEY }),
    route: (reply) => http.post(ENDPOINT, reply),
  }
  const cases: ClassificationCase[] = [
    {
      name: 'THROTTLED answered 200',
      reply: () => throttled({ status: 200, requested: 10, throttle: bucket(4, 50) }),
      kind: 'rate-limited',
      // (10 − 4) points at 50 points/s.
      retryAfterMs: 120,
      code: 'THROTTLED',
    },
    {
      name: 'THROTTLED answered 429 with Retry-After',
      reply: () => throttled({ status: 429, requested: 10, throttle: bucket(0), retryAfter: '2' }),
      kind: 'rate-limited',
      retryAfterMs: 2_000,
    },
    {
      name: 'a bare 429',
      reply: () => new HttpResponse('Too Many Requests', { status: 429 }),
      kind: 'rate-limited',
      retryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS,
    },
    {
      name: '401 with Shopify’s string error',
      reply: () => HttpResponse.json(INVALID_TOKEN_BODY, { status: 401 }),
      kind: 'unauthorized',
      says: 'Invalid API key or access token',
    },
    {
      name: '403',
      reply: () => HttpResponse.json({ errors: 'Forbidden' }, { status: 403 }),
      kind: 'unauthorized',
    },
    {
      name: 'ACCESS_DENIED (a missing scope)',
      reply: () =>
        graphqlErrors([
          { code: 'ACCESS_DENIED', message: 'Access denied for inventorySetQuantities field.' },
        ]),
      kind: 'unauthorized',
      code: 'ACCESS_DENIED',
    },
    { name: '500', reply: () => new HttpResponse('oops', { status: 500 }), kind: 'transient' },
    {
      name: '503',
      reply: () => HttpResponse.json({ errors: 'Unavailable' }, { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'INTERNAL_SERVER_ERROR',
      reply: () => graphqlErrors([{ code: 'INTERNAL_SERVER_ERROR' }]),
      kind: 'transient',
    },
    {
      name: 'a GraphQL error about the request',
      reply: () => graphqlErrors([{ code: 'MAX_COST_EXCEEDED' }]),
      kind: 'permanent',
      code: 'MAX_COST_EXCEEDED',
    },
    {
      name: 'a 404',
      reply: () => new HttpResponse('Not Found', { status: 404 }),
      kind: 'permanent',
    },
    {
      name: 'a 200 that is not JSON',
      reply: () => new HttpResponse('<html>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'a 200 without data',
      reply: () => HttpResponse.json({}),
      kind: 'permanent',
      says: 'no `data`',
    },
  ]
  itClassifiesAnswers(target, cases, (err) => {
    expect(err.message).not.toContain(TOKEN)
    expect(err.message).toMatch(/^Shopify set available of inventory item/)
  })
  itRefusesUnusableAnswers(target, {
    answer: { data: { inventorySetQuantities: { userErrors: [] } } },
    hugeAnswer: (filler) => `{"data":{"x":"${filler}"}}`,
  })

  it('a token echoed in an error message is redacted', async () => {
    const { client } = setup()
    mswServer.use(
      http.post(ENDPOINT, () =>
        graphqlErrors([{ code: 'BAD_REQUEST', message: `bad token ${TOKEN}` }]),
      ),
    )
    const err = await failure(client.readAvailable(ITEM, LOCATION))
    expect(err.message).toContain('bad token [redacted]')
  })
})

describe('pacing by the reported cost bucket', () => {
  it('refuses locally, without sending, while the bucket cannot hold the call, then sends', async () => {
    // The bucket is empty and restores 1 point/s: a set (10 points) needs 10 s.
    const { client, api } = setup({
      throttle: { maximumAvailable: 100, currentlyAvailable: 0, restoreRate: 1 },
    })
    await client.readAvailable(ITEM, LOCATION)
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(10_000)
    expect(api.calls).toHaveLength(1)

    clock.advance(10_000)
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    expect(api.calls).toHaveLength(2)
  })

  it('waits briefly when the bucket is nearly refilled', async () => {
    const { client, api } = setup({
      throttle: { maximumAvailable: 1000, currentlyAvailable: 8, restoreRate: 100 },
    })
    await client.readAvailable(ITEM, LOCATION)
    const started = Date.now()
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    // (10 − 8) points at 100 points/s: about 20 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
    expect(api.calls).toHaveLength(2)
  })
})
