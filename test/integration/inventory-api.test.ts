// The inventory and listings APIs, echo suppression, the inventory source and reconciliation,
// each step called directly (no workers), so every intermediate state can be checked.
import { beforeEach, describe, expect, it } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import type { HubEvent } from '../../src/events/index.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'
import { pushListingStock } from '../../src/pipeline/push-stock.js'
import { settleChangedSkus } from '../../src/inventory/settle-changes.js'
import { checkListingStock } from '../../src/pipeline/check-stock.js'
import { recordPush, upsertListings } from '../../src/db/repos/listings.js'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import type { SignedWebhook } from '../../src/sandbox/types.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { outboxEvents, truncateAll } from '../helpers/pipeline.js'
import { useEmulator } from '../helpers/emulated-channel.js'

const emulator = useEmulator()
const hub = useTestHub({ accounts: () => sandboxAccounts(emulator.url) })
beforeEach(() => truncateAll(hub.deps))

const json = (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = ADMIN,
) =>
  hub.app.request(path, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })

async function inventory(sku: string) {
  const res = await json('GET', `/v1/inventory/${sku}`)
  return (await res.json()) as {
    onHand: number
    reserved: number
    ats: number
    listings: Array<{
      id: string
      channel: string
      lastReport: { quantity: number; echo: boolean }
    }>
  }
}

async function receive(webhook: SignedWebhook): Promise<void> {
  const res = await hub.app.request(webhook.path, {
    method: 'POST',
    headers: webhook.headers,
    body: webhook.body,
  })
  expect(res.status).toBe(200)
  const { id } = (await res.json()) as { id: string }
  await normalizeInboxItem(hub.deps, id, { finalAttempt: false })
}

const types = async () => (await outboxEvents(hub.deps)).map((e) => e.type)

describe('on-hand levels', () => {
  it('sets an absolute level; an older or equal as-of changes nothing and says so', async () => {
    const put = (onHand: number, asOf: string) =>
      json('PUT', '/v1/inventory/SKU-1', { onHand, asOf })
    expect((await put(10, '2026-11-01T10:00:00Z')).status).toBe(200)
    const stale = await put(99, '2026-11-01T09:00:00Z')
    expect(await stale.json()).toMatchObject({ applied: false, inventory: { onHand: 10, ats: 10 } })
    const equal = await put(99, '2026-11-01T10:00:00Z')
    expect(await equal.json()).toMatchObject({ applied: false })
    expect(await types()).toEqual(['inventory.changed.v1'])
  })

  it('refuses bad input with every problem named, changing nothing', async () => {
    const res = await json('PUT', '/v1/inventory/SKU-1', { onHand: -1, asOf: 'yesterday' })
    expect(res.status).toBe(400)
    const { problems } = (await res.json()) as { problems: string[] }
    expect(problems).toEqual([
      expect.stringMatching(/^body\.onHand/),
      expect.stringMatching(/^body\.asOf/),
    ])
    expect((await json('GET', '/v1/inventory/SKU-1')).status).toBe(404)
  })

  it('is admin-only', async () => {
    const res = await json(
      'PUT',
      '/v1/inventory/SKU-1',
      { onHand: 1, asOf: '2026-11-01T10:00:00Z' },
      {
        authorization: 'Bearer wrong-token-wrong-token',
      },
    )
    expect(res.status).toBe(401)
    expect((await json('POST', '/v1/admin/reconcile', {}, { authorization: '' })).status).toBe(401)
  })
})

