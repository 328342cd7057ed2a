// Lineage (issue #18): "what happened to order 1234?" and "why is TEE-1 at 7 on Walmart?" must
// be answered from what the hub really did. The risks: a step of a real order's path (webhook,
// normalization, event, delivery, reservation, push) missing from its history or out of order;
// ids that resolve nowhere at their links; an explanation whose numbers are not those the push
// used (its quantity must equal what was last pushed once things settle); an unbounded read; bad
// input answered with anything but a 400 naming the field.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import type { HistoryEntry, ListingExplanation } from '../../src/lineage/index.js'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import { useEmulator } from '../helpers/emulated-channel.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, adminJson, useTestHub } from '../helpers/hub.js'
import { useReceiver } from '../helpers/receiver.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const emulator = useEmulator()
const hub = useTestHub({
  accounts: () => sandboxAccounts(emulator.url),
  workers: true,
  listen: true,
  env: { STOCK_ORDER_CLOCK_SKEW_MS: '0' },
})
const receiver = useReceiver()
beforeAll(async () => {
  // Shopify posts inventory_levels/update for the hub's own writes: the echoes the history shows.
  emulator.state('shopify').hubUrl = hub.url
  await subscribe(hub.app, receiver.url, ['order.*'])
})

const WAIT = { timeout: 30_000, interval: 100 }
const admin = (method: string, path: string, body?: unknown) =>
  adminJson(hub.app)(method, path, body)

interface OrderHistoryBody {
  order: { id: string; status: string }
  entries: HistoryEntry[]
  truncated: boolean
}
interface SkuHistoryBody {
  listings: ListingExplanation[]
  entries: HistoryEntry[]
  truncated: boolean
  next: string | null
}

/** The recorded Shopify orders/create, as another order of `sku` (ids replaced, nothing else). */
function shopifyOrder(orderId: string, sku: string, topic = 'orders/create', cancelledAt?: string) {
  const fx = loadFixture('shopify', 'orders-create/basic')
  const body = JSON.parse(fx.body) as Record<string, unknown> & {
    line_items: Array<Record<string, unknown>>
  }
  body.id = Number(orderId)
  body.line_items = body.line_items.map((l) => ({ ...l, sku }))
  if (cancelledAt) {
    body.cancelled_at = cancelledAt
    body.updated_at = cancelledAt
    body.cancel_reason = 'customer'
  }
  const webhook = withBody(fx, JSON.stringify(body), `${orderId}-${topic}`)
  return { ...webhook, headers: { ...webhook.headers, 'x-shopify-topic': topic } }
}

/** Listings of `sku` on the emulated Walmart (buffer 2) and Shopify, both offered all of it. */
async function listSku(sku: string) {
  const listing = (channel: 'walmart' | 'shopify', policy: Record<string, unknown>) => ({
    sku,
    channel,
    account: 'demo',
    unit: emulatedChannels[channel].listingUnit(sku),
    policy: { allocation: 'shared', ...policy },
  })
  const put = await admin('PUT', '/v1/listings', {
    listings: [listing('walmart', { buffer: 2 }), listing('shopify', {})],
  })
  expect(put.status).toBe(200)
}

const offered = (channel: 'walmart' | 'shopify', sku: string) =>
  emulator.state(channel).stock.get(sku)

async function orderHistoryOf(orderId: string): Promise<OrderHistoryBody> {
  const res = await admin('GET', `/v1/admin/orders/shopify/demo/${orderId}/history`)
  expect(res.status).toBe(200)
  return res.body as unknown as OrderHistoryBody
}

function expectTimeOrder(entries: readonly HistoryEntry[]) {
  const times = entries.map((e) => e.at)
  expect(times).toEqual([...times].sort())
}

