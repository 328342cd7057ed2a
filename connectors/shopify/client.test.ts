// De-risks the Shopify GraphQL Admin client against the emulated store (src/sandbox/shopify/, served
// through msw): the endpoint and token, the inventorySetQuantities request (2026-04 shape:
// changeFromQuantity always sent, @idempotent key), userErrors classification (stale, refused
// items, idempotency codes), the available read, THROTTLED in both its 200 and 429 forms, pacing by
// the reported cost bucket, error classification and timeouts. Answers Shopify gives only when it
// fails are injected as emulator faults, worded as the emulator words them.
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../src/sandbox/faults.js'
import {
  costBucketOf,
  INVALID_TOKEN_BODY,
  MAXIMUM_AVAILABLE,
  RESTORE_RATE,
} from '../../src/sandbox/shopify/admission.js'
import { SET_COST } from '../../src/sandbox/shopify/api.js'
import {
  answerBody,
  throttledBody,
  type ThrottleStatus,
} from '../../src/sandbox/shopify/graphql.js'
import { shopifyEmulator } from '../../src/sandbox/shopify/index.js'
import { idsOf, LOCATION_ID, WAREHOUSE_LOCATION_ID } from '../../src/sandbox/shopify/seller.js'
import {
  setQuantitiesResult,
  userError,
  type UserErrorCode,
} from '../../src/sandbox/shopify/stock.js'
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
  createShopifyClient,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  type ShopifyClient,
  type ShopifyQuantity,
} from './client.js'
import { ShopifyCredentials } from './config.js'
import { shopify } from './index.js'

const SANDBOX = shopify.sandboxCredentials('')
const TOKEN = SANDBOX.accessToken
const ENDPOINT = '/admin/api/2026-10/graphql.json'
const SKU = 'TEE-BLK-M'
const ITEM = idsOf(SKU).inventoryItemId
const OTHER_SKU = 'MUG-WHT'
const OTHER_ITEM = idsOf(OTHER_SKU).inventoryItemId
const LOCATION = LOCATION_ID
const KEY = 'push-job-1'

const clock = testClock(new Date('2026-11-22T12:00:00Z'))
const emulator = useEmulatorOverMsw(shopifyEmulator, { bases: [`https://${SANDBOX.shopDomain}`] })

// No apiBaseUrl: the client must derive the endpoint from the shop domain.
const credentials = ShopifyCredentials.parse({
  webhookSecrets: SANDBOX.webhookSecrets,
  shopDomain: SANDBOX.shopDomain,
  accessToken: TOKEN,
})

/** A client of the store, which holds 5 of {@link SKU} at its shop location. */
function setup(overrides: Partial<ShopifyCredentials> = {}): ShopifyClient {
  emulator.state.stock.set(SKU, 5)
  return createShopifyClient({ ...credentials, ...overrides }, clientContext(clock))
}

/** The GraphQL requests as the store received them. */
const sent = () =>
  emulator.state.requests.map(
    (r) => JSON.parse(r.body) as { query: string; variables: Record<string, unknown> },
  )

const one = (q: Partial<ShopifyQuantity> = {}): ShopifyQuantity => ({
  inventoryItemId: ITEM,
  locationId: LOCATION,
  quantity: 3,
  changeFromQuantity: 5,
  ...q,
})

/** Adds a fault on the GraphQL endpoint to this test's store. */
const inject = (fault: Fault) => emulator.state.faults.add({ path: ENDPOINT, ...fault })

const FULL_BUCKET: ThrottleStatus = {
  maximumAvailable: MAXIMUM_AVAILABLE,
  currentlyAvailable: MAXIMUM_AVAILABLE,
  restoreRate: RESTORE_RATE,
}

/** A 200 answer to the set carrying these userErrors, as the store words them. */
const userErrorsAnswer = (...codes: UserErrorCode[]) =>
  Response.json(
    answerBody(setQuantitiesResult(codes.map((code) => userError(code))), SET_COST, FULL_BUCKET),
  )

/** A 200 answer with one top-level GraphQL error. */
const topLevelError = (code: string, message = code) =>
  Response.json(answerBody({ errors: [{ message, extensions: { code } }] }, SET_COST, FULL_BUCKET))

