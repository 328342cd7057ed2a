// De-risks stock per location (issue #15): on-hand kept per (SKU, location) while the SKU's ledger
// row stays its totals, so a SKU kept in `default` alone behaves exactly as before; an older level
// loses per location, not per SKU; an undeclared location is refused before anything changes; a
// listing limited to some locations is offered no more than they hold; reservations land where
// the order line says, else by the documented rule; rows from before locations migrate to
// `default`; and a channel-held (Amazon FBA) listing is never one the hub pushes. Real PostgreSQL.
import { sql } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import * as stockLocations from '../../src/db/migrations/2026-12-02T0930_stock-locations.js'
import type { HubEvent, OrderSnapshot } from '../../src/events/index.js'
import {
  isChannelHeld,
  listingAvailable,
  readLocationStock,
} from '../../src/inventory/locations.js'
import { applyStockReport } from '../../src/inventory/reports.js'
import { settleChangedSkus } from '../../src/inventory/settle-changes.js'
import { applyOrderSnapshot } from '../../src/orders/apply.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { outboxEvents, truncateAll } from '../helpers/pipeline.js'

const hub = useTestHub({
  locations: ['east', { name: 'west', channelIds: ['WH-7'] }],
})
beforeEach(() => truncateAll(hub.deps))

const json = (method: string, path: string, body?: unknown) =>
  hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })

interface InventoryView {
  onHand: number
  onHandAsOf: string | null
  reserved: number
  ats: number
  locations: Array<{ location: string; onHand: number; reserved: number }>
  channelHeld: { reported: number; listings: Array<{ quantity: number | null }> }
  listings: Array<{ id: string; channelHeld: boolean; locations: string[] | null }>
}

async function inventory(sku: string): Promise<InventoryView> {
  const res = await json('GET', `/v1/inventory/${sku}`)
  expect(res.status).toBe(200)
  return (await res.json()) as InventoryView
}

const level = (sku: string, body: Record<string, unknown>) =>
  json('PUT', `/v1/inventory/${sku}`, body)
const adjust = (body: Record<string, unknown>) => json('POST', '/v1/inventory/adjustments', body)
const changed = async () =>
  (await outboxEvents(hub.deps)).filter(
    (e): e is Extract<HubEvent, { type: 'inventory.changed.v1' }> =>
      e.type === 'inventory.changed.v1',
  )

describe('a SKU kept in default alone', () => {
  it('behaves as before: same totals, the one location shown, no breakdown in its events', async () => {
    expect((await level('ONE-1', { onHand: 10, asOf: '2026-11-01T10:00:00Z' })).status).toBe(200)
    expect((await adjust({ idempotencyKey: 'k1', sku: 'ONE-1', delta: -3 })).status).toBe(201)
    const view = await inventory('ONE-1')
    expect(view).toMatchObject({ onHand: 7, onHandAsOf: '2026-11-01T10:00:00.000Z', ats: 7 })
    expect(view.locations).toEqual([
      {
        location: 'default',
        onHand: 7,
        onHandAsOf: '2026-11-01T10:00:00.000Z',
        reserved: 0,
      },
    ])
    const events = await changed()
    expect(events.map((e) => e.data.onHand)).toEqual([10, 7])
    expect(events.every((e) => !('locations' in e.data))).toBe(true)
  })
})