describe('an order history', () => {
  it(
    'lists a real order from webhook to stock push, in time order, with ids that resolve at their links',
    { timeout: 120_000 },
    async () => {
      const sku = 'LIN-ORDER-1'
      const orderId = '7100000000001'
      await listSku(sku)
      expect(
        (await admin('PUT', `/v1/inventory/${sku}`, { onHand: 12, asOf: new Date().toISOString() }))
          .status,
      ).toBe(200)
      await vi.waitFor(() => expect(offered('walmart', sku)).toBe(10), WAIT)

      expect((await postShopify(hub.app, shopifyOrder(orderId, sku))).status).toBe(200)
      await vi.waitFor(() => expect(offered('walmart', sku)).toBe(9), WAIT)
      const history = await vi.waitFor(async () => {
        const h = await orderHistoryOf(orderId)
        const kinds = new Set(h.entries.map((e) => e.kind))
        for (const kind of [
          'webhook',
          'normalization',
          'event',
          'delivery',
          'delivery_attempt',
          'reservation',
          'push',
        ])
          expect(kinds).toContain(kind)
        expect(
          h.entries
            .filter((e) => e.kind === 'push')
            .map((e) => e.summary)
            .join(),
        ).toMatch(/walmart\/demo as 9/)
        return h
      }, WAIT)

      expect(history.order).toMatchObject({ id: orderId, status: 'awaiting_fulfillment' })
      expect(history.truncated).toBe(false)
      expectTimeOrder(history.entries)
      const one = (kind: HistoryEntry['kind'], match: RegExp = /./) => {
        const found = history.entries.filter((e) => e.kind === kind && match.test(e.summary))
        expect(found, `${kind} ${String(match)}`).toHaveLength(1)
        return found[0]!
      }
      const webhook = one('webhook')
      const normalization = one('normalization')
      const created = one('event', /order\.created\.v1/)
      const change = one('event', /available-to-sell went from 12 to 11/)
      const delivery = one('delivery')
      const attempt = one('delivery_attempt')
      const reservation = one('reservation')
      const push = one('push', /walmart\/demo as 9/)
      // One message, one event, one delivery, one attempt: the ids tie them together.
      expect(normalization.ids.inbox).toBe(webhook.ids.inbox)
      expect(created.ids.inbox).toBe(webhook.ids.inbox)
      expect(delivery.ids.event).toBe(created.ids.event)
      expect(attempt.ids.delivery).toBe(delivery.ids.delivery)
      expect(attempt.summary).toMatch(/answered 200 in \d+ ms/)
      expect(reservation.summary).toMatch(new RegExp(`holds 1 of ${sku}`))
      // The pipeline's order: received, normalized, recorded, owed, attempted; then the push.
      const at = (e: HistoryEntry) => Date.parse(e.at)
      expect(at(webhook)).toBeLessThanOrEqual(at(normalization))
      expect(at(normalization)).toBeLessThanOrEqual(at(created))
      expect(at(created)).toBeLessThanOrEqual(at(delivery))
      expect(at(delivery)).toBeLessThanOrEqual(at(attempt))
      expect(at(change)).toBeLessThanOrEqual(at(push))

      // Every link answers, and shows what the entry names.
      for (const entry of history.entries)
        for (const path of Object.values(entry.links))
          expect((await hub.app.request(path, { headers: ADMIN })).status, path).toBe(200)
      const inbox = await admin('GET', webhook.links.inbox!)
      expect(inbox.body).toMatchObject({ id: webhook.ids.inbox, topic: 'orders/create' })
      const feed = await admin('GET', created.links.feed!)
      expect(feed.body.events).toEqual([
        expect.objectContaining({ id: created.ids.event, position: Number(created.ids.position) }),
      ])
      const deliveries = await admin('GET', delivery.links.delivery!)
      expect(deliveries.body.deliveries).toEqual([
        expect.objectContaining({
          id: delivery.ids.delivery,
          event: expect.objectContaining({ id: created.ids.event }),
        }),
      ])
    },
  )

  it('shows both webhooks of an order created and then cancelled', async () => {
    const sku = 'LIN-CANCEL-1'
    const orderId = '7100000000002'
    expect((await postShopify(hub.app, shopifyOrder(orderId, sku))).status).toBe(200)
    const cancelledAt = '2025-03-02T11:00:00-05:00'
    expect(
      (await postShopify(hub.app, shopifyOrder(orderId, sku, 'orders/cancelled', cancelledAt)))
        .status,
    ).toBe(200)
    const history = await vi.waitFor(async () => {
      const h = await orderHistoryOf(orderId)
      expect(h.order.status).toBe('cancelled')
      expect(h.entries.filter((e) => e.kind === 'normalization')).toHaveLength(2)
      return h
    }, WAIT)
    const webhooks = history.entries.filter((e) => e.kind === 'webhook')
    expect(webhooks.map((e) => e.summary)).toEqual([
      expect.stringContaining('orders/create webhook'),
      expect.stringContaining('orders/cancelled webhook'),
    ])
    const events = history.entries.filter((e) => e.kind === 'event').map((e) => e.summary)
    expect(events).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^order\.created\.v1/),
        expect.stringMatching(/^order\.cancelled\.v1/),
      ]),
    )
    expect(history.entries.find((e) => e.kind === 'reservation')?.summary).toMatch(/holds 0 of/)
    expectTimeOrder(history.entries)
  })

  it('answers 404 naming an order the hub does not have, and 400 naming a bad channel', async () => {
    const missing = await admin('GET', '/v1/admin/orders/shopify/demo/404404/history')
    expect(missing).toEqual({ status: 404, body: { error: 'no order 404404 of shopify/demo' } })
    const bad = await admin('GET', '/v1/admin/orders/ebay/demo/1/history')
    expect(bad.status).toBe(400)
    expect(bad.body.problems).toEqual([expect.stringMatching(/^channel: "ebay"/)])
  })
})

