// De-risks TikTok Shop stock support against the msw stand-in of the Open API: the unit schema, the
// keys that match listings to type-27 reports, the write that lists every warehouse of the SKU
// (the whole quantity in the first, 0 in the others; the push pipeline caps at TikTok's maximum
// before, connectors/shared/quantity-range.ts) and the read that
// sums only the unit's warehouses.
import { describe, expect, it } from 'vitest'
import { tiktokShopApi, type StockCall } from '../../test/channels/tiktok-shop-api.js'
import { clientContext, failure, serve, testClock } from '../../test/helpers/channel-client.js'
import type { ListingRef } from '../../src/events/index.js'
import { createTikTokShopClient } from './client.js'
import { TikTokShopCredentials } from './config.js'
import { tiktokShopStock } from './stock.js'

const BASE = 'https://open-api.tiktok.test'
const clock = testClock(new Date('2026-11-22T12:00:00Z'))
const credentials = TikTokShopCredentials.parse({
  appKey: 'test-app-key',
  appSecrets: ['test-app-secret'],
  accessToken: 'TTP_test-token',
  shopCipher: 'ROW_test-cipher',
  apiBaseUrl: BASE,
})

const PRODUCT = '1729582718312380123'
const SKU = '2729382476852921560'
const W1 = '7068517275539719942'
const W2 = '7068517275539719943'
const unit = { productId: PRODUCT, skuId: SKU, warehouseIds: [W1, W2] }
const write = (quantity: number) => ({ quantity, expected: null, idempotencyKey: 'job-1' })

function setup(inventory?: ReadonlyMap<string, readonly object[]>) {
  const stockCalls: StockCall[] = []
  serve(
    tiktokShopApi({
      baseUrl: BASE,
      appKey: 'test-app-key',
      appSecret: 'test-app-secret',
      accessToken: 'TTP_test-token',
      shopCipher: 'ROW_test-cipher',
      now: clock.now,
      inventory,
      onStock: (call) => {
        stockCalls.push(call)
        return undefined
      },
    }),
  )
  return { client: createTikTokShopClient(credentials, clientContext(clock)), stockCalls }
}

describe('unit', () => {
  it('takes digit ids and at least one warehouse, each once', () => {
    expect(tiktokShopStock.unit.parse(unit)).toEqual(unit)
    for (const bad of [
      { ...unit, productId: 'abc' },
      { ...unit, skuId: 1729 },
      { ...unit, warehouseIds: [] },
      { ...unit, warehouseIds: [W1, W1] },
      { ...unit, sellerSku: 'TEE' },
    ]) {
      expect(tiktokShopStock.unit.safeParse(bad).success).toBe(false)
    }
  })

  it('has no default unit and no channel SKU: TikTok needs its own ids', () => {
    expect(tiktokShopStock.defaultUnit('TEE', credentials)).toBeUndefined()
    expect(tiktokShopStock.channelSku(unit)).toBeUndefined()
  })

  it('keys a unit as a type-27 report names it (product id, SKU id as unitId)', () => {
    const ref: ListingRef = {
      sellerSku: null,
      productId: PRODUCT,
      unitId: SKU,
      locationId: null,
      marketplaceId: null,
    }
    expect(tiktokShopStock.unitKey(unit)).toBe(`${PRODUCT}/${SKU}`)
    expect(tiktokShopStock.reportedUnitKey(ref)).toBe(tiktokShopStock.unitKey(unit))
    expect(tiktokShopStock.reportedUnitKey({ ...ref, unitId: null })).toBeUndefined()
  })
})

describe('write', () => {
  it('sends every warehouse in one call: the quantity to the first, 0 to the others', async () => {
    const { client, stockCalls } = setup()
    expect(await tiktokShopStock.write(client, unit, write(17))).toEqual({
      status: 'applied',
      quantity: 17,
    })
    expect(stockCalls).toEqual([
      {
        productId: PRODUCT,
        body: {
          skus: [
            {
              id: SKU,
              inventory: [
                { warehouse_id: W1, quantity: 17 },
                { warehouse_id: W2, quantity: 0 },
              ],
            },
          ],
        },
      },
    ])
  })

  it('declares TikTok’s range, 0 included so that the hub can say sold out', () => {
    expect(tiktokShopStock.quantityRange).toEqual({ min: 0, max: 99_999 })
  })

  it('sends the maximum as is and refuses more without calling TikTok (no private cap)', async () => {
    const { client, stockCalls } = setup()
    const result = await tiktokShopStock.write(client, unit, write(99_999))
    expect(result).toEqual({ status: 'applied', quantity: 99_999 })
    expect(stockCalls[0]?.body.skus[0]?.inventory[0]?.quantity).toBe(99_999)
    const err = await failure(tiktokShopStock.write(client, unit, write(100_000)))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('quantity 100000 for warehouse')
    expect(stockCalls).toHaveLength(1)
  })

  it('fails with the channel error when TikTok refuses the SKU', async () => {
    serve(
      tiktokShopApi({
        baseUrl: BASE,
        appKey: 'test-app-key',
        appSecret: 'test-app-secret',
        accessToken: 'TTP_test-token',
        now: clock.now,
        onStock: () => ({
          errors: [{ code: 12019028, message: 'Multiple warehouses detected.', detail: {} }],
        }),
      }),
    )
    const client = createTikTokShopClient(credentials, clientContext(clock))
    const err = await failure(tiktokShopStock.write(client, unit, write(3)))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('12019028')
  })
})

describe('read', () => {
  const sku = (id: string, warehouses: readonly [string, number][]) => ({
    id,
    warehouse_inventory: warehouses.map(([warehouse_id, available_quantity]) => ({
      warehouse_id,
      available_quantity,
      committed_quantity: 1,
    })),
  })

  it('sums the available quantity over the unit’s warehouses only', async () => {
    const inventory = new Map([
      [
        PRODUCT,
        [
          sku('1111', [[W1, 50]]),
          sku(SKU, [
            [W1, 7],
            [W2, 2],
            ['7068517275539719999', 40],
          ]),
        ],
      ],
    ])
    const { client } = setup(inventory)
    expect(await tiktokShopStock.read(client, unit)).toBe(9)
  })

  it('is null when TikTok does not list the SKU', async () => {
    const { client } = setup(new Map([[PRODUCT, [sku('1111', [[W1, 5]])]]]))
    expect(await tiktokShopStock.read(client, unit)).toBeNull()
    const { client: other } = setup(new Map())
    expect(await tiktokShopStock.read(other, unit)).toBeNull()
  })
})
