// De-risks TikTok Shop stock support against the TikTok emulator behind msw: the unit schema, the
// keys that match listings to type-27 reports, the write that lists every warehouse of the SKU
// (the whole quantity in the first, 0 in the others; the push pipeline caps at TikTok's maximum
// before, connectors/shared/quantity-range.ts), the read that sums only the unit's warehouses, and
// the bulk write: one Update Inventory call per product, per-SKU refusals mapped to their items, 0
// as TikTok's only per-SKU way to say sold out.
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

describe('bulk write', () => {
  const bulk = tiktokShopStock.bulk!
  const item = (sku: string, quantity: number) => ({
    key: `listing-${sku}`,
    unit: unitOf(sku),
    write: write(quantity),
  })
  const byKey = <T extends { key: string }>(results: readonly T[]) =>
    Object.fromEntries(results.map((r) => [r.key, r]))
  /** The SKU ids each Update Inventory call named, by product id. */
  const callsByProduct = () =>
    stockCalls().map((c) => {
      const productId = /products\/(\d+)\/inventory/.exec(c.path)?.[1]
      const body = JSON.parse(c.body) as { skus: { id: string }[] }
      return [productId, body.skus.map((s) => s.id)]
    })

  it('sends one call per product, with all its due SKUs', async () => {
    const items = [
      item('TEE/S', 1),
      item('MUG/red', 4),
      item('TEE/M', 2),
      item('TEE/L', 3),
      item('MUG/blue', 5),
    ]
    const results = byKey(await bulk.writeMany(client(), items))
    for (const { key, write: w } of items) {
      expect(results[key]).toEqual({ key, ok: true, status: 'applied', quantity: w.quantity })
    }
    const [tee, mug] = [unitOf('TEE/S').productId, unitOf('MUG/red').productId]
    expect(callsByProduct()).toEqual([
      [tee, [unitOf('TEE/S').skuId, unitOf('TEE/M').skuId, unitOf('TEE/L').skuId]],
      [mug, [unitOf('MUG/red').skuId, unitOf('MUG/blue').skuId]],
    ])
    expect(
      ['TEE/S', 'TEE/M', 'TEE/L', 'MUG/red', 'MUG/blue'].map((s) => emulator.state.stock.get(s)),
    ).toEqual([1, 2, 3, 4, 5])
  })

  it('declares one product’s call (100 SKUs) and splits a product with more into calls TikTok takes', async () => {
    expect([bulk.maxItems, bulk.minItems]).toEqual([100, 2])
    const items = Array.from({ length: 101 }, (_, i) => item(`WIDE/${i}`, 7))
    const results = await bulk.writeMany(client(), items)
    expect(results.every((r) => r.ok)).toBe(true)
    expect(callsByProduct().map(([, skus]) => skus!.length)).toEqual([100, 1])
    expect(emulator.state.stock.get('WIDE/100')).toBe(7)
  })

  it('maps a SKU TikTok refuses to its item and applies the others of the call', async () => {
    emulator.state.stock.set('CAP/b', 4)
    // A listing that names only one of the SKU's two warehouses: TikTok refuses that SKU (12019028).
    const partial = { ...item('CAP/b', 3), unit: { ...unitOf('CAP/b'), warehouseIds: [W1] } }
    const results = byKey(
      await bulk.writeMany(client(), [item('CAP/a', 1), partial, item('CAP/c', 2)]),
    )
    const refused = results[partial.key]
    expect(refused?.ok).toBe(false)
    if (refused?.ok === false) {
      expect([refused.error.kind, refused.error.details.code]).toEqual(['permanent', '12019028'])
      expect(refused.error.message).toContain(unitOf('CAP/b').skuId)
    }
    expect([results['listing-CAP/a']?.ok, results['listing-CAP/c']?.ok]).toEqual([true, true])
    expect(['CAP/a', 'CAP/b', 'CAP/c'].map((s) => emulator.state.stock.get(s))).toEqual([1, 4, 2])
    expect(stockCalls()).toHaveLength(1)
  })

  it('fails the items of a product TikTok refuses whole, and still writes the other products', async () => {
    const gone = {
      ...item('HAT/x', 1),
      unit: { ...unitOf('HAT/x'), productId: '1799999999999999999' },
    }
    const results = byKey(await bulk.writeMany(client(), [gone, item('SOCK/x', 2)]))
    const refused = results[gone.key]
    expect(refused?.ok === false && [refused.error.kind, refused.error.details.code]).toEqual([
      'permanent',
      '12052032',
    ])
    expect(results['listing-SOCK/x']?.ok).toBe(true)
    expect(emulator.state.stock.get('SOCK/x')).toBe(2)
  })

  it('throws a rate-limited call, as a single write does', async () => {
    emulator.state.throttleNext = 1
    const err = await failure(bulk.writeMany(client(), [item('BAG/a', 1), item('BAG/b', 2)]))
    expect(err.kind).toBe('rate-limited')
    expect(emulator.state.stock.get('BAG/a')).toBeUndefined()
  })

  it('says sold out with 0, TikTok’s only per-SKU way, in a bulk call as in a single write', async () => {
    emulator.state.stock.set('BELT/a', 6).set('BELT/b', 6)
    const results = await bulk.writeMany(client(), [item('BELT/a', 0), item('BELT/b', 2)])
    expect(results.every((r) => r.ok)).toBe(true)
    expect([emulator.state.stock.get('BELT/a'), emulator.state.stock.get('BELT/b')]).toEqual([0, 2])
    const [call] = stockCalls()
    expect(JSON.parse(call!.body)).toMatchObject({
      skus: [
        {
          inventory: [
            { warehouse_id: W1, quantity: 0 },
            { warehouse_id: W2, quantity: 0 },
          ],
        },
        {},
      ],
    })
    expect(await tiktokShopStock.write(client(), unitOf('BELT/b'), write(0))).toEqual({
      status: 'applied',
      quantity: 0,
    })
    expect(emulator.state.stock.get('BELT/b')).toBe(0)
  })
})