describe('a SKU history', () => {
  it(
    'explains each listing by the numbers that were pushed, after a recount, an adjustment, an order and the echo',
    { timeout: 120_000 },
    async () => {
      const sku = 'LIN-SKU-1'
      const orderId = '7100000000003'
      await listSku(sku)
      // Each step waits for Shopify's echo of the push it caused: an echo of an older push arriving
      // after a newer one is a report of another quantity, not an echo (and would be right to say so).
      const echoed = (quantity: number) =>
        vi.waitFor(async () => {
          const listings = await hub.deps.db
            .selectFrom('listing')
            .select(['channel', 'last_reported_quantity', 'last_report_echo'])
            .where('sku', '=', sku)
            .execute()
          expect(listings.find((l) => l.channel === 'shopify')).toMatchObject({
            last_reported_quantity: quantity,
            last_report_echo: true,
          })
        }, WAIT)
      // The order comes first: it is a Shopify order, and the hub takes a sale on Shopify as
      // gone from Shopify's stock, which the emulator (that never saw this order) would contradict.
      expect((await postShopify(hub.app, shopifyOrder(orderId, sku))).status).toBe(200)
      await vi.waitFor(async () => {
        const item = await hub.deps.db
          .selectFrom('inventory_item')
          .select('reserved')
          .where('sku', '=', sku)
          .executeTakeFirst()
        expect(item?.reserved).toBe(1)
      }, WAIT)
      const level = { onHand: 12, asOf: new Date().toISOString() }
      expect((await admin('PUT', `/v1/inventory/${sku}`, level)).status).toBe(200)
      await echoed(11)
      const adjustment = {
        idempotencyKey: `${sku}-found`,
        sku,
        delta: 3,
        reason: 'found in returns',
      }
      expect((await admin('POST', '/v1/inventory/adjustments', adjustment)).status).toBe(201)
      // 12 + 3 − 1 reserved = 14 available; Walmart holds 2 back.
      await echoed(14)
      await vi.waitFor(() => expect(offered('walmart', sku)).toBe(12), WAIT)

      const history = await vi.waitFor(async () => {
        const res = await admin('GET', `/v1/admin/inventory/${sku}/history`)
        expect(res.status).toBe(200)
        const h = res.body as unknown as SkuHistoryBody
        const shopify = h.listings.find((l) => l.listing.channel === 'shopify')!
        expect(shopify.lastReported).toMatchObject({ quantity: 14, echo: true })
        for (const l of h.listings) expect(l.lastPushed?.quantity).toBe(l.quantity)
        return h
      }, WAIT)

      const walmart = history.listings.find((l) => l.listing.channel === 'walmart')!
      expect(walmart).toMatchObject({
        onHand: 15,
        onHandSource: {
          kind: 'adjustment',
          reference: adjustment.idempotencyKey,
          reason: 'found in returns',
        },
        reserved: 1,
        reservingOrders: [{ channel: 'shopify', account: 'demo', orderId, units: 1 }],
        safetyStock: 0,
        ats: 14,
        policy: expect.objectContaining({ buffer: 2, allocation: 'shared' }),
        allocation: expect.objectContaining({ mode: 'shared', share: 12 }),
        quantity: 12,
        notPushed: null,
        lastPushed: expect.objectContaining({ quantity: 12 }),
      })
      // The invariant: what the explanation computes is what the channel was sent, and holds.
      const stock = await admin('GET', `/v1/inventory/${sku}`)
      for (const l of stock.body.listings as Array<{ id: string; lastPush: { quantity: number } }>)
        expect(history.listings.find((e) => e.listing.id === l.id)?.quantity).toBe(
          l.lastPush.quantity,
        )
      expect(walmart.summary).toMatch(
        new RegExp(
          `^${sku} is 12 on walmart/demo because: on-hand 15 at \\S+ from adjustment ${adjustment.idempotencyKey} \\(found in returns\\), 1 reserved by order shopify/demo ${orderId}, so 14 available to sell, buffer 2; pushed 12 at `,
        ),
      )
      const shopify = history.listings.find((l) => l.listing.channel === 'shopify')!
      expect(shopify.summary).toMatch(
        /^LIN-SKU-1 is 14 on shopify\/demo because: .*; pushed 14 at \S+, echoed at \S+\.$/,
      )

      const kinds = new Set(history.entries.map((e) => e.kind))
      for (const kind of ['adjustment', 'event', 'reservation', 'push', 'report'])
        expect(kinds).toContain(kind)
      expect(history.entries.some((e) => e.kind === 'event' && /by a count/.test(e.summary))).toBe(
        true,
      )
      expect(history.entries.some((e) => e.kind === 'report' && /echo/.test(e.summary))).toBe(true)
      expectTimeOrder(history.entries)
      for (const entry of history.entries)
        for (const path of Object.values(entry.links))
          expect((await hub.app.request(path, { headers: ADMIN })).status, path).toBe(200)
    },
  )

  it('reads a bounded window a page at a time, every entry once', async () => {
    const sku = 'LIN-WINDOW-1'
    expect(
      (await admin('PUT', `/v1/inventory/${sku}`, { onHand: 50, asOf: new Date().toISOString() }))
        .status,
    ).toBe(200)
    for (let i = 0; i < 6; i++) {
      const adjustment = { idempotencyKey: `${sku}-${i}`, sku, delta: -1, reason: `pick ${i}` }
      expect((await admin('POST', '/v1/inventory/adjustments', adjustment)).status).toBe(201)
    }
    // The relay gives each event its feed position (an id and a link of its entry) a moment after
    // its commit: the pages are compared with a read taken once every position is given.
    const all = await vi.waitFor(
      async () => {
        const read = (await admin('GET', `/v1/admin/inventory/${sku}/history?limit=500`))
          .body as unknown as SkuHistoryBody
        const events = read.entries.filter((e) => e.kind === 'event')
        expect(events.length).toBeGreaterThanOrEqual(7) // the count and six adjustments
        expect(events.filter((e) => e.ids.position === undefined)).toEqual([])
        return read
      },
      { timeout: 10_000, interval: 50 },
    )
    expect(all.truncated).toBe(false)
    expect(all.entries.filter((e) => e.kind === 'adjustment')).toHaveLength(6)

    const seen: HistoryEntry[] = []
    let path: string | null = `/v1/admin/inventory/${sku}/history?limit=3`
    while (path !== null) {
      const page = (await admin('GET', path)).body as unknown as SkuHistoryBody
      expect(page.entries.length).toBeLessThanOrEqual(3)
      seen.unshift(...page.entries)
      path =
        page.next === null
          ? null
          : `/v1/admin/inventory/${sku}/history?limit=3&until=${encodeURIComponent(page.next)}`
    }
    expect(seen).toEqual(all.entries)

    const third = all.entries.filter((e) => e.kind === 'adjustment')[2]!
    const since = (
      await admin('GET', `/v1/admin/inventory/${sku}/history?since=${encodeURIComponent(third.at)}`)
    ).body as unknown as SkuHistoryBody
    expect(since.entries.every((e) => e.at >= third.at)).toBe(true)
    expect(since.entries.filter((e) => e.kind === 'adjustment')).toHaveLength(4)
  })

  it('answers 404 for a SKU the hub has never heard of, and 400 naming a bad window', async () => {
    expect(await admin('GET', '/v1/admin/inventory/LIN-NONE/history')).toEqual({
      status: 404,
      body: { error: 'no stock and no listing of sku LIN-NONE' },
    })
    const limit = await admin('GET', '/v1/admin/inventory/LIN-NONE/history?limit=0')
    expect(limit.status).toBe(400)
    expect(limit.body.problems).toEqual([expect.stringMatching(/^query\.limit: /)])
    const since = await admin('GET', '/v1/admin/inventory/LIN-NONE/history?since=yesterday')
    expect(since.body.problems).toEqual([expect.stringMatching(/^query\.since: /)])
    const backwards = await admin(
      'GET',
      `/v1/admin/inventory/LIN-NONE/history?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z`,
    )
    expect(backwards).toEqual({
      status: 400,
      body: { error: 'invalid request', problems: ['query.since: must not be after until'] },
    })
  })

  it('records one stock_push row per push, with what it was computed from', async () => {
    const sku = 'LIN-PUSH-1'
    await listSku(sku)
    expect(
      (await admin('PUT', `/v1/inventory/${sku}`, { onHand: 8, asOf: new Date().toISOString() }))
        .status,
    ).toBe(200)
    // The record of a push is written once the channel has answered it.
    await vi.waitFor(async () => {
      const rows = await hub.deps.db
        .selectFrom('stock_push')
        .selectAll()
        .where('sku', '=', sku)
        .execute()
      expect(rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            channel: 'walmart',
            account_id: 'demo',
            status: 'applied',
            quantity: 6,
            ats: 8,
            planned: 6,
            error: null,
          }),
          expect.objectContaining({
            channel: 'shopify',
            account_id: 'demo',
            status: 'applied',
            quantity: 8,
            ats: 8,
            planned: 8,
          }),
        ]),
      )
    }, WAIT)
    expect([offered('walmart', sku), offered('shopify', sku)]).toEqual([6, 8])
  })
})
