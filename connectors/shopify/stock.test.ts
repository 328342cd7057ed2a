// De-risks Shopify's stock half: the unit a listing names (digits or gids, nothing else), that a
// listing's key equals the key of the inventory_levels/update report about it, and that a write
// sends the hub's expected quantity as changeFromQuantity only while the account compares (against
// the emulated store, src/sandbox/shopify/, served through msw).
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
