// De-risks Walmart's stock support: which units a listing may name and how they are keyed (so
// listings, order lines and channel reports meet), and that writes and reads go through the real
// client to the msw stand-in written from Walmart's docs, a SKU Walmart does not list reading as
// null while every other failure stays an error.
import { http } from 'msw'
import { describe, expect, it } from 'vitest'
import { inventoryKey, walmartApi, walmartError } from '../../test/channels/walmart-api.js'
import { clientContext, failure, serve, testClock } from '../../test/helpers/channel-client.js'
import { mswServer } from '../../test/setup-msw.js'
import type { ListingRef } from '../../src/events/index.js'
import { createWalmartClient } from './client.js'
import { WalmartCredentials } from './config.js'
import { walmart } from './index.js'
import { walmartStock } from './stock.js'

const BASE = 'https://marketplace.walmart.test'
const clock = testClock(new Date('2026-11-22T12:00:00Z'))
const credentials = WalmartCredentials.parse({
  webhookAuth: [{ method: 'BASIC_AUTH', users: [{ userName: 'u', password: 'p' }] }],
  clientId: 'stock-test-client',
  clientSecret: 'stock-test-secret',
  apiBaseUrl: BASE,
  rateLimitPerSecond: 1_000,
})

function setup(inventory = new Map<string, number>()) {
  const api = serve(
    walmartApi({
      baseUrl: BASE,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      now: clock.now,
      inventory,
    }),
  )
  return { api, inventory, client: createWalmartClient(credentials, clientContext(clock)) }
}

const write = (quantity: number, expected: number | null = null) => ({
  quantity,
  expected,
  idempotencyKey: 'push-1',
})

const ref = (over: Partial<ListingRef>): ListingRef => ({
  sellerSku: null,
  productId: null,
  unitId: null,
  locationId: null,
  marketplaceId: null,
  ...over,
})

describe('unit', () => {
  it('is a SKU, with a ship node or without (the default node)', () => {
    expect(walmartStock.unit.parse({ sku: 'TEE' })).toEqual({ sku: 'TEE' })
    expect(walmartStock.unit.parse({ sku: 'TEE', shipNode: '7891234' })).toEqual({
      sku: 'TEE',
      shipNode: '7891234',
    })
  })

  it.each([
    ['no SKU', {}],
    ['an empty SKU', { sku: '' }],
    ['an empty ship node', { sku: 'TEE', shipNode: '' }],
    ['a ship node that is not a string', { sku: 'TEE', shipNode: 7891234 }],
    ['a field Walmart units do not have', { sku: 'TEE', itemId: '286687472' }],
  ])('refuses %s', (_, unit) => {
    expect(walmartStock.unit.safeParse(unit).success).toBe(false)
  })

  it('is the connector’s stock support', () => {
    expect(walmart.stock).toBe(walmartStock)
  })
})

describe('keys', () => {
  it('the SKU alone is the default unit and the channel SKU', () => {
    const unit = walmartStock.defaultUnit('TEE-BLK-M', credentials)
    expect(unit).toEqual({ sku: 'TEE-BLK-M' })
    expect(walmartStock.channelSku({ sku: 'TEE-BLK-M', shipNode: '1' })).toBe('TEE-BLK-M')
  })

  it('a unit and a report naming the same SKU and node get the same key', () => {
    expect(walmartStock.unitKey({ sku: 'TEE', shipNode: '7891234' })).toBe('TEE@7891234')
    expect(walmartStock.reportedUnitKey(ref({ sellerSku: 'TEE', locationId: '7891234' }))).toBe(
      'TEE@7891234',
    )
    expect(walmartStock.unitKey({ sku: 'TEE' })).toBe('TEE@')
    expect(walmartStock.reportedUnitKey(ref({ sellerSku: 'TEE', productId: '286687472' }))).toBe(
      'TEE@',
    )
  })

  it('units at different nodes get different keys', () => {
    const keys = [{ sku: 'TEE' }, { sku: 'TEE', shipNode: '1' }, { sku: 'TEE', shipNode: '2' }]
    expect(new Set(keys.map(walmartStock.unitKey)).size).toBe(3)
  })

  it('a report without a seller SKU names no unit', () => {
    expect(walmartStock.reportedUnitKey(ref({ productId: '286687472' }))).toBeUndefined()
  })
})

describe('write', () => {
  it('sends an absolute level for the SKU at the default node', async () => {
    const { api, inventory, client } = setup()
    const result = await walmartStock.write(client, { sku: 'TEE BLK/M' }, write(17, 20))
    expect(result).toEqual({ status: 'applied', quantity: 17 })
    expect(api.stockCalls).toEqual([
      {
        kind: 'single',
        sku: 'TEE BLK/M',
        body: { sku: 'TEE BLK/M', quantity: { unit: 'EACH', amount: 17 } },
      },
    ])
    expect(inventory.get(inventoryKey('TEE BLK/M'))).toBe(17)
  })

  it('names the ship node when the unit has one', async () => {
    const { api, inventory, client } = setup()
    await walmartStock.write(client, { sku: 'TEE', shipNode: '7891234' }, write(0))
    expect(api.stockCalls[0]).toMatchObject({ kind: 'single', sku: 'TEE', shipNode: '7891234' })
    expect(inventory.get(inventoryKey('TEE', '7891234'))).toBe(0)
  })

  it('lets a refusal through as the client classified it', async () => {
    const { client } = setup()
    mswServer.use(
      http.put(`${BASE}/v3/inventory`, () =>
        walmartError(429, [{ code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API' }], {
          retryAfter: '3',
        }),
      ),
    )
    const err = await failure(walmartStock.write(client, { sku: 'TEE' }, write(1)))
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(3_000)
  })
})

describe('read', () => {
  it('returns the quantity Walmart holds at the unit’s node', async () => {
    const { client } = setup(
      new Map([
        [inventoryKey('TEE'), 5],
        [inventoryKey('TEE', '7891234'), 2],
      ]),
    )
    expect(await walmartStock.read(client, { sku: 'TEE' })).toBe(5)
    expect(await walmartStock.read(client, { sku: 'TEE', shipNode: '7891234' })).toBe(2)
  })

  it('reads a SKU Walmart does not list as null', async () => {
    const { client } = setup()
    expect(await walmartStock.read(client, { sku: 'UNLISTED' })).toBeNull()
  })

  it.each([
    ['a 404 for a wrong path', 404, 'URI_NOT_FOUND.GMP_GATEWAY_API', 'permanent'],
    ['a server error', 500, 'SYSTEM_ERROR.GMP_INVENTORY_API', 'transient'],
  ] as const)('lets %s through', async (_, status, code, kind) => {
    const { client } = setup()
    mswServer.use(http.get(`${BASE}/v3/inventory`, () => walmartError(status, [{ code }])))
    const err = await failure(walmartStock.read(client, { sku: 'TEE' }))
    expect(err.kind).toBe(kind)
    expect(err.details.code).toBe(code)
  })
})
