// De-risks Shopify's stock half: the unit a listing names (digits or gids, nothing else), that a
// listing's key equals the key of the inventory_levels/update report about it, and that a write
// sends the hub's expected quantity as changeFromQuantity only while the account compares.
import { describe, expect, it } from 'vitest'
import { normalizers } from '../../normalizers/index.js'
import { levelKey, shopifyApi } from '../../test/channels/shopify-api.js'
import { clientContext, failure, serve, testClock } from '../../test/helpers/channel-client.js'
import { loadFixture } from '../../test/helpers/fixtures.js'
import { parseJsonBody } from '../../src/json.js'
import { createShopifyClient } from './client.js'
import { ShopifyCredentials } from './config.js'
import { shopifyStock } from './stock.js'

const BASE = 'https://demo-store.myshopify.com'
const TOKEN = 'shpat_test_token_0002'
const ITEM = '48513488879793'
const LOCATION = '75596366001'
const clock = testClock(new Date('2026-11-22T12:00:00Z'))

function setup(overrides: Partial<ShopifyCredentials> = {}) {
  const levels = new Map([[levelKey(ITEM, LOCATION), 5]])
  const api = serve(shopifyApi({ baseUrl: BASE, accessToken: TOKEN, levels }))
  const credentials = ShopifyCredentials.parse({
    webhookSecrets: ['s'],
    shopDomain: 'demo-store.myshopify.com',
    accessToken: TOKEN,
    ...overrides,
  })
  return { api, levels, client: createShopifyClient(credentials, clientContext(clock)) }
}

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
    expect(shopifyStock.reportedUnitKey(ref!)).toBe(shopifyStock.unitKey(unit))
    expect(shopifyStock.unitKey(unit)).toBe(`${ITEM}@${LOCATION}`)
    expect(shopifyStock.reportedUnitKey({ ...ref!, locationId: null })).toBeUndefined()
  })
})

describe('shopify stock writes and reads', () => {
  it('sends the expected quantity as changeFromQuantity and reports what it set', async () => {
    const { client, api, levels } = setup()
    await expect(
      shopifyStock.write(client, unit, { quantity: 2, expected: 5, idempotencyKey: 'job-1' }),
    ).resolves.toEqual({ status: 'applied', quantity: 2 })
    expect(api.setCalls[0]!.quantities[0]!.changeFromQuantity).toBe(5)
    expect(levels.get(levelKey(ITEM, LOCATION))).toBe(2)
    await expect(shopifyStock.read(client, unit)).resolves.toBe(2)
  })

  it('a wrong expectation fails stale and leaves Shopify’s quantity', async () => {
    const { client, levels } = setup()
    const err = await failure(
      shopifyStock.write(client, unit, { quantity: 2, expected: 4, idempotencyKey: 'job-2' }),
    )
    expect([err.kind, err.details.code]).toEqual(['transient', 'stale'])
    expect(levels.get(levelKey(ITEM, LOCATION))).toBe(5)
  })

  it('sends null when the account opts out of compare-and-set', async () => {
    const { client, api, levels } = setup({ compareAndSet: false })
    await shopifyStock.write(client, unit, { quantity: 2, expected: 4, idempotencyKey: 'job-3' })
    expect(api.setCalls[0]!.quantities[0]!.changeFromQuantity).toBeNull()
    expect(levels.get(levelKey(ITEM, LOCATION))).toBe(2)
  })

  it('reads null for a unit Shopify does not stock', async () => {
    const { client } = setup()
    await expect(
      shopifyStock.read(client, { inventoryItemId: ITEM, locationId: '1' }),
    ).resolves.toBeNull()
  })
})
