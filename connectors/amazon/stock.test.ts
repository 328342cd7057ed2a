// De-risks Amazon's stock support against the Amazon emulator (src/sandbox/amazon/) through msw:
// the unit schema, the keys that match a listing to Amazon's own MFN quantity reports (as the
// normalizer reads the recorded fixture), the exact patch a write sends (merge of
// fulfillment_availability, the unit's channel code, product type and marketplaces), and what a
// read makes of getListingsItem's answers.
import { describe, expect, it } from 'vitest'
import { normalizers, parseJsonBody } from '../../normalizers/index.js'
import type { ListingRef } from '../../src/events/index.js'
import {
  createAmazonEmulator,
  DEFAULT_FEED_TIMINGS,
  listOffer,
  QUOTA_EXCEEDED,
  spApiError,
} from '../../src/sandbox/amazon/index.js'
import type { BulkStockItem } from '../types.js'
import {
  clientContext,
  failure,
  testClock,
  watchingClock,
} from '../../test/helpers/channel-client.js'
import { useEmulatorOverMsw } from '../../test/helpers/emulator-msw.js'
import {
  BASE,
  CA,
  FAST,
  LWA,
  LWA_BASE,
  SELLER,
  TEST_SELLER,
  US,
} from '../../test/helpers/amazon-seller.js'
import { loadFixture } from '../../test/helpers/fixtures.js'
import { createAmazonClient } from './client.js'
import { AmazonCredentials } from './config.js'
import { amazonStock, type AmazonUnit } from './stock.js'
import { FEED_POLL, MAX_FEED_MESSAGES } from './feeds.js'

const clock = testClock(new Date('2026-11-22T12:00:00Z'))

const emulator = useEmulatorOverMsw(
  createAmazonEmulator({
    seller: TEST_SELLER,
  }),
  { bases: [BASE, LWA_BASE], now: clock.now },
)

const credentials = AmazonCredentials.parse({
  staticHeader: { values: [{ apiKey: 'k' }] },
  sellerId: SELLER,
  marketplaceIds: [US, CA],
  lwa: LWA,
  apiBaseUrl: BASE,
  lwaTokenUrl: `${LWA_BASE}/auth/o2/token`,
  rateLimits: { patchListingsItem: FAST },
})

const setup = () => ({ client: createAmazonClient(credentials, clientContext(clock)) })
const listingRequests = (method: 'GET' | 'PATCH') =>
  emulator.state.requests.filter((r) => r.method === method && r.path.startsWith('/listings/'))
/** Each PATCH as sent: the SKU (decoded), its one marketplace, and its body. */
const patches = () =>
  listingRequests('PATCH').map((r) => ({
    sku: decodeURIComponent(r.path.split('/').at(-1) ?? ''),
    marketplaceIds: new URLSearchParams(r.rawQuery).getAll('marketplaceIds'),
    body: JSON.parse(r.body) as unknown,
  }))

const push = (quantity: number) => ({ quantity, expected: 3, idempotencyKey: 'push-1' })