describe('a recount of many SKUs (PUT /v1/inventory)', () => {
  const recount = (levels: unknown[], headers?: Record<string, string>) =>
    json('PUT', '/v1/inventory', { levels }, headers)

  it('applies each level as PUT /v1/inventory/:sku would, across several group commits', async () => {
    await json('PUT', '/v1/inventory/R-0', { onHand: 7, asOf: '2026-11-01T12:00:00Z' })
    // 1,000 levels: more than one of the writer's batches (200), so several transactions.
    const levels = Array.from({ length: 1_000 }, (_, i) => ({
      sku: `R-${i}`,
      onHand: i,
      asOf: '2026-11-01T10:00:00Z',
      ...(i === 3 && { safetyStock: 1 }),
    }))
    const res = await recount(levels)
    expect(res.status).toBe(200)
    // R-0 has a newer level: unchanged, as a single PUT would leave it.
    expect(await res.json()).toEqual({ levels: 1_000, applied: 999, unchanged: 1, refused: [] })
    expect(await inventory('R-0')).toMatchObject({ onHand: 7, ats: 7 })
    expect(await inventory('R-3')).toMatchObject({ onHand: 3, ats: 2 })
    expect(await inventory('R-999')).toMatchObject({ onHand: 999, ats: 999 })
    const items = await hub.deps.db
      .selectFrom('inventory_item')
      .select((eb) => eb.fn.sum<string>('on_hand').as('total'))
      .executeTakeFirstOrThrow()
    expect(Number(items.total)).toBe((999 * 1_000) / 2 + 7)
    // One event per SKU the recount changed (R-1 … R-999), after R-0's own level's.
    const changed = (await outboxEvents(hub.deps)).filter((e) => e.type === 'inventory.changed.v1')
    expect(changed).toHaveLength(1 + 999)
    // Sent again (after a 503, say): every level is as of what is stored, so nothing changes.
    const again = await recount(levels)
    expect(await again.json()).toMatchObject({ applied: 0, unchanged: 1_000 })
  })

  it('refuses bad input naming each level at fault, and applies none of it', async () => {
    const res = await recount([
      { sku: 'A', onHand: 1, asOf: '2026-11-01T10:00:00Z' },
      { sku: 'B', onHand: 1, asOf: '2026-11-01T10:00:00Z', location: 'mars' },
      { sku: 'A', onHand: 2, asOf: '2026-11-01T11:00:00Z' },
    ])
    expect(res.status).toBe(400)
    const { problems } = (await res.json()) as { problems: string[] }
    expect(problems).toEqual([
      expect.stringMatching(/^body\.levels\[1\]\.location: unknown location "mars"/),
      expect.stringMatching(
        /^body\.levels\[2\]: sku A at location default is also body\.levels\[0\]/,
      ),
    ])
    const shape = await recount([{ sku: 'A', onHand: -1, asOf: '2026-11-01T10:00:00Z' }, {}])
    expect(shape.status).toBe(400)
    expect(((await shape.json()) as { problems: string[] }).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^body\.levels\.0\.onHand|^body\.levels\[0\]\.onHand/),
      ]),
    )
    const many = await recount(
      Array.from({ length: 30 }, () => ({ sku: 'A', onHand: 1, asOf: '2026-11-01T10:00:00Z' })),
    )
    const named = ((await many.json()) as { problems: string[] }).problems
    expect(named).toHaveLength(21) // 29 duplicates: twenty named, and how many more
    expect(named[20]).toBe('and 9 more problems like these')
    expect((await recount([])).status).toBe(400)
    expect((await json('GET', '/v1/inventory/A')).status).toBe(404)
    expect(await outboxEvents(hub.deps)).toEqual([])
  })

  it('is admin-only', async () => {
    const res = await recount([{ sku: 'A', onHand: 1, asOf: '2026-11-01T10:00:00Z' }], {
      authorization: 'Bearer wrong-token-wrong-token',
    })
    expect(res.status).toBe(401)
    expect((await json('GET', '/v1/inventory/A')).status).toBe(404)
  })
})

describe('adjustments', () => {
  it('apply once per key; the same key with other content is a conflict', async () => {
    const adjust = (delta: number, key = 'k-1') =>
      json('POST', '/v1/inventory/adjustments', { idempotencyKey: key, sku: 'SKU-2', delta })
    expect((await adjust(5)).status).toBe(201)
    const again = await adjust(5)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ status: 'duplicate', onHandAfter: 5 })
    expect((await adjust(7)).status).toBe(409)
    expect((await adjust(-2, 'k-2')).status).toBe(201)
    expect(await inventory('SKU-2')).toMatchObject({ onHand: 3, ats: 3 })
    expect((await adjust(0, 'k-3')).status).toBe(400)
  })
})