describe('on-hand per location', () => {
  it("adds the locations' levels and adjustments up to the SKU's on-hand", async () => {
    await level('MULTI-1', { onHand: 10, asOf: '2026-11-01T10:00:00Z', location: 'east' })
    await level('MULTI-1', { onHand: 5, asOf: '2026-11-01T10:00:00Z' })
    await adjust({ idempotencyKey: 'w1', sku: 'MULTI-1', delta: 3, location: 'west' })
    await adjust({ idempotencyKey: 'e1', sku: 'MULTI-1', delta: -2, location: 'east' })
    const view = await inventory('MULTI-1')
    const byName = Object.fromEntries(view.locations.map((l) => [l.location, l.onHand]))
    expect(byName).toEqual({ default: 5, east: 8, west: 3 })
    expect(view.onHand).toBe(16)
    expect(view.ats).toBe(16)
    // west has had no count yet: shipped units cannot be settled against every location's count.
    expect(view.onHandAsOf).toBeNull()
    const last = (await changed()).at(-1)!
    expect(last.data.onHand).toBe(16)
    expect(last.data.locations?.map((l) => [l.location, l.onHand])).toEqual([
      ['default', 5],
      ['east', 8],
      ['west', 3],
    ])
  })

  it('lets an older level lose at its own location only', async () => {
    const put = (onHand: number, asOf: string, location?: string) =>
      level('AGE-1', { onHand, asOf, ...(location ? { location } : {}) })
    expect(await (await put(10, '2026-11-01T12:00:00Z', 'east')).json()).toMatchObject({
      applied: true,
    })
    expect(await (await put(99, '2026-11-01T11:00:00Z', 'east')).json()).toMatchObject({
      applied: false,
    })
    expect(await (await put(99, '2026-11-01T12:00:00Z', 'east')).json()).toMatchObject({
      applied: false,
    })
    // Older than east's count, but default has none: applied there.
    expect(await (await put(4, '2026-11-01T09:00:00Z')).json()).toMatchObject({ applied: true })
    expect(await (await put(3, '2026-11-01T08:00:00Z')).json()).toMatchObject({ applied: false })
    const view = await inventory('AGE-1')
    expect(view.onHand).toBe(14)
    // The SKU's settle time is its oldest location count.
    expect(view.onHandAsOf).toBe('2026-11-01T09:00:00.000Z')
  })

  it('refuses an undeclared location with a 400 naming the field, changing nothing', async () => {
    await level('BAD-1', { onHand: 6, asOf: '2026-11-01T10:00:00Z' })
    const before = await changed()
    const put = await level('BAD-1', { onHand: 1, asOf: '2026-11-02T10:00:00Z', location: 'mars' })
    expect(put.status).toBe(400)
    expect(((await put.json()) as { problems: string[] }).problems).toEqual([
      expect.stringMatching(/^body\.location: unknown location "mars"/),
    ])
    const post = await adjust({ idempotencyKey: 'm1', sku: 'BAD-1', delta: 5, location: 'mars' })
    expect(post.status).toBe(400)
    expect(await post.text()).toContain('body.location')
    const listing = await json('PUT', '/v1/listings', {
      listings: [{ sku: 'BAD-1', channel: 'walmart', account: 'demo', locations: ['mars'] }],
    })
    expect(listing.status).toBe(400)
    expect(await listing.text()).toContain('listings[0].locations[0]: unknown location \\"mars\\"')
    expect(await inventory('BAD-1')).toMatchObject({ onHand: 6, listings: [] })
    expect(await changed()).toEqual(before)
    const keys = await hub.deps.db
      .selectFrom('inventory_adjustment')
      .select('idempotency_key')
      .execute()
    expect(keys).toEqual([])
    // The same key, once the location is right, is new.
    expect(
      (await adjust({ idempotencyKey: 'm1', sku: 'BAD-1', delta: 5, location: 'east' })).status,
    ).toBe(201)
  })

  it('takes a recount per location in one request; a SKU whose total would leave the integer range is refused alone (422)', async () => {
    const asOf = '2026-11-01T10:00:00Z'
    const res = await json('PUT', '/v1/inventory', {
      levels: [
        { sku: 'BIG', onHand: 2_000_000_000, asOf, location: 'east' },
        { sku: 'BIG', onHand: 2_000_000_000, asOf, location: 'west' },
        { sku: 'OK', onHand: 5, asOf, location: 'east' },
        { sku: 'OK', onHand: 3, asOf, location: 'west' },
      ],
    })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({
      error: '1 of 4 levels were refused (see refused); the others were applied',
      levels: 4,
      applied: 3,
      unchanged: 0,
      refused: [
        {
          index: 1,
          sku: 'BIG',
          error: expect.stringMatching(/^sku BIG: the resulting stock would leave the range/),
        },
      ],
    })
    expect(await inventory('OK')).toMatchObject({ onHand: 8, ats: 8 })
    const big = await inventory('BIG')
    expect(big.onHand).toBe(2_000_000_000)
    expect(big.locations.map((l) => [l.location, l.onHand])).toEqual([['east', 2_000_000_000]])
  })

  it('refuses an adjustment key reused at another location (409)', async () => {
    await adjust({ idempotencyKey: 'same', sku: 'KEY-1', delta: 2, location: 'east' })
    const again = await adjust({ idempotencyKey: 'same', sku: 'KEY-1', delta: 2, location: 'west' })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('at location east')
    expect(
      (await adjust({ idempotencyKey: 'same', sku: 'KEY-1', delta: 2, location: 'east' })).status,
    ).toBe(200)
    expect((await inventory('KEY-1')).onHand).toBe(2)
  })
})

