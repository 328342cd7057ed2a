// De-risks Shopify's stock half: the unit a listing names (digits or gids, nothing else), that a
// listing's key equals the key of the inventory_levels/update report about it, and that a write
// sends the hub's expected quantity as changeFromQuantity only while the account compares (against
// the emulated store, src/sandbox/shopify/, served through msw); and that a bulk write sends up to
// 250 quantities in one mutation, each item getting its own outcome (a refused or stale quantity
// fails its item alone, the others applied) and a throttled call failing whole.
import { describe, expect, it } from 'vitest'
import { normalizers } from '../../normalizers/index.js'
import { parseJsonBody } from '../../src/json.js'
import { shopifyEmulator } from '../../src/sandbox/shopify/index.js'
import { idsOf, LOCATION_ID, WAREHOUSE_LOCATION_ID } from '../../src/sandbox/shopify/seller.js'
import { clientContext, failure, testClock } from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import { loadFixture } from '../../test/helpers/fixtures.js'
import { createShopifyClient } from './client.js'
import { ShopifyCredentials } from './config.js'
import { shopify } from './index.js'
import { shopifyStock } from './stock.js'

const SANDBOX = shopify.sandboxCredentials('')
const SKU = 'TEE-BLK-M'
const ITEM = idsOf(SKU).inventoryItemId
const LOCATION = LOCATION_ID
const clock = testClock(new Date('2026-11-22T12:00:00Z'))
const emulator = useEmulatorOverMsw(shopifyEmulator, { bases: [`https://${SANDBOX.shopDomain}`] })

/** A client of the store, which holds 5 of {@link SKU}. */
function setup(overrides: Partial<ShopifyCredentials> = {}) {
  emulator.state.stock.set(SKU, 5)
  const credentials = ShopifyCredentials.parse({
    webhookSecrets: SANDBOX.webhookSecrets,
    shopDomain: SANDBOX.shopDomain,
    accessToken: SANDBOX.accessToken,
    ...overrides,
  })
  return createShopifyClient(credentials, clientContext(clock))
}

/** The changeFromQuantity of each quantity of each set the store received. */
const sentChangeFrom = () =>
  emulator.state.requests.map((r) => {
    const { variables } = JSON.parse(r.body) as {
      variables: { input: { quantities: { changeFromQuantity: unknown }[] } }
    }
    return variables.input.quantities.map((q) => q.changeFromQuantity)
  })

const unit = shopifyStock.unit.parse({ inventoryItemId: ITEM, locationId: LOCATION })

describe('shopify stock unit', () => {
  it('keeps digits, and turns gids of the right type into digits', () => {
    expect(
      shopifyStock.unit.parse({
        inventoryItemId: `gid://shopify/InventoryItem/${ITEM}`,
        locationId: `gid://shopify/Location/${LOCATION}`,
      }),
    ).toEqual({ inventoryItemId: ITEM, locationId: LOCATION })
  })

  it.each([
    { inventoryItemId: 'gid://shopify/Location/1', locationId: LOCATION },
    { inventoryItemId: ITEM, locationId: 'gid://shopify/InventoryItem/1' },
    { inventoryItemId: 'TEE-BLK-M', locationId: LOCATION },
    { inventoryItemId: 48513488879793, locationId: LOCATION },
    { inventoryItemId: ITEM },
    { inventoryItemId: ITEM, locationId: LOCATION, sku: 'TEE-BLK-M' },
  ])('refuses %o', (value) => {
    expect(shopifyStock.unit.safeParse(value).success).toBe(false)
  })

  it('has no default unit and no channel SKU', () => {
    expect(shopifyStock.defaultUnit('TEE-BLK-M', { webhookSecrets: ['s'] })).toBeUndefined()
    expect(shopifyStock.channelSku(unit)).toBeUndefined()
  })

  it('keys a listing as the inventory_levels/update report about it is keyed', () => {
    const fx = loadFixture('shopify', 'inventory_levels-update/basic')
    const result = normalizers.shopify.normalize({
      channel: 'shopify',
      accountId: 'demo',
      topic: fx.topic,
      dedupeKey: 'd',
      receivedAt: new Date(),
      body: parseJsonBody(fx.body),
    })
    const [observation] = result.kind === 'observations' ? result.observations : []
    expect(observation?.kind).toBe('inventory-level')
    const ref = observation?.kind === 'inventory-level' ? observation.data.listing : undefined
    // The ids the recorded report names.
    const listed = shopifyStock.unit.parse({
      inventoryItemId: '48513488879793',
      locationId: '75596366001',
    })
    expect(shopifyStock.reportedUnitKey(ref!)).toBe(shopifyStock.unitKey(listed))
    expect(shopifyStock.unitKey(listed)).toBe('48513488879793@75596366001')
    expect(shopifyStock.reportedUnitKey({ ...ref!, locationId: null })).toBeUndefined()
  })
})