/** The listing the normalizer reports for a recorded notification. */
function reportedListing(fixture: string): ListingRef {
  const recorded = loadFixture('amazon', fixture)
  const result = normalizers.amazon.normalize({
    channel: 'amazon',
    accountId: 'a',
    topic: recorded.topic,
    dedupeKey: 'd',
    receivedAt: new Date('2026-11-22T12:00:00Z'),
    body: parseJsonBody(recorded.body),
  })
  if (result.kind !== 'observations') throw new Error(JSON.stringify(result))
  const [first] = result.observations
  if (first?.kind !== 'inventory-level') throw new Error('expected an inventory level')
  return first.data.listing
}
describe('unit', () => {
  it('defaults the channel code to DEFAULT and refuses what it does not know', () => {
    expect(amazonStock.unit.parse({ sellerSku: 'TEE' })).toEqual({
      sellerSku: 'TEE',
      fulfillmentChannelCode: 'DEFAULT',
    })
    expect(amazonStock.unit.safeParse({ sellerSku: '' }).success).toBe(false)
    expect(amazonStock.unit.safeParse({ sellerSku: 'TEE', marketplaceIds: [] }).success).toBe(false)
    expect(amazonStock.unit.safeParse({ sellerSku: 'TEE', marketplaceId: US }).success).toBe(false)
    expect(amazonStock.unit.safeParse({ sku: 'TEE' }).success).toBe(false)
  })

  it('names the merchant-fulfilled offer of a SKU by default', () => {
    const unit = amazonStock.defaultUnit('TEE', credentials)
    expect(unit).toEqual({ sellerSku: 'TEE', fulfillmentChannelCode: 'DEFAULT' })
    expect(amazonStock.unit.parse(unit)).toEqual(unit)
    expect(amazonStock.channelSku(unit!)).toBe('TEE')
    expect(amazonStock.unitKey(unit!)).toBe('TEE@DEFAULT')
  })

  it('matches an MFN quantity report to the listing of its SKU, whatever its marketplaces', () => {
    const listing = reportedListing('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-bare')
    const unit = amazonStock.unit.parse({ sellerSku: 'TSHIRT-BLK-M', marketplaceIds: [CA] })
    expect(amazonStock.reportedUnitKey(listing)).toBe(amazonStock.unitKey(unit))
  })

  it('does not match an FBA report to the merchant-fulfilled listing', () => {
    const listing = reportedListing('FBA_INVENTORY_AVAILABILITY_CHANGES/two-marketplaces-bare')
    const sku = listing.sellerSku!
    expect(amazonStock.reportedUnitKey(listing)).not.toBe(
      amazonStock.unitKey(amazonStock.defaultUnit(sku, credentials)!),
    )
  })

  it('has no key for a report without a seller SKU', () => {
    const ref: ListingRef = {
      sellerSku: null,
      productId: 'B0X',
      unitId: null,
      locationId: null,
      marketplaceId: US,
    }
    expect(amazonStock.reportedUnitKey(ref)).toBeUndefined()
  })
})

describe('write', () => {
  it('merges the quantity at the unit’s channel code in every marketplace of the account', async () => {
    const { client } = setup()
    const unit = amazonStock.unit.parse({ sellerSku: 'TEE BLK/M' })
    expect(await amazonStock.write(client, unit, push(17))).toEqual({
      status: 'queued',
      quantity: 17,
    })
    expect(patches().map((p) => [p.sku, p.marketplaceIds])).toEqual([
      ['TEE BLK/M', [US]],
      ['TEE BLK/M', [CA]],
    ])
    expect(patches()[0]?.body).toEqual({
      productType: 'PRODUCT',
      patches: [
        {
          op: 'merge',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 17 }],
        },
      ],
    })
    expect(emulator.state.stock.get('TEE BLK/M')).toBe(17)
  })

  it('sends the unit’s own marketplaces, channel code and product type', async () => {
    const { client } = setup()
    const unit = amazonStock.unit.parse({
      sellerSku: 'TEE',
      fulfillmentChannelCode: 'DEFAULT_2',
      marketplaceIds: [CA],
      productType: 'SHIRT',
    })
    await amazonStock.write(client, unit, push(0))
    expect(patches()).toHaveLength(1)
    expect(patches()[0]).toMatchObject({
      marketplaceIds: [CA],
      body: {
        productType: 'SHIRT',
        patches: [{ value: [{ fulfillment_channel_code: 'DEFAULT_2', quantity: 0 }] }],
      },
    })
    // The emulator lists the SKU at that code, apart from the merchant-fulfilled stock.
    expect(await amazonStock.read(client, unit)).toBe(0)
    expect(emulator.state.stock.has('TEE')).toBe(false)
  })

  it('fails when Amazon refuses the submission (INVALID for an Amazon-fulfilled code)', async () => {
    const { client } = setup()
    const fba = amazonStock.unit.parse({ sellerSku: 'T', fulfillmentChannelCode: 'AMAZON_NA' })
    const err = await failure(amazonStock.write(client, fba, push(1)))
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 200 } })
    expect(err.message).toContain('INVALID')
  })
})