describe('listings that draw from some locations', () => {
  it('are offered min(ats, what their locations hold less the safety stock)', async () => {
    await level('SET-1', { onHand: 10, asOf: '2026-11-01T10:00:00Z', location: 'east' })
    await level('SET-1', {
      onHand: 5,
      asOf: '2026-11-01T10:00:00Z',
      location: 'west',
      safetyStock: 2,
    })
    const res = await json('PUT', '/v1/listings', {
      listings: [
        { sku: 'SET-1', channel: 'walmart', account: 'demo', locations: ['west'] },
        { sku: 'SET-1', channel: 'amazon', account: 'demo' },
      ],
    })
    expect(res.status).toBe(200)
    const view = await inventory('SET-1')
    expect(view.listings.map((l) => l.locations)).toEqual([['west'], null])
    const stock = (await readLocationStock(hub.deps.db, 'SET-1', hub.deps.accounts.locations))!
    expect(stock.ats).toBe(13)
    expect(listingAvailable(stock, ['west'])).toBe(3)
    expect(listingAvailable(stock, ['east'])).toBe(8)
    expect(listingAvailable(stock, ['east', 'west'])).toBe(13)
    expect(listingAvailable(stock, null)).toBe(13)
    expect(listingAvailable(stock, ['default'])).toBe(0)
  })
})

const money = { amountMinor: 0, currency: 'USD' }
function order(id: string, lines: Array<{ sku: string; quantity: number; location?: string }>) {
  const snapshot: OrderSnapshot = {
    externalId: id,
    number: null,
    status: 'awaiting_fulfillment',
    paymentStatus: 'paid',
    channelStatus: {},
    placedAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    currency: 'USD',
    totals: {
      subtotal: money,
      discount: money,
      shipping: money,
      tax: money,
      total: money,
      taxesIncluded: false,
    },
    lines: lines.map((l, i) => ({
      externalLineId: String(i + 1),
      sku: l.sku,
      title: 'thing',
      quantity: l.quantity,
      quantityFulfilled: 0,
      unitPrice: money,
      discount: money,
      total: money,
      ...(l.location ? { location: l.location } : {}),
    })),
    customerEmail: null,
    shippingAddress: null,
    cancelReason: null,
  }
  return hub.deps.db
    .transaction()
    .execute((trx) =>
      applyOrderSnapshot(
        trx,
        { channel: 'walmart', accountId: 'demo', externalId: id },
        snapshot,
        '0',
      ),
    )
}

describe('reservations per location', () => {
  it('land on the location the order line names, by name or channel id', async () => {
    await level('RES-1', { onHand: 10, asOf: '2026-11-01T10:00:00Z', location: 'east' })
    await level('RES-1', { onHand: 10, asOf: '2026-11-01T10:00:00Z', location: 'west' })
    await order('o-named', [
      { sku: 'RES-1', quantity: 2, location: 'east' },
      { sku: 'RES-1', quantity: 3, location: 'WH-7' },
    ])
    await settleChangedSkus(hub.deps)
    const view = await inventory('RES-1')
    expect(view.reserved).toBe(5)
    expect(view.locations.map((l) => [l.location, l.reserved])).toEqual([
      ['east', 2],
      ['west', 3],
    ])
  })

  it("else go where the most is available among the listing's locations, ties to the first name", async () => {
    await level('RULE-1', { onHand: 10, asOf: '2026-11-01T10:00:00Z', location: 'east' })
    await level('RULE-1', { onHand: 6, asOf: '2026-11-01T10:00:00Z', location: 'west' })
    await level('RULE-1', { onHand: 50, asOf: '2026-11-01T10:00:00Z' })
    // Walmart draws from east and west only, so default's 50 takes none of its orders.
    await json('PUT', '/v1/listings', {
      listings: [
        { sku: 'RULE-1', channel: 'walmart', account: 'demo', locations: ['east', 'west'] },
      ],
    })
    // east 10 free, west 6: the first 4 units level east with west; of the next 3, east (the
    // first name) takes 2 and west 1; the last order's unit goes to west, which then has more.
    await order('o-unnamed', [{ sku: 'RULE-1', quantity: 7 }])
    // A channel id no location declares is no location: the rule places it too.
    await order('o-unknown', [{ sku: 'RULE-1', quantity: 1, location: 'WH-unknown' }])
    await settleChangedSkus(hub.deps)
    const stock = (await readLocationStock(hub.deps.db, 'RULE-1', hub.deps.accounts.locations))!
    expect(stock.levels.map((l) => [l.location, l.reserved])).toEqual([
      ['default', 0],
      ['east', 6],
      ['west', 2],
    ])
    expect(listingAvailable(stock, ['east', 'west'])).toBe(8)
    expect((await inventory('RULE-1')).reserved).toBe(8)
  })
})

