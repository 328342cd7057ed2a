// The Shopify emulator over real HTTP, driven by the hub's own Shopify client (undici transport,
// sandbox credentials): the conformance suite every emulated channel runs
// (src/sandbox/conformance.ts), then what is Shopify's own: every SKU an inventory item at the
// shop's location, stock writes under Shopify's compare-and-set and idempotency rules, the store
// posting inventory_levels/update to the hub after its own changes (the echo), wrong tokens and
// request shapes refused as Shopify refuses them, and the cost bucket's THROTTLED reaching the hub
// as `rate-limited`, the bucket refilling by the marketplace clock. The webhook signer is checked
// against a published HMAC-SHA256 vector, apart from the connector's verifier.
import { request } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ChannelApiError } from '../../../connectors/shared/api-error.js'
import { CHANNEL_API_POLICY } from '../../outbound/destination-guard.js'
import { createUndiciTransport } from '../../outbound/transport.js'
import {
  shopify,
  type ShopifyCredentials,
  type ShopifyUnit,
} from '../../../connectors/shopify/index.js'
import { systemClock } from '../../clock.js'
import { describeEmulatorConformance } from '../conformance.js'
import type { ChannelState, SignedWebhook } from '../types.js'
import { costBucketOf } from './admission.js'
import { shopifyEmulator } from './index.js'
import { LOCATION_ID, WAREHOUSE_LOCATION_ID } from './seller.js'
import { signShopify } from './sign.js'
import { failure } from '../../../test/helpers/channel-client.js'
import {
  listen,
  receive,
  useEmulatedChannel,
  type Listening,
} from '../../../test/helpers/emulated-channel.js'

const transport = createUndiciTransport({ policy: CHANNEL_API_POLICY })
const shopifyStock = shopify.stock

const emulator = useEmulatedChannel(shopifyEmulator)
let emulatorUrl: string
let state: ChannelState
beforeEach(() => {
  ;({ url: emulatorUrl, state } = emulator)
})

function credentials(overrides: Partial<ShopifyCredentials> = {}): ShopifyCredentials {
  return shopify.credentials.parse({ ...shopify.sandboxCredentials(emulatorUrl), ...overrides })
}

function client(overrides: Partial<ShopifyCredentials> = {}) {
  return shopify.client(credentials(overrides), { transport, clock: systemClock })
}

function unitOf(sku: string): ShopifyUnit {
  return shopifyStock.unit.parse(shopifyEmulator.listingUnit(sku))
}

/** The one inventory level a webhook (verified and normalized, as the hub receives it) reports. */
async function levelOf(webhook: SignedWebhook) {
  const { observations } = await receive(webhook, {
    connector: shopify,
    credentials: credentials(),
  })
  const [observation, ...more] = observations
  if (observation?.kind !== 'inventory-level' || more.length > 0)
    throw new Error('expected one inventory level')
  return observation.data
}