describe('read', () => {
  /** TEE: 9 merchant-fulfilled, 40 Amazon-fulfilled; NO-QTY: Amazon-fulfilled without a quantity. */
  function listings() {
    emulator.state.stock.set('TEE', 9)
    listOffer(emulator.state, 'TEE', 'AMAZON_NA', 40)
    listOffer(emulator.state, 'NO-QTY', 'AMAZON_NA')
  }

  it('reads the unit’s channel code in its first marketplace (else the account’s first)', async () => {
    const { client } = setup()
    listings()
    expect(await amazonStock.read(client, amazonStock.unit.parse({ sellerSku: 'TEE' }))).toBe(9)
    const fba = amazonStock.unit.parse({
      sellerSku: 'TEE',
      fulfillmentChannelCode: 'AMAZON_NA',
      marketplaceIds: [CA, US],
    })
    expect(await amazonStock.read(client, fba)).toBe(40)
    const reads = listingRequests('GET')
    expect(reads.map((c) => new URLSearchParams(c.rawQuery).get('marketplaceIds'))).toEqual([
      US,
      CA,
    ])
  })

  it('is null for a channel code not listed, one listed without a quantity, and an unknown SKU', async () => {
    const { client } = setup()
    listings()
    const read = (unit: object) => amazonStock.read(client, amazonStock.unit.parse(unit))
    expect(await read({ sellerSku: 'TEE', fulfillmentChannelCode: 'AMAZON_EU' })).toBeNull()
    expect(await read({ sellerSku: 'NO-QTY', fulfillmentChannelCode: 'AMAZON_NA' })).toBeNull()
    expect(await read({ sellerSku: 'UNKNOWN' })).toBeNull()
    expect(emulator.state.stats.rejected).toBe(1) // UNKNOWN: 404 NOT_FOUND
  })

  it('fails on any other refusal', async () => {
    const { client } = setup()
    listings()
    // A 404 that is not about the listing, as a wrong base URL would get.
    emulator.state.faults.add({
      method: 'GET',
      path: '/listings/',
      answer: () => spApiError(404, [{ code: 'ResourceNotFound', message: 'no such path' }]),
    })
    const err = await failure(
      amazonStock.read(client, amazonStock.unit.parse({ sellerSku: 'TEE' })),
    )
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 404 } })
  })
})