describe('setQuantities', () => {
  it('sends inventorySetQuantities with the token, the 2026-04 shape and an idempotency key', async () => {
    const client = setup()
    await expect(
      client.setQuantities({ quantities: [one()], idempotencyKey: KEY }),
    ).resolves.toEqual({ status: 'applied' })

    expect(emulator.state.requests).toHaveLength(1)
    expect(emulator.state.requests[0]!.headers['x-shopify-access-token']).toBe(TOKEN)
    const [call] = sent()
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
    // The store passed every check and set the level.
    expect(emulator.state.stats.rejected).toBe(0)
    expect(emulator.state.stock.get(SKU)).toBe(3)
  })

  it('sends an explicit null changeFromQuantity, which skips the check', async () => {
    const client = setup()
    emulator.state.stock.set(SKU, 8)
    await client.setQuantities({
      quantities: [one({ changeFromQuantity: null })],
      idempotencyKey: KEY,
    })
    const input = sent()[0]!.variables.input as { quantities: object[] }
    expect(input.quantities[0]).toHaveProperty('changeFromQuantity', null)
    expect(emulator.state.stock.get(SKU)).toBe(3)
  })

  it('accepts gids as well as digits, and sets several levels in one call', async () => {
    const client = setup()
    emulator.state.stock.set(OTHER_SKU, 0)
    await client.setQuantities({
      quantities: [
        one({ inventoryItemId: `gid://shopify/InventoryItem/${ITEM}` }),
        one({
          inventoryItemId: OTHER_ITEM,
          locationId: `gid://shopify/Location/${LOCATION}`,
          quantity: 9,
          changeFromQuantity: 0,
        }),
      ],
      idempotencyKey: KEY,
    })
    expect(emulator.state.requests).toHaveLength(1)
    expect([emulator.state.stock.get(SKU), emulator.state.stock.get(OTHER_SKU)]).toEqual([3, 9])
  })

  it('derives Shopify’s key from the job key and what is sent: a resend replays, a new quantity gets a new key', async () => {
    const client = setup()
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    // Changed at Shopify since: a resend applied again would set 3 over it.
    emulator.state.stock.set(SKU, 7)
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    expect(emulator.state.stock.get(SKU)).toBe(7)
    await client.setQuantities({
      quantities: [one({ quantity: 4, changeFromQuantity: 7 })],
      idempotencyKey: KEY,
    })
    const keys = sent().map((c) => c.variables.idempotencyKey)
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).not.toBe(keys[0])
    // The resend was answered from the key, not applied again.
    expect(emulator.state.stats.stockWrites).toBe(2)
    expect(emulator.state.stock.get(SKU)).toBe(4)
  })

  it('a stale changeFromQuantity is transient with code stale, and changes nothing', async () => {
    const client = setup()
    emulator.state.stock.set(SKU, 8)
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('transient')
    expect(err.details.code).toBe('stale')
    expect(err.message).toContain(
      `CHANGE_FROM_QUANTITY_STALE (inventory item ${ITEM} at location ${LOCATION})`,
    )
    expect(emulator.state.stock.get(SKU)).toBe(8)
  })

  it.each([
    ['ITEM_NOT_STOCKED_AT_LOCATION', { locationId: WAREHOUSE_LOCATION_ID }],
    ['INVALID_LOCATION', { locationId: '999' }],
    ['INVALID_INVENTORY_ITEM', { inventoryItemId: '12345' }],
  ])('%s is permanent, naming the item', async (code, q) => {
    const client = setup()
    const err = await failure(client.setQuantities({ quantities: [one(q)], idempotencyKey: KEY }))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe(code)
    expect(err.message).toMatch(new RegExp(`${code} \\(inventory item \\d+ at location \\d+\\)`))
    expect(emulator.state.stock.get(SKU)).toBe(5)
  })

  it('a stale quantity beside a refused one is permanent, and sets neither', async () => {
    const client = setup()
    emulator.state.stock.set(SKU, 8)
    const err = await failure(
      client.setQuantities({
        quantities: [one(), one({ inventoryItemId: '12345', changeFromQuantity: null })],
        idempotencyKey: KEY,
      }),
    )
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('INVALID_INVENTORY_ITEM')
    expect(err.message).toContain('CHANGE_FROM_QUANTITY_STALE')
    expect(emulator.state.stock.get(SKU)).toBe(8)
  })

  it('IDEMPOTENCY_CONCURRENT_REQUEST is transient', async () => {
    const client = setup()
    inject({ answer: () => userErrorsAnswer('IDEMPOTENCY_CONCURRENT_REQUEST') })
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('transient')
    expect(err.details.code).toBe('IDEMPOTENCY_CONCURRENT_REQUEST')
  })

  it('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED is resent once under a new key', async () => {
    const client = setup()
    inject({ answer: () => userErrorsAnswer('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED') })
    await expect(
      client.setQuantities({ quantities: [one()], idempotencyKey: KEY }),
    ).resolves.toEqual({ status: 'applied' })
    const keys = sent().map((c) => c.variables.idempotencyKey)
    expect(keys).toHaveLength(2)
    expect(keys[1]).not.toBe(keys[0])
    expect(emulator.state.stats.stockWrites).toBe(1)
    expect(emulator.state.stock.get(SKU)).toBe(3)
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
    const client = setup()
    const err = await failure(client.setQuantities({ idempotencyKey: KEY, ...input }))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(says)
    expect(emulator.state.requests).toHaveLength(0)
  })

  it('an account without an access token gets a clear error and sends nothing', async () => {
    const client = setup({ accessToken: undefined })
    const err = await failure(client.setQuantities({ quantities: [one()], idempotencyKey: KEY }))
    expect(err.kind).toBe('unauthorized')
    expect(err.message).toMatch(/no accessToken/)
    expect(emulator.state.requests).toHaveLength(0)
  })

  describe('at another base', () => {
    const elsewhere = useEmulatorOverMsw(shopifyEmulator, {
      bases: ['http://emulator.test/shopify'],
    })

    it('uses apiBaseUrl and apiVersion when given', async () => {
      elsewhere.state.stock.set(SKU, 5)
      const client = setup({
        apiBaseUrl: 'http://emulator.test/shopify/',
        apiVersion: '2026-04',
      })
      await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
      expect(elsewhere.state.requests.map((r) => r.path)).toEqual([
        '/admin/api/2026-04/graphql.json',
      ])
      expect(emulator.state.requests).toHaveLength(0)
    })
  })
})

