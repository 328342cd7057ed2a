// De-risks TikTok Shop stock support against the TikTok emulator behind msw: the unit schema, the
// keys that match listings to type-27 reports, the write that lists every warehouse of the SKU
// (the whole quantity in the first, 0 in the others; the push pipeline caps at TikTok's maximum
// before, connectors/shared/quantity-range.ts) and the read that sums only the unit's warehouses.
import { describe, expect, it } from 'vitest'
import type { ArrivedRequest } from '../../src/sandbox/faults.js'
import { tiktokShopEmulator } from '../../src/sandbox/tiktok-shop/index.js'
import type { ListingRef } from '../../src/events/index.js'
import { clientContext, failure, testClock } from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import { createTikTokShopClient } from './client.js'
import { TikTokShopCredentials } from './config.js'
import { tiktokShop } from './index.js'
import { tiktokShopStock, type TikTokUnit } from './stock.js'

const BASE = 'https://open-api.tiktokglobalshop.com'
const clock = testClock(new Date('2026-11-22T12:00:00Z'))
const emulator = useEmulatorOverMsw(tiktokShopEmulator, { bases: [BASE], now: clock.now })
const credentials = TikTokShopCredentials.parse({
  ...tiktokShop.sandboxCredentials('http://unused.invalid'),
  apiBaseUrl: BASE,
})

/** The ids the emulated shop lists a SKU under: its product, its SKU, its two warehouses. */
const unitOf = (sku: string): TikTokUnit =>
  tiktokShopStock.unit.parse(tiktokShopEmulator.listingUnit(sku))
const unit = unitOf('TEE')
const { productId: PRODUCT, skuId: SKU } = unit
const [W1, W2] = unit.warehouseIds as [string, string]
const write = (quantity: number) => ({ quantity, expected: null, idempotencyKey: 'job-1' })

const client = () => createTikTokShopClient(credentials, clientContext(clock))
const stockCalls = (): ArrivedRequest[] =>
  emulator.state.requests.filter((r) => r.path.endsWith('/inventory/update'))

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
    expect(await tiktokShopStock.write(client(), unit, write(17))).toEqual({
      status: 'applied',
      quantity: 17,
    })
    expect(stockCalls().map((c): unknown[] => [c.path, JSON.parse(c.body)])).toEqual([
      [
        `/product/202309/products/${PRODUCT}/inventory/update`,
        {
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
      ],
    ])
    expect(emulator.state.stock.get('TEE')).toBe(17)
  })

  it('declares TikTok’s range, 0 included so that the hub can say sold out', () => {
    expect(tiktokShopStock.quantityRange).toEqual({ min: 0, max: 99_999 })
  })

  it('sends the maximum as is and refuses more without calling TikTok (no private cap)', async () => {
    const api = client()
    const result = await tiktokShopStock.write(api, unit, write(99_999))
    expect(result).toEqual({ status: 'applied', quantity: 99_999 })
    expect(emulator.state.stock.get('TEE')).toBe(99_999)
    const err = await failure(tiktokShopStock.write(api, unit, write(100_000)))
    expect(err.kind).toBe('permanent')
    expect(err.message).toContain('quantity 100000 for warehouse')
    expect(stockCalls()).toHaveLength(1)
  })

  it('fails with the channel error when TikTok refuses the SKU', async () => {
    // A listing that names only one of the SKU's two warehouses: TikTok refuses the partial list.
    emulator.state.stock.set('TEE', 4)
    const partial = { ...unit, warehouseIds: [W1] }
    const err = await failure(tiktokShopStock.write(client(), partial, write(3)))
    expect(err.kind).toBe('permanent')
    expect(err.details.code).toBe('12019028')
    expect(emulator.state.stock.get('TEE')).toBe(4)
  })
})

describe('read', () => {
  it('sums the available quantity over the unit’s warehouses only', async () => {
    const api = client()
    await api.setStock({
      productId: PRODUCT,
      skuId: SKU,
      warehouses: [
        { warehouseId: W1, quantity: 7 },
        { warehouseId: W2, quantity: 2 },
      ],
    })
    expect(await tiktokShopStock.read(api, unit)).toBe(9)
    expect(await tiktokShopStock.read(api, { ...unit, warehouseIds: [W1] })).toBe(7)
    expect(await tiktokShopStock.read(api, { ...unit, warehouseIds: [W2] })).toBe(2)
  })

  it('counts neither another SKU of the product nor a warehouse the unit does not name', async () => {
    // The emulated shop lists one SKU per product in two warehouses; a product with several SKUs
    // and a third warehouse is injected as Inventory Search answers it (products/inventory-search.spec.json).
    const sku = (id: string, warehouses: readonly [string, number][]) => ({
      id,
      warehouse_inventory: warehouses.map(([warehouse_id, available_quantity]) => ({
        warehouse_id,
        available_quantity,
        committed_quantity: 1,
      })),
    })
    emulator.state.faults.add({
      path: '/product/202309/inventory/search',
      answer: () =>
        Response.json({
          code: 0,
          message: 'Success',
          request_id: 'R',
          data: {
            inventory: [
              {
                product_id: PRODUCT,
                skus: [
                  sku('1111', [[W1, 50]]),
                  sku(SKU, [
                    [W1, 7],
                    [W2, 2],
                    ['7068517275539719999', 40],
                  ]),
                ],
              },
            ],
          },
        }),
    })
    expect(await tiktokShopStock.read(client(), unit)).toBe(9)
  })

  it('is null when TikTok does not list the SKU', async () => {
    emulator.state.stock.set('TEE', 5).set('MUG', 3)
    const api = client()
    // The product is listed, with its own SKU, not this one.
    expect(await tiktokShopStock.read(api, { ...unit, skuId: unitOf('MUG').skuId })).toBeNull()
    // The shop lists no such product.
    expect(
      await tiktokShopStock.read(api, { ...unit, productId: '1799999999999999999' }),
    ).toBeNull()
    expect(await tiktokShopStock.read(api, unit)).toBe(5)
  })
})