/** A raw GraphQL call, for request shapes the hub's client never sends. */
async function graphql(body: unknown, token = 'shpat_sandbox_token') {
  const res = await request(`${emulatorUrl}/shopify/admin/api/2026-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
    body: JSON.stringify(body),
  })
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as Record<string, unknown>,
  }
}

const write = (
  quantity: number,
  expected: number | null,
  idempotencyKey = `k-${quantity}-${expected}`,
) => ({
  quantity,
  expected,
  idempotencyKey,
})

describeEmulatorConformance({
  emulated: shopifyEmulator,
  emulator,
  connector: shopify,
  client: () => client(),
  stock: shopifyStock,
  writeStatus: 'applied',
  // Order webhooks carry the whole REST order.
  thinOrderWebhooks: false,
  orderId: /^\d{13}$/,
  // Shopify writes times with an offset, to the second.
  timeAs: (at) => at.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
  // Retry-After: 1.
  injectedRetryAfterMs: 1_000,
  skip: [
    {
      reason:
        'The store has every SKU as an inventory item at its location: one never stocked reads and ' +
        'reports 0 (see "reads and reports a SKU never stocked as 0"); an item it does not have reads null ' +
        '(see "reads null for an item the store does not have")',
      tests: [
        'reads a SKU the seller does not list as null',
        'reports nothing for a SKU the seller does not list',
      ],
    },
    {
      reason:
        'Order webhooks carry the whole order, so the hub never hydrates one: the client refuses ' +
        'every need as unsupported',
      tests: ['hydrating an order the seller does not have fails as transient'],
    },
  ],
})

describe('signing', () => {
  it('is HMAC-SHA256 in base64, as RFC 4231 test case 2 computes it, over bytes or text alike', () => {
    const data = 'what do ya want for nothing?'
    const expected = 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM='
    expect(signShopify(data, 'Jefe')).toBe(expected)
    expect(signShopify(Buffer.from(data, 'utf8'), 'Jefe')).toBe(expected)
  })
})

describe('listing units', () => {
  it('lists a SKU as a 14-digit inventory item at the shop location', () => {
    const unit = unitOf('TEE-BLK-M')
    expect(unit.inventoryItemId).toMatch(/^\d{14}$/)
    expect(unit.locationId).toBe(LOCATION_ID)
  })
})

describe('stock', () => {
  it('reads and reports a SKU never stocked as 0, and applies a write that expects 0', async () => {
    const api = client()
    const unit = unitOf('MUG-WHT')
    expect(await shopifyStock.read(api, unit)).toBe(0)
    const report = shopifyEmulator.reportStock!(state, 'MUG-WHT', new Date())
    expect(await levelOf(report!)).toMatchObject({ available: 0 })
    expect(await shopifyStock.write(api, unit, write(17, 0))).toEqual({
      status: 'applied',
      quantity: 17,
    })
    expect(state.stock.get('MUG-WHT')).toBe(17)
  })

  it('refuses a stale expectation as stale and keeps the level', async () => {
    state.stock.set('CAP', 5)
    const err = await failure(shopifyStock.write(client(), unitOf('CAP'), write(9, 4)))
    expect([err.kind, err.details.code]).toEqual(['transient', 'stale'])
    expect(state.stock.get('CAP')).toBe(5)
    // Without compare-and-set the same write applies.
    await shopifyStock.write(client({ compareAndSet: false }), unitOf('CAP'), write(9, 4))
    expect(state.stock.get('CAP')).toBe(9)
  })

  it('applies a resent write once: the same key answers as the first time', async () => {
    const unit = unitOf('SOCKS')
    state.stock.set('SOCKS', 3)
    await shopifyStock.write(client(), unit, write(8, 3, 'job-1'))
    state.stock.set('SOCKS', 3) // a buyer or the merchant changed it since
    // A second client (another worker) resending the same job: replayed, not applied again.
    await shopifyStock.write(client(), unit, write(8, 3, 'job-1'))
    expect(state.stock.get('SOCKS')).toBe(3)
    expect(state.stats.stockWrites).toBe(1)
  })

  it('reads null for an item the store does not have', async () => {
    await expect(
      shopifyStock.read(client(), { inventoryItemId: '1', locationId: unitOf('X').locationId }),
    ).resolves.toBeNull()
    await expect(
      shopifyStock.read(client(), {
        inventoryItemId: unitOf('X').inventoryItemId,
        locationId: '1',
      }),
    ).resolves.toBeNull()
  })

  it('refuses an unknown item or location, naming it', async () => {
    const err = await failure(
      shopifyStock.write(
        client(),
        { inventoryItemId: '123', locationId: unitOf('X').locationId },
        write(1, null),
      ),
    )
    expect([err.kind, err.details.code]).toEqual(['permanent', 'INVALID_INVENTORY_ITEM'])
    expect(err.message).toContain('inventory item 123')
    const wrong = await failure(
      shopifyStock.write(client(), { ...unitOf('X'), locationId: '42' }, write(1, null)),
    )
    expect(wrong.details.code).toBe('INVALID_LOCATION')
  })

  it('keeps nothing at its warehouse: a write there is ITEM_NOT_STOCKED_AT_LOCATION, a read null', async () => {
    state.stock.set('X', 4)
    const warehouse = { ...unitOf('X'), locationId: WAREHOUSE_LOCATION_ID }
    const err = await failure(shopifyStock.write(client(), warehouse, write(1, null)))
    expect([err.kind, err.details.code]).toEqual(['permanent', 'ITEM_NOT_STOCKED_AT_LOCATION'])
    expect(err.message).toContain(`at location ${WAREHOUSE_LOCATION_ID}`)
    await expect(shopifyStock.read(client(), warehouse)).resolves.toBeNull()
    expect(state.stock.get('X')).toBe(4)
  })
})

describe('request checks', () => {
  it('refuses a wrong token with 401, as the client reads it', async () => {
    const err = await failure(
      shopifyStock.read(client({ accessToken: 'shpat_wrong' }), unitOf('X')),
    )
    expect([err.kind, err.details.status]).toEqual(['unauthorized', 401])
    expect(err.message).toContain('Invalid API key or access token')
    expect(state.stats.rejected).toBe(1)
  })

  it('wants the @idempotent directive and an explicit changeFromQuantity (2026-04)', async () => {
    const unit = unitOf('X')
    const quantity = {
      inventoryItemId: `gid://shopify/InventoryItem/${unit.inventoryItemId}`,
      locationId: `gid://shopify/Location/${unit.locationId}`,
      quantity: 1,
    }
    const input = { name: 'available', reason: 'correction', quantities: [quantity] }
    const mutation =
      'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }'
    const noKey = await graphql({
      query: mutation,
      variables: { input: { ...input, quantities: [{ ...quantity, changeFromQuantity: null }] } },
    })
    expect(noKey.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/@idempotent/) }),
    ])
    const withKey = mutation.replace('(input: $input)', '(input: $input) @idempotent(key: "k1")')
    const noChangeFrom = await graphql({ query: withKey, variables: { input } })
    expect(noChangeFrom.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/changeFromQuantity must be given/),
      }),
    ])
    const legacy = await graphql({
      query: withKey,
      variables: {
        input: {
          ...input,
          ignoreCompareQuantity: true,
          quantities: [{ ...quantity, changeFromQuantity: null }],
        },
      },
    })
    expect(legacy.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^Variable \$input of type InventorySetQuantitiesInput! was provided invalid value/,
        ),
      }),
    ])
    expect(state.stats.stockWrites).toBe(0)
  })

  it('takes up to 250 quantities in one call, refusing more whole (Shopify’s input array limit)', async () => {
    const mutation =
      'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "many") { inventoryAdjustmentGroup { id } userErrors { code field } } }'
    const quantities = (count: number, key: string) =>
      Array.from({ length: count }, (_, i) => {
        const unit = unitOf(`MANY-${key}-${i}`)
        return {
          inventoryItemId: `gid://shopify/InventoryItem/${unit.inventoryItemId}`,
          locationId: `gid://shopify/Location/${unit.locationId}`,
          quantity: 3,
          changeFromQuantity: null,
        }
      })
    const input = (count: number, key: string) => ({
      name: 'available',
      reason: 'correction',
      quantities: quantities(count, key),
    })
    const tooMany = await graphql({ query: mutation, variables: { input: input(251, 'a') } })
    expect(tooMany.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } }),
    ])
    expect(state.stats.stockWrites).toBe(0)
    const most = await graphql({
      query: mutation.replace('"many"', '"most"'),
      variables: { input: input(250, 'b') },
    })
    expect(most.body.data).toEqual({
      inventorySetQuantities: expect.objectContaining({
        inventoryAdjustmentGroup: expect.objectContaining({ id: expect.any(String) }),
        userErrors: [],
      }),
    })
    expect(state.stats.stockWrites).toBe(250)
  })

  it('names the index of each refused quantity and applies none of the call', async () => {
    state.stock.set('IDX-0', 4).set('IDX-1', 4)
    const gids = (sku: string) => {
      const unit = unitOf(sku)
      return {
        inventoryItemId: `gid://shopify/InventoryItem/${unit.inventoryItemId}`,
        locationId: `gid://shopify/Location/${unit.locationId}`,
      }
    }
    const res = await graphql({
      query:
        'mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) @idempotent(key: "idx") { inventoryAdjustmentGroup { id } userErrors { code field } } }',
      variables: {
        input: {
          name: 'available',
          reason: 'correction',
          quantities: [
            { ...gids('IDX-0'), quantity: 1, changeFromQuantity: 4 },
            { ...gids('IDX-1'), quantity: 1, changeFromQuantity: 3 },
          ],
        },
      },
    })
    expect(res.body.data).toEqual({
      inventorySetQuantities: {
        inventoryAdjustmentGroup: null,
        userErrors: [
          expect.objectContaining({
            code: 'CHANGE_FROM_QUANTITY_STALE',
            field: ['input', 'quantities', '1', 'changeFromQuantity'],
          }),
        ],
      },
    })
    expect([state.stock.get('IDX-0'), state.stock.get('IDX-1')]).toEqual([4, 4])
  })

  it('answers another field as an unknown field', async () => {
    const res = await graphql({ query: '{ orders(first: 1) { nodes { id } } }' })
    expect(res.status).toBe(200)
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: "Field 'orders' doesn't exist on type 'QueryRoot'" }),
    ])
  })

  it('reports the cost bucket in every answer', async () => {
    const unit = unitOf('X')
    const res = await graphql({
      query:
        'query($i: ID!, $l: ID!) { inventoryItem(id: $i) { inventoryLevel(locationId: $l) { quantities(names: ["available"]) { name quantity } } } }',
      variables: {
        i: `gid://shopify/InventoryItem/${unit.inventoryItemId}`,
        l: `gid://shopify/Location/${unit.locationId}`,
      },
    })
    // The bucket refills 100 points a second on the emulator's running clock: between taking the
    // query's 3 points and reporting, a loaded machine may give back a point or two.
    expect(res.body.extensions).toEqual({
      cost: {
        requestedQueryCost: 3,
        actualQueryCost: 3,
        throttleStatus: {
          maximumAvailable: 1000,
          currentlyAvailable: expect.toSatisfy((n: number) => n >= 997 && n <= 1000) as number,
          restoreRate: 100,
        },
      },
    })
  })
})