describe('shopify stock writes and reads', () => {
  it('sends the expected quantity as changeFromQuantity and reports what it set', async () => {
    const client = setup()
    await expect(
      shopifyStock.write(client, unit, { quantity: 2, expected: 5, idempotencyKey: 'job-1' }),
    ).resolves.toEqual({ status: 'applied', quantity: 2 })
    expect(sentChangeFrom()).toEqual([[5]])
    expect(emulator.state.stock.get(SKU)).toBe(2)
    await expect(shopifyStock.read(client, unit)).resolves.toBe(2)
  })

  it('a wrong expectation fails stale and leaves Shopify’s quantity', async () => {
    const client = setup()
    const err = await failure(
      shopifyStock.write(client, unit, { quantity: 2, expected: 4, idempotencyKey: 'job-2' }),
    )
    expect([err.kind, err.details.code]).toEqual(['transient', 'stale'])
    expect(emulator.state.stock.get(SKU)).toBe(5)
  })

  it('sends null when the account opts out of compare-and-set', async () => {
    const client = setup({ compareAndSet: false })
    await shopifyStock.write(client, unit, { quantity: 2, expected: 4, idempotencyKey: 'job-3' })
    expect(sentChangeFrom()).toEqual([[null]])
    expect(emulator.state.stock.get(SKU)).toBe(2)
  })

  it('reads null for a unit Shopify does not stock', async () => {
    const client = setup()
    await expect(
      shopifyStock.read(client, { inventoryItemId: ITEM, locationId: WAREHOUSE_LOCATION_ID }),
    ).resolves.toBeNull()
    await expect(
      shopifyStock.read(client, { inventoryItemId: ITEM, locationId: '1' }),
    ).resolves.toBeNull()
  })
})