describe('readAvailable', () => {
  it('reads the available quantity, from digits or gids', async () => {
    const client = setup()
    await expect(client.readAvailable(ITEM, LOCATION)).resolves.toBe(5)
    await expect(
      client.readAvailable(
        `gid://shopify/InventoryItem/${ITEM}`,
        `gid://shopify/Location/${LOCATION}`,
      ),
    ).resolves.toBe(5)
    const [call] = sent()
    expect(call!.query).toMatch(/quantities\(names: \["available"\]\)/)
    expect(call!.variables).toEqual({
      inventoryItemId: `gid://shopify/InventoryItem/${ITEM}`,
      locationId: `gid://shopify/Location/${LOCATION}`,
    })
  })

  it('is null for an unknown item and for an item not stocked at the location', async () => {
    const client = setup()
    await expect(client.readAvailable('1', LOCATION)).resolves.toBeNull()
    await expect(client.readAvailable(ITEM, WAREHOUSE_LOCATION_ID)).resolves.toBeNull()
    await expect(client.readAvailable(ITEM, '2')).resolves.toBeNull()
  })
})

describe('hydrate', () => {
  it('fetches nothing: every need is unsupported, none is fine', async () => {
    const client = setup()
    await expect(client.hydrate([])).resolves.toEqual({})
    const err = await failure(client.hydrate([{ kind: 'order', id: '1' }]))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/not supported/)
    expect(emulator.state.requests).toHaveLength(0)
  })
})