describe('channel-held stock (Amazon FBA)', () => {
  it('is never pushed, shown as the channel reports it, and never counted in on-hand', async () => {
    await level('FBA-1', { onHand: 4, asOf: '2026-11-01T10:00:00Z' })
    const fba = { sellerSku: 'FBA-1', fulfillmentChannelCode: 'AMAZON' }
    const refused = await json('PUT', '/v1/listings', {
      listings: [
        { sku: 'FBA-1', channel: 'amazon', account: 'demo', unit: fba, inventorySource: true },
      ],
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('listings[0].inventorySource')
    const res = await json('PUT', '/v1/listings', {
      listings: [
        { sku: 'FBA-1', channel: 'amazon', account: 'demo', unit: fba },
        { sku: 'FBA-1', channel: 'amazon', account: 'demo' },
      ],
    })
    expect(res.status).toBe(200)
    const listings = await hub.deps.db
      .selectFrom('listing')
      .selectAll()
      .where('sku', '=', 'FBA-1')
      .orderBy('id')
      .execute()
    expect(listings.map(isChannelHeld)).toEqual([true, false])
    expect(
      isChannelHeld({ channel: 'amazon', unit: { fulfillmentChannelCode: 'AMAZON_EU' } }),
    ).toBe(true)
    await hub.deps.db.transaction().execute((trx) =>
      applyStockReport(
        trx,
        { channel: 'amazon', accountId: 'demo' },
        {
          occurredAt: '2026-11-02T10:00:00.000Z',
          data: {
            listing: {
              sellerSku: 'FBA-1',
              productId: null,
              unitId: null,
              locationId: 'AMAZON',
              marketplaceId: null,
            },
            available: 30,
            onHand: 31,
            stockStatus: null,
            channelStatus: {},
          },
        },
        120_000,
      ),
    )
    const view = await inventory('FBA-1')
    expect(view.onHand).toBe(4)
    expect(view.channelHeld).toMatchObject({ reported: 30, listings: [{ quantity: 30 }] })
    expect(view.listings.map((l) => l.channelHeld)).toEqual([true, false])
  })
})

describe('migration 2026-12-02T0930_stock-locations', () => {
  it("moves every SKU's on-hand and as-of to default, and back", async () => {
    const db = hub.deps.db
    await stockLocations.down(db)
    try {
      await sql`
        insert into inventory_item (sku, on_hand, on_hand_as_of, reserved, ats)
        values ('OLD-1', 12, '2026-10-01T00:00:00Z', 2, 10), ('OLD-2', 0, null, 0, 0)`.execute(db)
      await sql`
        insert into inventory_adjustment (idempotency_key, sku, delta, reason, on_hand_after)
        values ('old-key', 'OLD-1', 12, null, 12)`.execute(db)
    } finally {
      await stockLocations.up(db)
    }
    const rows = await db
      .selectFrom('inventory_location_level')
      .select(['sku', 'location', 'on_hand', 'on_hand_as_of'])
      .orderBy('sku')
      .execute()
    expect(rows).toEqual([
      {
        sku: 'OLD-1',
        location: 'default',
        on_hand: 12,
        on_hand_as_of: new Date('2026-10-01T00:00:00Z'),
      },
      { sku: 'OLD-2', location: 'default', on_hand: 0, on_hand_as_of: null },
    ])
    // The migrated SKU goes on as before: an older level loses, the old key is a duplicate.
    const stale = await level('OLD-1', { onHand: 1, asOf: '2026-09-01T00:00:00Z' })
    expect(await stale.json()).toMatchObject({ applied: false })
    expect((await adjust({ idempotencyKey: 'old-key', sku: 'OLD-1', delta: 12 })).status).toBe(200)
    expect(await inventory('OLD-1')).toMatchObject({ onHand: 12, reserved: 2, ats: 10 })
  })
})