describe('shopify bulk stock writes', () => {
  const bulk = shopifyStock.bulk!
  /** `count` SKUs the store holds 5 of each, as bulk items setting each to 1, 2, … */
  function due(count: number, prefix = 'BULK') {
    return Array.from({ length: count }, (_, i) => {
      const sku = `${prefix}-${i}`
      emulator.state.stock.set(sku, 5)
      const item = {
        key: `listing-${i}`,
        unit: shopifyStock.unit.parse({
          inventoryItemId: idsOf(sku).inventoryItemId,
          locationId: LOCATION,
        }),
        write: { quantity: i + 1, expected: 5, idempotencyKey: `job-${i}` },
      }
      return { sku, item }
    })
  }
  const byKey = <T extends { key: string }>(results: readonly T[]) =>
    Object.fromEntries(results.map((r) => [r.key, r]))

  it('sets every level in one inventorySetQuantities, each with its own changeFromQuantity', async () => {
    const client = setup()
    const items = due(4)
    const results = await bulk.writeMany(
      client,
      items.map((d) => d.item),
    )
    expect(results).toHaveLength(4)
    for (const [i, { sku, item }] of items.entries()) {
      expect(byKey(results)[item.key]).toEqual({
        key: item.key,
        ok: true,
        status: 'applied',
        quantity: i + 1,
      })
      expect(emulator.state.stock.get(sku)).toBe(i + 1)
    }
    expect(sentChangeFrom()).toEqual([[5, 5, 5, 5]])
  })

  it('declares Shopify’s 250-quantity limit, which the store enforces', async () => {
    expect([bulk.maxItems, bulk.minItems]).toEqual([250, 2])
    const client = setup()
    const items = due(251)
    // Past the pipeline's chunking, straight to the client: Shopify refuses the whole call.
    const err = await failure(
      client.setQuantitiesEach({
        quantities: items.map(({ item }) => ({
          inventoryItemId: item.unit.inventoryItemId,
          locationId: item.unit.locationId,
          quantity: 1,
          changeFromQuantity: null,
        })),
        idempotencyKey: 'too-many',
      }),
    )
    expect([err.kind, err.details.code]).toEqual(['permanent', 'MAX_INPUT_SIZE_EXCEEDED'])
    expect(emulator.state.stock.get(items[0]!.sku)).toBe(5)
    // writeMany given more than maxItems splits them into calls Shopify takes.
    const results = await bulk.writeMany(
      client,
      items.map((d) => d.item),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(
      sentChangeFrom()
        .slice(1)
        .map((q) => q.length),
    ).toEqual([250, 1])
    expect(emulator.state.stock.get(items[250]!.sku)).toBe(251)
  })

  it('maps a refused quantity to its item and applies the others', async () => {
    const client = setup()
    const items = due(3)
    // The second names the warehouse, where Shopify does not stock the item.
    const refused = {
      ...items[1]!.item,
      unit: { ...items[1]!.item.unit, locationId: WAREHOUSE_LOCATION_ID },
    }
    const results = byKey(await bulk.writeMany(client, [items[0]!.item, refused, items[2]!.item]))
    const failed = results[refused.key]
    expect(failed?.ok).toBe(false)
    if (failed?.ok === false) {
      expect([failed.error.kind, failed.error.details.code]).toEqual([
        'permanent',
        'ITEM_NOT_STOCKED_AT_LOCATION',
      ])
      expect(failed.error.message).toContain(`location ${WAREHOUSE_LOCATION_ID}`)
    }
    expect([results[items[0]!.item.key]?.ok, results[items[2]!.item.key]?.ok]).toEqual([true, true])
    expect([0, 1, 2].map((i) => emulator.state.stock.get(items[i]!.sku))).toEqual([1, 5, 3])
    // Shopify applied none of the first call; the others went again without the refused one.
    expect(sentChangeFrom().map((q) => q.length)).toEqual([3, 2])
  })

  it('a stale expectation fails that item alone, transient with code stale', async () => {
    const client = setup()
    const items = due(3)
    emulator.state.stock.set(items[2]!.sku, 9)
    const results = byKey(
      await bulk.writeMany(
        client,
        items.map((d) => d.item),
      ),
    )
    const stale = results[items[2]!.item.key]
    expect(stale?.ok).toBe(false)
    if (stale?.ok === false) {
      expect([stale.error.kind, stale.error.details.code]).toEqual(['transient', 'stale'])
    }
    expect(emulator.state.stock.get(items[2]!.sku)).toBe(9)
    expect([0, 1].map((i) => emulator.state.stock.get(items[i]!.sku))).toEqual([1, 2])
  })

  it('refuses an item that cannot be sent without holding back the others', async () => {
    const client = setup()
    const items = due(2)
    const twice = { ...items[0]!.item, key: 'again' }
    const results = byKey(await bulk.writeMany(client, [items[0]!.item, twice, items[1]!.item]))
    expect(results.again?.ok).toBe(false)
    if (results.again?.ok === false) expect(results.again.error.kind).toBe('permanent')
    expect(emulator.state.stock.get(items[1]!.sku)).toBe(2)
    expect(sentChangeFrom()).toEqual([[5, 5]])
  })

  it('throws a throttled call as rate-limited, as a single write does', async () => {
    const client = setup()
    const items = due(3)
    emulator.state.throttleNext = 1
    const err = await failure(
      bulk.writeMany(
        client,
        items.map((d) => d.item),
      ),
    )
    expect(err.kind).toBe('rate-limited')
    expect(emulator.state.stock.get(items[0]!.sku)).toBe(5)
  })
})