describe('listings', () => {
  it('refuses the whole batch when any row is wrong, naming each', async () => {
    const res = await json('PUT', '/v1/listings', {
      listings: [
        { sku: 'A', channel: 'walmart', account: 'demo' },
        { sku: 'A', channel: 'walmart', account: 'nope' },
        { sku: 'A', channel: 'shopify', account: 'demo' },
        { sku: 'A', channel: 'tiktok-shop', account: 'demo', unit: { productId: 'x' } },
      ],
    })
    expect(res.status).toBe(400)
    const { problems } = (await res.json()) as { problems: string[] }
    expect(problems[0]).toMatch(/^listings\[1\]\.account: no walmart account "nope"/)
    expect(problems[1]).toMatch(/^listings\[2\]\.unit: shopify needs the unit's own ids/)
    expect(problems.slice(2).every((p) => p.startsWith('listings[3].unit'))).toBe(true)
    expect(await hub.deps.db.selectFrom('listing').selectAll().execute()).toEqual([])
  })

  it('takes the 10,000 rows it allows at once (more parameters than one statement binds), all or nothing', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      sku: `MANY-${i}`,
      channel: 'walmart',
      account: 'demo',
    }))
    expect((await json('PUT', '/v1/listings', { listings: many })).status).toBe(200)
    const count = async (prefix: string) =>
      (
        await hub.deps.db
          .selectFrom('listing')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('sku', 'like', `${prefix}%`)
          .executeTakeFirstOrThrow()
      ).n
    expect(await count('MANY-')).toBe('10000')
    // Two inventory sources for one SKU in the second statement's rows: the first's are undone.
    const row = (sku: string, unit: string, inventorySource: boolean) => ({
      sku,
      channel: 'walmart' as const,
      accountId: 'demo',
      unit: { sku: unit },
      unitKey: `${unit}@`,
      channelSku: unit,
      policy: {},
      inventorySource,
    })
    const rows = [
      ...Array.from({ length: 6_000 }, (_, i) => row(`ATOMIC-${i}`, `ATOMIC-${i}`, false)),
      row('ATOMIC-DUP', 'ATOMIC-DUP-1', true),
      row('ATOMIC-DUP', 'ATOMIC-DUP-2', true),
    ]
    await expect(upsertListings(hub.deps.db, rows)).rejects.toMatchObject({
      constraint: 'listing_one_inventory_source',
    })
    expect(await count('ATOMIC-')).toBe('0')
  })

  it('maps a channel order line to the internal SKU by the listing’s channel SKU', async () => {
    const res = await json('PUT', '/v1/listings', {
      listings: [
        { sku: 'INTERNAL', channel: 'walmart', account: 'demo', unit: { sku: 'WM-CODE' } },
      ],
    })
    expect(res.status).toBe(200)
    await json('PUT', '/v1/inventory/INTERNAL', { onHand: 9, asOf: '2026-11-01T10:00:00Z' })
    const placed = emulatedChannels.walmart.placeOrder(
      { ...emulator.state('walmart'), stock: new Map([['WM-CODE', 5]]) },
      [{ sku: 'WM-CODE', quantity: 2 }],
      new Date(),
    )
    if (!placed.accepted) throw new Error(placed.reason)
    for (const webhook of placed.webhooks) await receive(webhook)
    expect(await inventory('INTERNAL')).toMatchObject({ reserved: 0 }) // not settled yet
    expect(await settleChangedSkus(hub.deps)).toBe(1)
    expect(await inventory('INTERNAL')).toMatchObject({ onHand: 9, reserved: 2, ats: 7 })
  })
})

describe('echoes and the inventory source', () => {
  const sku = 'ECHO-1'
  async function listOnShopify(inventorySource: boolean): Promise<string> {
    const unit = emulatedChannels.shopify.listingUnit(sku)
    const res = await json('PUT', '/v1/listings', {
      listings: [{ sku, channel: 'shopify', account: 'demo', unit, inventorySource }],
    })
    return ((await res.json()) as { ids: string[] }).ids[0]!
  }

  it('records a report of the quantity just pushed as an echo that changes nothing', async () => {
    const id = await listOnShopify(false)
    await json('PUT', `/v1/inventory/${sku}`, { onHand: 12, asOf: new Date().toISOString() })
    expect(await pushListingStock(hub.deps, id, 'echo-test')).toEqual({ kind: 'done' })
    const state = emulator.state('shopify')
    expect(state.stock.get(sku)).toBe(12)
    const before = await types()
    await receive(emulatedChannels.shopify.reportStock!(state, sku, new Date())!)
    expect(await types()).toEqual(before)
    expect((await inventory(sku)).listings[0]!.lastReport).toMatchObject({
      quantity: 12,
      echo: true,
    })

    // A different quantity is news: published, and noted on the listing.
    state.stock.set(sku, 11)
    await receive(emulatedChannels.shopify.reportStock!(state, sku, new Date(Date.now() + 1_000))!)
    expect((await types()).at(-1)).toBe('inventory.reported.v1')
    expect((await inventory(sku)).listings[0]!.lastReport).toMatchObject({
      quantity: 11,
      echo: false,
    })
    expect(await inventory(sku)).toMatchObject({ onHand: 12 })
  })

  it('sets on-hand from the reports of the SKU’s inventory-source listing', async () => {
    await listOnShopify(true)
    const state = emulator.state('shopify')
    state.stock.set(sku, 31)
    await receive(emulatedChannels.shopify.reportStock!(state, sku, new Date())!)
    expect(await inventory(sku)).toMatchObject({ onHand: 31, ats: 31 })
    const changed = (await outboxEvents(hub.deps)).find(
      (e): e is Extract<HubEvent, { type: 'inventory.changed.v1' }> =>
        e.type === 'inventory.changed.v1',
    )
    expect(changed?.data.cause).toEqual({
      kind: 'on-hand-set',
      reference: 'shopify/demo',
      channel: 'shopify',
      account: 'demo',
    })
  })
})

