// De-risks Walmart's stock support: which units a listing may name and how they are keyed (so
// listings, order lines and channel reports meet), and that writes and reads go through the real
// client to the Walmart emulator (src/sandbox/walmart/, through msw), a SKU Walmart does not list
// reading as null while every other failure stays an error.
import { describe, expect, it } from 'vitest'
import { walmartErrorEntry } from '../../src/sandbox/walmart/admission.js'
import { walmartEmulator } from '../../src/sandbox/walmart/index.js'
import { OTHER_SHIP_NODE, SHIP_NODE } from '../../src/sandbox/walmart/seller.js'
import {
  clientContext,
  failure,
  testClock,
  watchingClock,
} from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import type { ListingRef } from '../../src/events/index.js'
import { createWalmartClient } from './client.js'
import { WalmartCredentials } from './config.js'
import { walmart } from './index.js'
import { walmartStock, type WalmartUnit } from './stock.js'
import { FEED_POLL, FEEDS_PER_HOUR } from './feeds.js'
import { DEFAULT_FEED_TIMINGS } from '../../src/sandbox/walmart/feeds.js'
import type { BulkStockItem } from '../types.js'

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

describe('bulk (inventory feed)', () => {
  const bulk = walmartStock.bulk!
  const item = (sku: string, quantity: number, unit: Partial<WalmartUnit> = {}) =>
    ({
      key: `k-${sku}`,
      unit: { sku, ...unit },
      write: write(quantity),
    }) satisfies BulkStockItem<WalmartUnit>
  /** A client on the test clock, noting the default node's level of `sku` at each wait. */
  const watching = (sku: string) => {
    const watched = watchingClock(clock, () => emulator.state.stock.get(sku))
    return {
      seen: watched.seen,
      client: createWalmartClient(credentials, clientContext(watched.clock)),
    }
  }
  const feedPosts = () =>
    emulator.state.requests.filter((r) => r.method === 'POST' && r.path === '/v3/feeds')

  it('submits one feed and applies it only once Walmart has processed it', async () => {
    emulator.state.stock.set('A', 1).set('B', 1)
    const { seen, client } = watching('A')
    const results = await bulk.writeMany(client, [item('A', 10), item('B', 0)])
    expect(results).toEqual([
      { key: 'k-A', ok: true, status: 'applied', quantity: 10 },
      { key: 'k-B', ok: true, status: 'applied', quantity: 0 },
    ])
    // RECEIVED at the first read; applied only after processing.
    expect(seen[0]).toBe(1)
    expect(FEED_POLL.intervalMs).toBeGreaterThanOrEqual(
      DEFAULT_FEED_TIMINGS.receivedMs + DEFAULT_FEED_TIMINGS.processingMs,
    )
    expect([...emulator.state.stock]).toEqual([
      ['A', 10],
      ['B', 0],
    ])
    const [post] = feedPosts()
    expect(post?.rawQuery).toBe('feedType=inventory')
    expect(post?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    const file = post!.body.slice(post!.body.indexOf('{'), post!.body.lastIndexOf('}') + 1)
    expect(JSON.parse(file)).toEqual({
      InventoryHeader: { version: '1.4' },
      Inventory: [
        { sku: 'A', quantity: { unit: 'EACH', amount: 10 } },
        { sku: 'B', quantity: { unit: 'EACH', amount: 0 } },
      ],
    })
    expect(emulator.state.requests.filter((r) => r.method === 'PUT')).toEqual([])
  })

  it('maps DATA_ERROR items to their items and applies the others', async () => {
    emulator.state.stock.set('A', 1).set('C', 1)
    const { client } = watching('A')
    const results = await bulk.writeMany(client, [item('A', 3), item('NOPE', 4), item('C', 2)])
    expect(results.filter((r) => r.ok).map((r) => r.key)).toEqual(['k-A', 'k-C'])
    const [failed] = results.filter((r) => !r.ok)
    expect(failed?.key).toBe('k-NOPE')
    expect(failed?.error.kind).toBe('permanent')
    expect(failed?.error.message).toMatch(/DATA_ERROR.*SKU NOPE is not set up/)
    expect(emulator.state.stock.get('A')).toBe(3)
    expect(emulator.state.stock.get('C')).toBe(2)
  })

  it('sends one feed per ship node', async () => {
    emulator.state.stock.set('A', 1)
    await walmartStock.write(client(), { sku: 'A', shipNode: OTHER_SHIP_NODE.id }, write(1))
    const { client: api } = watching('A')
    const results = await bulk.writeMany(api, [
      item('A', 5),
      { ...item('A', 6, { shipNode: OTHER_SHIP_NODE.id }), key: 'other' },
    ])
    expect(results.every((r) => r.ok)).toBe(true)
    expect(feedPosts()).toHaveLength(2)
    expect(emulator.state.stock.get('A')).toBe(5)
    expect(await walmartStock.read(api, { sku: 'A', shipNode: OTHER_SHIP_NODE.id })).toBe(6)
  })

  it('keeps to ten feeds an hour: the eleventh is not sent, and says when one may be', async () => {
    emulator.state.stock.set('A', 1)
    const api = client() // polls on the test clock: each feed moves it on by one interval
    const started = clock.now().getTime()
    for (let i = 0; i < FEEDS_PER_HOUR; i++) await bulk.writeMany(api, [item('A', i)])
    const err = await failure(bulk.writeMany(api, [item('A', 99)]))
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(started + 3_600_000 - clock.now().getTime())
    expect(feedPosts()).toHaveLength(FEEDS_PER_HOUR)
    expect(emulator.state.stock.get('A')).toBe(FEEDS_PER_HOUR - 1)
  })

  it('the emulator answers an eleventh feed within the hour 429 with Retry-After', async () => {
    emulator.state.stock.set('A', 1)
    const started = clock.now().getTime()
    for (let i = 0; i < FEEDS_PER_HOUR; i++) await bulk.writeMany(client(), [item('A', i)])
    const err = await failure(bulk.writeMany(client(), [item('A', 99)])) // a fresh client: no local count
    expect(err.kind).toBe('rate-limited')
    expect(err.message).toMatch(/REQUEST_THRESHOLD_VIOLATED/)
    expect(err.details.retryAfterMs).toBe(started + 3_600_000 - clock.now().getTime())
  })

  it('throws a 429 on the feed submission as rate-limited', async () => {
    emulator.state.faults.add({
      method: 'POST',
      path: '/v3/feeds',
      answer: () =>
        walmartError(429, 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API', { 'retry-after': '60' }),
    })
    const err = await failure(bulk.writeMany(client(), [item('A', 1)]))
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(60_000)
  })

  it('surfaces a feed in ERROR as a permanent error, with nothing applied', async () => {
    emulator.state.stock.set('A', 1)
    // The status the emulator gives a file it cannot read (feeds.ts), in Walmart's documented form.
    emulator.state.faults.add({
      method: 'GET',
      path: /^\/v3\/feeds\//,
      answer: () =>
        Response.json({
          feedId: 'F@A',
          feedStatus: 'ERROR',
          ingestionErrors: {
            ingestionError: [
              {
                type: 'DATA_ERROR',
                code: 'ERR_EXT_DATA_05XXXXXXX',
                field: '',
                description: 'Not a valid file extension.',
              },
            ],
          },
        }),
    })
    const err = await failure(bulk.writeMany(client(), [item('A', 5)]))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/ERROR.*ERR_EXT_DATA_05XXXXXXX.*Not a valid file extension/)
    expect(err.details.code).toBe('ERR_EXT_DATA_05XXXXXXX')
  })

  it('refuses a file above 5 MB before sending it', async () => {
    const long = 'S'.repeat(200)
    const many = Array.from({ length: 25_000 }, (_, i) => item(`${long}${i}`, 1))
    const err = await failure(bulk.writeMany(client(), many))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/above 5 MB/)
    expect(feedPosts()).toEqual([])
  })

  it('takes a chunk of maxItems of the longest SKUs within 5 MB', () => {
    const line = JSON.stringify({
      sku: '\u{1F600}'.repeat(50),
      quantity: { unit: 'EACH', amount: 999_999_999 },
      shipNode: 'N'.repeat(20),
    })
    expect((Buffer.byteLength(line) + 1) * bulk.maxItems).toBeLessThan(5_000_000)
  })
})
