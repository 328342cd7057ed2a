// De-risks Amazon's stock support against the Amazon emulator (src/sandbox/amazon/) through msw:
// the unit schema, the keys that match a listing to Amazon's own MFN quantity reports (as the
// normalizer reads the recorded fixture), the exact patch a write sends (merge of
// fulfillment_availability, the unit's channel code, product type and marketplaces), and what a
// read makes of getListingsItem's answers.
import { describe, expect, it } from 'vitest'
import { normalizers, parseJsonBody } from '../../normalizers/index.js'
import type { ListingRef } from '../../src/events/index.js'
import { createAmazonEmulator, listOffer, spApiError } from '../../src/sandbox/amazon/index.js'
import { clientContext, failure, testClock } from '../../test/helpers/channel-client.js'
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
import { amazonStock } from './stock.js'

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