describe('bulk (JSON_LISTINGS_FEED)', () => {
  const bulk = amazonStock.bulk!
  const item = (sku: string, quantity: number, unit: Partial<AmazonUnit> = {}) =>
    ({
      key: `k-${sku}`,
      unit: amazonStock.unit.parse({ sellerSku: sku, marketplaceIds: [US], ...unit }),
      write: push(quantity),
    }) satisfies BulkStockItem<AmazonUnit>
  /** The test clock, noting the feed's stock of `sku` each time the client waits to poll again. */
  const watching = (sku: string) => {
    const watched = watchingClock(clock, () => emulator.state.stock.get(sku))
    return {
      seen: watched.seen,
      client: createAmazonClient(feedCredentials, clientContext(watched.clock)),
    }
  }
  const feedCredentials = AmazonCredentials.parse({
    ...credentials,
    rateLimits: {
      createFeed: FAST,
      createFeedDocument: FAST,
      getFeed: FAST,
      getFeedDocument: FAST,
    },
  })
  const feedCalls = () =>
    emulator.state.requests
      .filter((r) => r.path.startsWith('/feeds/') || r.path.startsWith('/feed-documents/'))
      .map((r) => `${r.method} ${r.path.replace(/\/[^/]*\d[^/]*$/, '/{id}')}`)

  it('sends one feed, polls it on the client’s clock, and applies only once it is processed', async () => {
    for (const sku of ['A', 'B', 'C']) emulator.state.stock.set(sku, 1)
    const { seen, client } = watching('A')
    const results = await bulk.writeMany(client, [item('A', 10), item('B', 20), item('C', 0)])
    expect(results).toEqual([
      { key: 'k-A', ok: true, status: 'applied', quantity: 10 },
      { key: 'k-B', ok: true, status: 'applied', quantity: 20 },
      { key: 'k-C', ok: true, status: 'applied', quantity: 0 },
    ])
    // Queued and in progress at the first polls: nothing applied until Amazon processed it.
    const polls = Math.ceil(
      (DEFAULT_FEED_TIMINGS.queuedMs + DEFAULT_FEED_TIMINGS.processingMs) / FEED_POLL.intervalMs,
    )
    expect(seen).toEqual(Array.from({ length: polls }, () => 1))
    expect([...emulator.state.stock]).toEqual([
      ['A', 10],
      ['B', 20],
      ['C', 0],
    ])
    expect(feedCalls()[0]).toBe('POST /feeds/2021-06-30/documents')
    expect(feedCalls()).toContain('PUT /feed-documents/{id}')
    expect(feedCalls()).toContain('POST /feeds/2021-06-30/feeds')
    expect(feedCalls().slice(-2)).toEqual([
      'GET /feeds/2021-06-30/documents/{id}',
      'GET /feed-documents/{id}',
    ])
    expect(emulator.state.requests.filter((r) => r.method === 'PATCH')).toEqual([])
  })

  it('sends the merge patch of each unit as a message of the feed', async () => {
    emulator.state.stock.set('TEE', 4)
    const { client } = watching('TEE')
    await bulk.writeMany(client, [item('TEE', 7, { productType: 'SHIRT' })])
    const upload = emulator.state.requests.find((r) => r.method === 'PUT')!
    expect(JSON.parse(upload.body)).toEqual({
      header: { sellerId: SELLER, version: '2.0' },
      messages: [
        {
          messageId: 1,
          sku: 'TEE',
          operationType: 'PATCH',
          productType: 'SHIRT',
          patches: [
            {
              op: 'merge',
              path: '/attributes/fulfillment_availability',
              value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 7 }],
            },
          ],
        },
      ],
    })
  })

  it('maps the report’s ERROR issues to their items, and applies the others', async () => {
    emulator.state.stock.set('A', 1).set('C', 1)
    listOffer(emulator.state, 'F', 'AMAZON_NA', 5)
    const { client } = watching('A')
    const results = await bulk.writeMany(client, [
      item('A', 3),
      item('UNKNOWN', 4),
      item('F', 9, { fulfillmentChannelCode: 'AMAZON_NA' }),
      item('C', 2),
    ])
    expect(results.filter((r) => r.ok).map((r) => r.key)).toEqual(['k-A', 'k-C'])
    const failed = results.filter((r) => !r.ok)
    expect(failed.map((r) => [r.key, r.error.kind])).toEqual([
      ['k-UNKNOWN', 'permanent'],
      ['k-F', 'permanent'],
    ])
    expect(failed[0]!.error.message).toMatch(/SKU 'UNKNOWN' not found/)
    expect(failed[1]!.error.message).toMatch(/AMAZON_NA: Amazon sets the quantity/)
    expect(emulator.state.stock.get('A')).toBe(3)
    expect(emulator.state.stock.get('C')).toBe(2)
    expect(emulator.state.stock.has('UNKNOWN')).toBe(false)
  })

  it('sends a unit’s write in each of its marketplaces; ok only where all accepted it', async () => {
    emulator.state.stock.set('A', 1)
    const { client } = watching('A')
    const results = await bulk.writeMany(client, [item('A', 6, { marketplaceIds: [US, CA] })])
    expect(results).toEqual([{ key: 'k-A', ok: true, status: 'applied', quantity: 6 }])
    const created = emulator.state.requests.filter(
      (r) => r.method === 'POST' && r.path === '/feeds/2021-06-30/feeds',
    )
    expect(
      created.map((r) => (JSON.parse(r.body) as { marketplaceIds: string[] }).marketplaceIds),
    ).toEqual([[US], [CA]])
  })

  it('refuses a batch above the feed’s message limit without sending anything', async () => {
    const { client } = watching('A')
    const many = Array.from({ length: MAX_FEED_MESSAGES + 1 }, (_, i) => item(`S${i}`, 1))
    const err = await failure(bulk.writeMany(client, many))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/at most 10000 per feed/)
    expect(emulator.state.requests).toEqual([])
  })

  it('surfaces a FATAL feed as a permanent error, with nothing applied', async () => {
    emulator.state.stock.set('A', 1)
    const other = AmazonCredentials.parse({ ...feedCredentials, sellerId: 'ANOTHERSELLER' })
    const client = createAmazonClient(other, clientContext(clock))
    const err = await failure(bulk.writeMany(client, [item('A', 5)]))
    expect(err.kind).toBe('permanent')
    expect(err.message).toMatch(/FATAL.*header\.sellerId is not this seller/)
    expect(emulator.state.stock.get('A')).toBe(1)
  })

  it('throws a 429 on createFeed as rate-limited', async () => {
    emulator.state.faults.add({
      method: 'POST',
      path: '/feeds/2021-06-30/feeds',
      answer: () => spApiError(429, [QUOTA_EXCEEDED], { 'x-amzn-RateLimit-Limit': '0.0083' }),
    })
    const { client } = watching('A')
    const err = await failure(bulk.writeMany(client, [item('A', 5)]))
    expect(err.kind).toBe('rate-limited')
    expect(err.details.retryAfterMs).toBe(Math.ceil(1000 / 0.0083))
  })

  it('paces createFeed by its usage plan: a sixth feed at once is refused locally', async () => {
    emulator.state.stock.set('A', 1)
    const client = createAmazonClient(credentials, clientContext(clock))
    for (let i = 0; i < 5; i++) await bulk.writeMany(client, [item('A', i)])
    const err = await failure(bulk.writeMany(client, [item('A', 9)]))
    expect(err.kind).toBe('rate-limited')
    expect(err.message).toMatch(/local rate limit/)
  })
})