describe('throttling', () => {
  it('an empty cost bucket answers THROTTLED with 200, with the wait the bucket needs', async () => {
    // The marketplace's clock stands still, so the bucket refills nothing however slow the calls.
    const frozen = new Date()
    state.now = () => frozen
    const unit = unitOf('X')
    let err: ChannelApiError | undefined
    // A fresh client per call: each knows nothing of the bucket, so none paces itself.
    for (let i = 0; i < 120 && !err; i++) {
      err = await shopifyStock.write(client(), unit, write(i, null, `burst-${i}`)).then(
        () => undefined,
        (e: unknown) => e as ChannelApiError,
      )
    }
    expect(err).toBeInstanceOf(ChannelApiError)
    expect([err!.kind, err!.details.status, err!.details.code]).toEqual([
      'rate-limited',
      200,
      'THROTTLED',
    ])
    // 1000 points pay for 100 writes of 10; the 101st misses 10 points, 100 ms at 100 points/s.
    expect(err!.details.retryAfterMs).toBe(100)
    expect(state.stats.throttled).toBe(1)
  })

  it('refills the bucket by the marketplace clock', async () => {
    let now = new Date('2026-11-22T12:00:00Z').getTime()
    state.now = () => new Date(now)
    const bucket = costBucketOf(state)
    // Another process of the hub spent all but 2 points; a read costs 3.
    expect(bucket.take(998)).toBe(true)
    const err = await failure(shopifyStock.read(client(), unitOf('X')))
    expect([err.kind, err.details.code]).toEqual(['rate-limited', 'THROTTLED'])
    now += 20 // 2 points at 100 points/s
    await expect(shopifyStock.read(client(), unitOf('X'))).resolves.toBe(0)
    expect(bucket.status().currentlyAvailable).toBe(1)
  })

  it('a client that has seen the bucket paces itself instead of being throttled', async () => {
    const api = client()
    const unit = unitOf('X')
    for (let i = 0; i < 110; i++) await shopifyStock.write(api, unit, write(i, null, `paced-${i}`))
    expect(state.stats.throttled).toBe(0)
  }, 10_000)
})

