// De-risks Walmart's stock support: which units a listing may name and how they are keyed (so
// listings, order lines and channel reports meet), and that writes and reads go through the real
// client to the Walmart emulator (src/sandbox/walmart/, through msw), a SKU Walmart does not list
// reading as null while every other failure stays an error.
import { describe, expect, it } from 'vitest'
import { walmartErrorEntry } from '../../src/sandbox/walmart/admission.js'
import { walmartEmulator } from '../../src/sandbox/walmart/index.js'
import { OTHER_SHIP_NODE, SHIP_NODE } from '../../src/sandbox/walmart/seller.js'
import { clientContext, failure, testClock } from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import type { ListingRef } from '../../src/events/index.js'
import { createWalmartClient } from './client.js'
import { WalmartCredentials } from './config.js'
import { walmart } from './index.js'
import { walmartStock } from './stock.js'

const BASE = 'https://marketplace.walmart.test'
const clock = testClock(new Date('2026-11-22T12:00:00Z'))
const emulator = useEmulatorOverMsw(walmartEmulator, { bases: [BASE], now: clock.now })
const { clientId, clientSecret } = walmart.sandboxCredentials(BASE)
const credentials = WalmartCredentials.parse({
  webhookAuth: [{ method: 'BASIC_AUTH', users: [{ userName: 'u', password: 'p' }] }],
  clientId,
  clientSecret,
  apiBaseUrl: BASE,
  rateLimitPerSecond: 1_000,
})

const client = () => createWalmartClient(credentials, clientContext(clock))

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

/** A Walmart error answer in the gateway's shape, for faults. */
const walmartError = (status: number, code: string, headers?: Record<string, string>) =>
  Response.json({ error: [walmartErrorEntry({ code })] }, { status, headers })

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
    emulator.state.stock.set('TEE BLK/M', 20)
    const result = await walmartStock.write(client(), { sku: 'TEE BLK/M' }, write(17, 20))
    expect(result).toEqual({ status: 'applied', quantity: 17 })
    const puts = emulator.state.requests.filter((r) => r.method === 'PUT')
    expect(puts.map((r) => [r.path, r.rawQuery])).toEqual([['/v3/inventory', 'sku=TEE%20BLK%2FM']])
    // Neither `expected` nor the idempotency key: Walmart documents neither.
    expect(JSON.parse(puts[0]!.body)).toEqual({
      sku: 'TEE BLK/M',
      quantity: { unit: 'EACH', amount: 17 },
    })
    expect(emulator.state.stock.get('TEE BLK/M')).toBe(17)
  })

  it('names the ship node when the unit has one', async () => {
    emulator.state.stock.set('TEE', 4)
    await walmartStock.write(client(), { sku: 'TEE', shipNode: OTHER_SHIP_NODE.id }, write(0))
    expect(emulator.state.requests.at(-1)?.rawQuery).toBe(`sku=TEE&shipNode=${OTHER_SHIP_NODE.id}`)
    // The other node was written, not the default one.
    expect(emulator.state.stock.get('TEE')).toBe(4)
    const api = client()
    expect(await walmartStock.read(api, { sku: 'TEE', shipNode: OTHER_SHIP_NODE.id })).toBe(0)
  })

  it('lets a refusal through as the client classified it', async () => {
    emulator.state.faults.add({
      method: 'PUT',
      path: '/v3/inventory',
      answer: () =>
        walmartError(429, 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API', { 'retry-after': '3' }),
    })
    const err = await failure(walmartStock.write(client(), { sku: 'TEE' }, write(1)))
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(3_000)
    expect(emulator.state.stock.has('TEE')).toBe(false)
  })
})

describe('read', () => {
  it('returns the quantity Walmart holds at the unit’s node', async () => {
    const api = client()
    emulator.state.stock.set('TEE', 5)
    await api.setStock({ sku: 'TEE', shipNode: OTHER_SHIP_NODE.id, quantity: 2 })
    expect(await walmartStock.read(api, { sku: 'TEE' })).toBe(5)
    expect(await walmartStock.read(api, { sku: 'TEE', shipNode: SHIP_NODE.id })).toBe(5)
    expect(await walmartStock.read(api, { sku: 'TEE', shipNode: OTHER_SHIP_NODE.id })).toBe(2)
  })

  it('reads a SKU Walmart does not list as null', async () => {
    expect(await walmartStock.read(client(), { sku: 'UNLISTED' })).toBeNull()
  })

  it.each([
    ['a 404 for a wrong path', 404, 'URI_NOT_FOUND.GMP_GATEWAY_API', 'permanent'],
    ['a server error', 500, 'SYSTEM_ERROR.GMP_INVENTORY_API', 'transient'],
  ] as const)('lets %s through', async (_, status, code, kind) => {
    emulator.state.stock.set('TEE', 5)
    emulator.state.faults.add({
      method: 'GET',
      path: '/v3/inventory',
      answer: () => walmartError(status, code),
    })
    const err = await failure(walmartStock.read(client(), { sku: 'TEE' }))
    expect(err.kind).toBe(kind)
    expect(err.details.code).toBe(code)
  })

  it('lets a wrong base URL through: the emulator serves no API there (URI_NOT_FOUND)', async () => {
    const api = createWalmartClient(
      { ...credentials, apiBaseUrl: `${BASE}/nowhere` },
      clientContext(clock),
    )
    const err = await failure(walmartStock.read(api, { sku: 'TEE' }))
    expect(err).toMatchObject({
      kind: 'permanent',
      details: { status: 404, code: 'URI_NOT_FOUND.GMP_GATEWAY_API' },
    })
  })
})