describe('reconciliation', () => {
  it('takes what a quiet channel offers as the truth, and counts a selling one’s shortfall as sales in flight', async () => {
    const sku = 'DRIFT-QUIET'
    const unit = emulatedChannels.walmart.listingUnit(sku)
    const listed = await json('PUT', '/v1/listings', {
      listings: [{ sku, channel: 'walmart', account: 'demo', unit }],
    })
    const id = ((await listed.json()) as { ids: string[] }).ids[0]!
    await json('PUT', `/v1/inventory/${sku}`, { onHand: 8, asOf: '2026-11-01T10:00:00Z' })
    expect(await pushListingStock(hub.deps, id, 'first')).toEqual({ kind: 'done' })
    const state = emulator.state('walmart')
    expect(state.stock.get(sku)).toBe(8)
    const offered = async () => {
      const res = await json('GET', `/v1/inventory/${sku}`)
      const body = (await res.json()) as { listings: Array<{ allocation: { offered: number } }> }
      return body.listings[0]!.allocation.offered
    }
    const checks = { ...hub.deps, settleMs: 0 }

    // Quiet (no order of the account in the window): the channel offers 2 fewer than the hub
    // believes with no sale in flight, so the read is the truth and the push raises it back.
    state.stock.set(sku, 6)
    expect(await checkListingStock(checks, id)).toEqual({ kind: 'done' })
    expect(await offered()).toBe(6)
    expect(await pushListingStock(hub.deps, id, 'after-quiet-drift')).toEqual({ kind: 'done' })
    expect(state.stock.get(sku)).toBe(8)

    // Selling: an order heard in the window, then one unit fewer than believed on the channel, a
    // sale whose order has not arrived. It counts as offered until it does, and is not lost twice.
    // Placed well after the push's span (STOCK_ORDER_CLOCK_SKEW_MS), so the push cannot have
    // overwritten it.
    const later = () => new Date(Date.now() + 10_000)
    const placed = emulatedChannels.walmart.placeOrder(state, [{ sku, quantity: 1 }], later())
    if (!placed.accepted) throw new Error(placed.reason)
    for (const webhook of placed.webhooks) await receive(webhook)
    await settleChangedSkus(hub.deps)
    expect(await offered()).toBe(7)
    const second = emulatedChannels.walmart.placeOrder(state, [{ sku, quantity: 1 }], later())
    if (!second.accepted) throw new Error(second.reason)
    expect(await checkListingStock(checks, id)).toEqual({ kind: 'done' })
    expect(await offered()).toBe(7)
    for (const webhook of second.webhooks) await receive(webhook)
    await settleChangedSkus(hub.deps)
    expect(await offered()).toBe(6)
  })

  it('finds a channel offering another quantity, emits drift and pushes again', async () => {
    const sku = 'DRIFT-1'
    const unit = emulatedChannels.walmart.listingUnit(sku)
    const listed = await json('PUT', '/v1/listings', {
      listings: [{ sku, channel: 'walmart', account: 'demo', unit }],
    })
    const id = ((await listed.json()) as { ids: string[] }).ids[0]!
    await json('PUT', `/v1/inventory/${sku}`, { onHand: 8, asOf: '2026-11-01T10:00:00Z' })
    // The channel shows something else, and the last push was long ago.
    emulator.state('walmart').stock.set(sku, 15)
    const checks = { ...hub.deps, settleMs: 0 }
    expect(await checkListingStock(checks, id)).toEqual({ kind: 'done' })
    const drift = (await outboxEvents(hub.deps)).find(
      (e) => e.type === 'inventory.drift_detected.v1',
    )
    expect(drift?.data).toMatchObject({ sku, expected: 8, actual: 15, lastPushed: null })
    const queued = await hub.deps.queues.stock.queueOf('walmart', 'demo')!.getJobs(['waiting'])
    expect(queued.map((j) => j.data)).toContainEqual({ kind: 'push', listingId: id })
    expect(await pushListingStock(hub.deps, id, 'after-drift')).toEqual({ kind: 'done' })
    expect(emulator.state('walmart').stock.get(sku)).toBe(8)

    // In step now: no drift, no event.
    const before = (await outboxEvents(hub.deps)).length
    expect(await checkListingStock(checks, id)).toEqual({ kind: 'done' })
    expect(await outboxEvents(hub.deps)).toHaveLength(before)

    // Just pushed: a check now would compare before the channel shows the push, so it is skipped
    // and the answer says so (it used to say `skippedListings: []` and skip it in the worker).
    const res = await json('POST', '/v1/admin/reconcile', { sku })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({
      queued: 0,
      skippedListings: [
        {
          listingId: id,
          channel: 'walmart',
          account: 'demo',
          sku,
          reason: 'pushed-recently',
          until: expect.any(String),
        },
      ],
    })
  })

  it('says which listings it skipped and why, and queues the rest', async () => {
    const listed = await json('PUT', '/v1/listings', {
      listings: ['REC-PUSHED', 'REC-DUE'].map((sku) => ({
        sku,
        channel: 'walmart',
        account: 'demo',
        unit: emulatedChannels.walmart.listingUnit(sku),
      })),
    })
    const [pushed, due] = ((await listed.json()) as { ids: string[] }).ids
    // An account that is no longer configured: its listing has no stock queue.
    const [ghost] = await upsertListings(hub.deps.db, [
      {
        sku: 'REC-GHOST',
        channel: 'walmart',
        accountId: 'gone',
        unit: { sku: 'REC-GHOST' },
        unitKey: 'REC-GHOST',
        channelSku: 'REC-GHOST',
        policy: {},
        inventorySource: false,
      },
    ])
    const pushedAt = new Date(Date.now() - 30_000)
    const longAgo = new Date(Date.now() - hub.config.stock.echoWindowMs - 1_000)
    await recordPush(hub.deps.db, pushed!, { status: 'applied', quantity: 3, at: pushedAt })
    await recordPush(hub.deps.db, due!, { status: 'applied', quantity: 3, at: longAgo })

    const res = await json('POST', '/v1/admin/reconcile', {})
    expect(res.status).toBe(202)
    const body = (await res.json()) as { queued: number; skippedListings: unknown[] }
    expect(body.queued).toBe(1)
    expect(body.skippedListings).toEqual([
      {
        listingId: pushed,
        channel: 'walmart',
        account: 'demo',
        sku: 'REC-PUSHED',
        reason: 'pushed-recently',
        until: new Date(pushedAt.getTime() + hub.config.stock.echoWindowMs).toISOString(),
      },
      {
        listingId: ghost,
        channel: 'walmart',
        account: 'gone',
        sku: 'REC-GHOST',
        reason: 'account-not-configured',
      },
    ])
    const checks = await hub.deps.queues.stock.queueOf('walmart', 'demo')!.getJobs(['waiting'])
    expect(checks.map((j) => j.data).filter((d) => d.kind === 'check')).toEqual([
      { kind: 'check', listingId: due },
    ])
  })

  it('lives under /v1/admin/: the old path answers 308 to it, and auth and audit apply there', async () => {
    const old = await json('POST', '/admin/reconcile', { sku: 'NONE' }, {})
    expect(old.status).toBe(308)
    expect(old.headers.get('location')).toBe('/v1/admin/reconcile')
    // Following the redirect keeps the method and body, and meets authentication there.
    expect((await json('POST', '/v1/admin/reconcile', { sku: 'NONE' }, {})).status).toBe(401)
    const res = await json(
      'POST',
      old.headers.get('location')!,
      { sku: 'NONE' },
      {
        ...ADMIN,
        'x-admin-actor': 'reconcile-test',
      },
    )
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ queued: 0, skippedListings: [] })
    const audit = await hub.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor', '=', 'reconcile-test')
      .execute()
    expect(audit.map((a) => [a.method, a.path, a.status])).toEqual([
      ['POST', '/v1/admin/reconcile', 202],
    ])
    // The process still serves.
    expect((await json('GET', '/v1/listings')).status).toBe(200)
  })
})