describe('errors', () => {
  const bucket = (currentlyAvailable: number, restoreRate = RESTORE_RATE): ThrottleStatus => ({
    maximumAvailable: MAXIMUM_AVAILABLE,
    currentlyAvailable,
    restoreRate,
  })
  const target: CallUnderTest<ShopifyClient> = {
    setup: (overrides) => setup(overrides ?? {}),
    call: (client) => client.setQuantities({ quantities: [one()], idempotencyKey: KEY }),
    inject,
  }
  const cases: ClassificationCase[] = [
    {
      name: 'THROTTLED answered 200',
      reply: () => Response.json(throttledBody(SET_COST, bucket(4, 50))),
      kind: 'rate-limited',
      // (10 − 4) points at 50 points/s.
      retryAfterMs: 120,
      code: 'THROTTLED',
    },
    {
      name: 'THROTTLED answered 429 with Retry-After',
      reply: () =>
        Response.json(throttledBody(SET_COST, bucket(0)), {
          status: 429,
          headers: { 'Retry-After': '2' },
        }),
      kind: 'rate-limited',
      retryAfterMs: 2_000,
    },
    {
      name: 'a bare 429',
      reply: () => new Response('Too Many Requests', { status: 429 }),
      kind: 'rate-limited',
      retryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS,
    },
    {
      name: '401 with Shopify’s string error',
      reply: () => Response.json(INVALID_TOKEN_BODY, { status: 401 }),
      kind: 'unauthorized',
      says: 'Invalid API key or access token',
    },
    {
      name: '403',
      reply: () => Response.json({ errors: 'Forbidden' }, { status: 403 }),
      kind: 'unauthorized',
    },
    {
      name: 'ACCESS_DENIED (a missing scope)',
      reply: () =>
        topLevelError('ACCESS_DENIED', 'Access denied for inventorySetQuantities field.'),
      kind: 'unauthorized',
      code: 'ACCESS_DENIED',
    },
    { name: '500', reply: () => new Response('oops', { status: 500 }), kind: 'transient' },
    {
      name: '503',
      reply: () => Response.json({ errors: 'Unavailable' }, { status: 503 }),
      kind: 'transient',
    },
    {
      name: 'INTERNAL_SERVER_ERROR',
      reply: () => topLevelError('INTERNAL_SERVER_ERROR'),
      kind: 'transient',
    },
    {
      name: 'a GraphQL error about the request',
      reply: () => topLevelError('MAX_COST_EXCEEDED'),
      kind: 'permanent',
      code: 'MAX_COST_EXCEEDED',
    },
    {
      name: 'a 404',
      reply: () => new Response('Not Found', { status: 404 }),
      kind: 'permanent',
    },
    {
      name: 'a 200 that is not JSON',
      reply: () => new Response('<html>', { status: 200 }),
      kind: 'transient',
    },
    {
      name: 'a 200 without data',
      reply: () => Response.json({}),
      kind: 'permanent',
      says: 'no `data`',
    },
  ]
  itClassifiesAnswers(target, cases, (err) => {
    expect(err.message).not.toContain(TOKEN)
    expect(err.message).toMatch(/^Shopify set available of inventory item/)
  })
  itRefusesUnusableAnswers(target, (filler) => `{"data":{"x":"${filler}"}}`)

  it('a token echoed in an error message is redacted', async () => {
    const client = setup()
    inject({ answer: () => topLevelError('BAD_REQUEST', `bad token ${TOKEN}`) })
    const err = await failure(client.readAvailable(ITEM, LOCATION))
    expect(err.message).toContain('bad token [redacted]')
  })
})

describe('pacing by the reported cost bucket', () => {
  it('refuses locally, without sending, while the bucket cannot hold the call, then sends', async () => {
    const client = setup()
    // A throttled answer reporting an empty bucket that restores 1 point/s: a set (10 points)
    // needs 10 s.
    inject({
      answer: () =>
        Response.json(
          throttledBody(SET_COST, {
            maximumAvailable: 100,
            currentlyAvailable: 0,
            restoreRate: 1,
          }),
        ),
    })
    const write = () => client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    expect((await failure(write())).details.retryAfterMs).toBe(10_000)
    const err = await failure(write())
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(10_000)
    expect(emulator.state.requests).toHaveLength(1)

    clock.advance(10_000)
    await expect(write()).resolves.toEqual({ status: 'applied' })
    expect(emulator.state.requests).toHaveLength(2)
  })

  it('waits briefly when the bucket is nearly refilled', async () => {
    const client = setup()
    // The store's clock stands still while another process of the hub leaves 11 points and the
    // read (3 points) learns that 8 are left.
    const frozen = new Date()
    emulator.state.now = () => frozen
    expect(costBucketOf(emulator.state).take(989)).toBe(true)
    await client.readAvailable(ITEM, LOCATION)
    emulator.state.now = () => new Date()
    const started = Date.now()
    await client.setQuantities({ quantities: [one()], idempotencyKey: KEY })
    // (10 − 8) points at 100 points/s: about 20 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
    expect(emulator.state.requests).toHaveLength(2)
    expect(emulator.state.stats.throttled).toBe(0)
  })
})