describe('inventory echo to the hub', () => {
  let hub: Listening
  const received: SignedWebhook[] = []

  beforeAll(async () => {
    hub = await listen(async (req) => {
      received.push({
        path: new URL(req.url).pathname,
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      })
      return new Response(null, { status: 200 })
    })
  })
  afterAll(() => hub.close())
  beforeEach(() => {
    received.length = 0
    state.hubUrl = hub.url
  })

  const levels = () =>
    Promise.all(
      received.map(async (w) => {
        const level = await levelOf(w)
        return [level.listing.unitId, level.available]
      }),
    )

  it('posts inventory_levels/update after its own stock writes and after orders', async () => {
    const unit = unitOf('ECHO-1')
    await shopifyStock.write(client(), unit, write(6, 0))
    await vi.waitFor(() => expect(received).toHaveLength(1))
    expect(await levels()).toEqual([[unit.inventoryItemId, 6]])

    shopifyEmulator.placeOrder(state, [{ sku: 'ECHO-1', quantity: 2 }], new Date())
    await vi.waitFor(() => expect(received).toHaveLength(2))
    expect((await levels())[1]).toEqual([unit.inventoryItemId, 4])
    expect(received[1]!.path).toBe('/webhooks/shopify/demo')
  })

  it('drops or repeats its echoes when the test switches webhook faults on', async () => {
    const unit = unitOf('ECHO-3')
    state.webhookFaults.drop = 1
    state.webhookFaults.duplicate = 1
    await shopifyStock.write(client(), unit, write(6, 0)) // dropped
    await shopifyStock.write(client(), unit, write(7, 6)) // sent twice
    await shopifyStock.write(client(), unit, write(8, 7)) // sent once
    await vi.waitFor(() => expect(received).toHaveLength(3))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(received).toHaveLength(3)
    expect((await levels()).map(([, available]) => available).sort()).toEqual([7, 7, 8])
    expect(state.webhookFaults).toEqual({ drop: 0, duplicate: 0 })
  })

  it('posts nothing for a write that changes nothing, and survives a hub that is down', async () => {
    state.stock.set('ECHO-2', 3)
    await shopifyStock.write(client(), unitOf('ECHO-2'), write(3, 3))
    state.hubUrl = 'http://127.0.0.1:9' // nothing listens there
    await shopifyStock.write(client(), unitOf('ECHO-2'), write(5, 3))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(received).toHaveLength(0)
    expect(state.stock.get('ECHO-2')).toBe(5)
  })
})
