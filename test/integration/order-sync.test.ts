// Order sync (issue #16) against the marketplace emulator, real PostgreSQL and Redis: an order
// whose webhooks were all lost still reaches the hub; a poll and a webhook of the same state give
// one set of events; an older polled state never wins; the watermark moves only past committed
// pages; a backfill killed mid-run resumes at its page, with nothing lost or read twice.
import { describe, expect, it, vi } from 'vitest'
import { sql } from 'kysely'
import { connectors } from '../../connectors/index.js'
import { sandboxAccounts } from '../../src/config/index.js'
import { backfillCommand } from '../../src/cli/backfill.js'
import { getOrderSync } from '../../src/db/repos/order-sync.js'
import type { ChannelId } from '../../src/events/index.js'
import { listedOrderRow } from '../../src/pipeline/order-sync-rows.js'
import { runOrderSync, type OrderSyncDeps } from '../../src/pipeline/order-sync.js'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import { sendWebhook } from '../../src/sandbox/send.js'
import { useEmulator } from '../helpers/emulated-channel.js'
import { spawnHub } from '../helpers/hub-process.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { TEST_REDIS_URL } from '../services.js'

const emulator = useEmulator()
const hub = useTestHub({
  accounts: () => sandboxAccounts(emulator.url),
  workers: true,
  listen: true,
  // Runs are started by the tests, never by the schedule; the emulator lists at once.
  env: { ORDER_SYNC_INTERVAL_MS: '0', ORDER_SYNC_SETTLE_MS: '0', ORDER_SYNC_OVERLAP_MS: '2000' },
})

const deps = (): OrderSyncDeps => ({ ...hub.deps, db: hub.deps.workDb })
const demo = (channel: ChannelId) => ({ channel, accountId: 'demo' })

/** Places orders on the emulated channel; returns their ids and the webhooks that announce them. */
function place(channel: ChannelId, count: number, at?: Date) {
  const sku = 'SYNC-TEE'
  const state = emulator.state(channel)
  state.stock.set(sku, (state.stock.get(sku) ?? 0) + count)
  return Array.from({ length: count }, () => {
    const placed = emulatedChannels[channel].placeOrder(
      state,
      [{ sku, quantity: 1 }],
      at ?? new Date(),
    )
    if (!placed.accepted) throw new Error(placed.reason)
    return placed
  })
}

async function orderRow(channel: ChannelId, externalId: string) {
  return hub.deps.db
    .selectFrom('sales_order')
    .select(['status', 'found_by', 'channel_updated_at'])
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst()
}

async function eventTypes(channel: ChannelId, externalId: string): Promise<string[]> {
  const rows = await hub.deps.db
    .selectFrom('outbox_event')
    .select('type')
    .where('channel', '=', channel)
    .where('subject', '=', `order/${externalId}`)
    .orderBy('seq')
    .execute()
  return rows.map((r) => r.type)
}

/** Waits until every inbox row of the account is processed. */
async function drained(channel: ChannelId) {
  await vi.waitFor(
    async () => {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from inbox_message where channel = ${channel} and status = 'received'`.execute(
        hub.deps.db,
      )
      expect(Number(rows[0]!.n)).toBe(0)
    },
    { timeout: 20_000, interval: 100 },
  )
}

describe('order sync', () => {
  it('brings an order whose webhooks were all lost, announced as found by polling', async () => {
    const [lost] = place('shopify', 1)
    const outcome = await runOrderSync(deps(), demo('shopify'), 'sync')
    // Other tests of this file (in any order) may have left orders of their own to read.
    expect(outcome).toMatchObject({ kind: 'done', newRows: expect.any(Number) as number })
    expect(outcome.kind === 'done' && outcome.newRows).toBeGreaterThanOrEqual(1)
    await drained('shopify')
    expect(await orderRow('shopify', lost!.orderId)).toMatchObject({ found_by: 'sync' })
    expect(await eventTypes('shopify', lost!.orderId)).toEqual([
      'order.created.v1',
      'order.found_by_polling.v1',
    ])
    const sync = await getOrderSync(hub.deps.db, { ...demo('shopify'), kind: 'sync' })
    expect(sync?.watermark).not.toBeNull()
    expect(sync?.window_from).toBeNull()
  })

  it('gives a webhook and a poll of the same state one set of events, whichever comes first', async () => {
    // Webhook first: the poll leaves the state the hub holds alone.
    const [heard] = place('shopify', 1)
    for (const webhook of heard!.webhooks) expect(await sendWebhook(hub.url, webhook)).toBe(200)
    await drained('shopify')
    expect(await orderRow('shopify', heard!.orderId)).toMatchObject({ found_by: 'webhook' })
    expect((await runOrderSync(deps(), demo('shopify'), 'sync')).kind).toBe('done')
    await drained('shopify')
    expect(await eventTypes('shopify', heard!.orderId)).toEqual(['order.created.v1'])

    // Poll first: the late webhook of the same state changes nothing.
    const [late] = place('shopify', 1)
    expect((await runOrderSync(deps(), demo('shopify'), 'sync')).kind).toBe('done')
    await drained('shopify')
    for (const webhook of late!.webhooks) expect(await sendWebhook(hub.url, webhook)).toBe(200)
    await drained('shopify')
    expect(await orderRow('shopify', late!.orderId)).toMatchObject({ found_by: 'sync' })
    expect(await eventTypes('shopify', late!.orderId)).toEqual([
      'order.created.v1',
      'order.found_by_polling.v1',
    ])

    // The overlap reads the same states again: nothing new reaches the inbox.
    const again = await runOrderSync(deps(), demo('shopify'), 'sync')
    expect(again).toMatchObject({ kind: 'done', newRows: 0 })
  })

  it('reads a change made within the same second as the state it holds (Shopify dates to the second)', async () => {
    const at = new Date()
    const [order] = place('shopify', 1, at)
    expect((await runOrderSync(deps(), demo('shopify'), 'sync')).kind).toBe('done')
    await drained('shopify')
    expect(await orderRow('shopify', order!.orderId)).not.toMatchObject({ status: 'cancelled' })
    // Cancelled in the same second; its webhook is lost. The list dates both states alike.
    emulatedChannels.shopify.cancelOrder(emulator.state('shopify'), order!.orderId, at)
    expect((await runOrderSync(deps(), demo('shopify'), 'sync')).kind).toBe('done')
    await drained('shopify')
    expect(await orderRow('shopify', order!.orderId)).toMatchObject({ status: 'cancelled' })
  })

  it('never lets an older polled state overwrite a newer webhook', async () => {
    const channel = 'shopify'
    const [order] = place(channel, 1)
    for (const webhook of order!.webhooks) expect(await sendWebhook(hub.url, webhook)).toBe(200)
    const client = hub.deps.accounts.client(channel, 'demo')!
    const window = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 1_000) }
    const before = await connectors.shopify.orders.list(client as never, window, undefined)
    const stale = before.orders.find((o) => o.id === order!.orderId)!
    expect(stale).toBeDefined()

    // The buyer cancels a second later; the cancellation's webhook arrives first.
    await new Promise((r) => setTimeout(r, 1_100))
    const state = emulator.state(channel)
    for (const webhook of emulatedChannels[channel].cancelOrder(state, order!.orderId, new Date()))
      expect(await sendWebhook(hub.url, webhook)).toBe(200)
    await drained(channel)
    expect(await orderRow(channel, order!.orderId)).toMatchObject({ status: 'cancelled' })

    // Then the poll's older state of the same order reaches the inbox and is normalized.
    const row = listedOrderRow(demo(channel), 'sync', stale, new Date())
    const inserted = await hub.deps.intake.submit(row)
    expect(inserted.kind).toBe('accepted')
    await drained(channel)
    expect(await orderRow(channel, order!.orderId)).toMatchObject({ status: 'cancelled' })
    expect(await eventTypes(channel, order!.orderId)).toEqual([
      'order.created.v1',
      'order.cancelled.v1',
    ])
  })

  it('keeps the watermark until every page is committed, and resumes a failed run at its page', async () => {
    const channel = 'tiktok-shop'
    const ids = place(channel, 150).map((p) => p.orderId)
    const key = { ...demo(channel), kind: 'sync' as const }
    const before = (await getOrderSync(hub.deps.db, key))?.watermark ?? null
    // The second page fails for good this attempt (five 500s outlast the page's retries).
    emulator.state(channel).faults.add({ path: '/order/202309/orders/search', delayMs: 1 })
    emulator.state(channel).faults.add({
      path: '/order/202309/orders/search',
      times: 5,
      answer: () => new Response('{"code":50000,"message":"boom"}', { status: 500 }),
    })
    const attempt = await runOrderSync(deps(), demo(channel), 'sync', {
      sleep: () => Promise.resolve(),
    }).catch((err: unknown) => err)
    expect(attempt).toBeInstanceOf(Error)
    const failed = await getOrderSync(hub.deps.db, key)
    expect(failed?.watermark ?? null).toEqual(before)
    expect(failed).toMatchObject({ pages: 1, orders_read: 100 })
    expect(failed?.page).not.toBeNull()
    expect(failed?.last_error).toMatch(/500|boom/)

    emulator.state(channel).faults.clear()
    const resumed = await runOrderSync(deps(), demo(channel), 'sync')
    expect(resumed).toMatchObject({ kind: 'done', resumed: true, ordersRead: 150 })
    const done = await getOrderSync(hub.deps.db, key)
    expect(done?.watermark?.getTime()).toBe(resumed.kind === 'done' && resumed.window.to.getTime())
    await drained(channel)
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from sales_order where channel = ${channel} and external_id = any(${ids}::text[])`.execute(
      hub.deps.db,
    )
    expect(Number(rows[0]!.n)).toBe(150)
  })
})

describe('backfill', () => {
  it('refuses a bad account or date with a clear error and changes nothing', async () => {
    const post = (path: string, body: unknown) =>
      hub.app.request(path, {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const cases: [string, unknown, number, RegExp][] = [
      [
        '/v1/admin/order-sync/shopify/nobody/backfill',
        { since: '2026-11-01' },
        404,
        /unknown account/,
      ],
      ['/v1/admin/order-sync/ebay/demo/backfill', { since: '2026-11-01' }, 400, /not a channel/],
      ['/v1/admin/order-sync/shopify/demo/backfill', { since: 'last week' }, 400, /ISO 8601/],
      ['/v1/admin/order-sync/shopify/demo/backfill', { since: '2999-01-01' }, 400, /future/],
      [
        '/v1/admin/order-sync/shopify/demo/backfill',
        { since: '2001-01-01' },
        400,
        /before what shopify lists/,
      ],
      ['/v1/admin/order-sync/shopify/demo/backfill', { from: '2026-11-01' }, 400, /since/],
    ]
    for (const [path, body, status, message] of cases) {
      const res = await post(path, body)
      expect(res.status, path).toBe(status)
      expect(JSON.stringify(await res.json())).toMatch(message)
    }
    // The command says the same, with its exit codes (1 refused, 2 a channel it does not know).
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      expect(await backfillCommand(hub.deps, 'shopify', 'demo', '2999-01-01')).toBe(1)
      expect(await backfillCommand(hub.deps, 'shopify', 'nobody', '2026-11-01')).toBe(1)
      expect(await backfillCommand(hub.deps, 'ebay', 'demo', '2026-11-01')).toBe(2)
      expect(said.mock.calls.flat().join('\n')).toMatch(
        /shopify\/demo: since: .* is in the future[\s\S]*unknown account shopify\/nobody[\s\S]*--channel must be one of/,
      )
    } finally {
      said.mockRestore()
    }
    const backfill = await getOrderSync(hub.deps.db, { ...demo('shopify'), kind: 'backfill' })
    expect(backfill).toBeUndefined()
  })

  it(
    'killed mid-run resumes at its page: every order read once, the sync handed its first watermark',
    { timeout: 60_000 },
    async () => {
      const channel = 'walmart'
      const ids = place(channel, 250).map((p) => p.orderId)
      const since = new Date(Date.now() - 120_000).toISOString()
      const state = emulator.state(channel)
      // The first page answers; the second is held long enough to kill the process waiting for it.
      state.faults.add({ path: '/v3/orders', delayMs: 1 })
      state.faults.add({ path: '/v3/orders', delayMs: 60_000 })
      const env = {
        DATABASE_URL: hub.config.db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: hub.config.queues.prefix,
        SANDBOX_EMULATOR_PORT: new URL(emulator.url).port,
        ORDER_SYNC_SETTLE_MS: '0',
        LOG_LEVEL: 'warn',
      }
      const args = ['backfill', '--channel', channel, '--account', 'demo', '--since', since]
      const first = spawnHub(args, env)
      const key = { ...demo(channel), kind: 'backfill' as const }
      await vi.waitFor(async () => expect((await getOrderSync(hub.deps.db, key))?.pages).toBe(1), {
        timeout: 30_000,
        interval: 100,
      })
      first.child.kill('SIGKILL')
      await first.exited
      const killed = await getOrderSync(hub.deps.db, key)
      expect(killed).toMatchObject({ pages: 1, orders_read: 200 })
      expect(killed?.window_from).not.toBeNull()

      // Its lease would lapse in LEASE_MS; here it is moved back rather than waited for.
      await sql`update order_sync set lease_until = now() - interval '1 second' where kind = 'backfill'`.execute(
        hub.deps.db,
      )
      state.faults.clear()
      // The same command again, in this process (its own is exercised above): it resumes.
      const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined)
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
      try {
        expect(await backfillCommand(hub.deps, channel, 'demo', since)).toBe(0)
      } finally {
        vi.restoreAllMocks()
      }
      // The leader's sweep may take the lapsed run up first; the command then watches it finish.
      expect(printed.mock.calls.flat().join('\n')).toMatch(
        /read 250 orders|finished \(by another process\)/,
      )
      const { rows } = await sql<{ keys: string; distinct_orders: string }>`
        select count(*) as keys, count(distinct split_part(dedupe_key, '@', 1)) as distinct_orders
          from inbox_message where channel = ${channel} and dedupe_key like 'backfill:%'`.execute(
        hub.deps.db,
      )
      expect(Number(rows[0]!.keys)).toBe(250)
      expect(Number(rows[0]!.distinct_orders)).toBe(250)
      const sync = await getOrderSync(hub.deps.db, { ...demo(channel), kind: 'sync' })
      expect(sync?.watermark).not.toBeNull()
      await drained(channel)
      const held = await sql<{ n: string }>`
        select count(*) as n from sales_order where channel = ${channel} and external_id = any(${ids}::text[])`.execute(
        hub.deps.db,
      )
      expect(Number(held.rows[0]!.n)).toBe(250)
    },
  )
})

describe('GET /v1/admin/order-sync', () => {
  it('shows each account’s watermark, orders found by polling and freshness', async () => {
    const [lost] = place('shopify', 1)
    expect((await runOrderSync(deps(), demo('shopify'), 'sync')).kind).toBe('done')
    await drained('shopify')
    await vi.waitFor(async () => expect(await eventTypes('shopify', lost!.orderId)).toHaveLength(2))
    await vi.waitFor(
      async () => {
        const { rows } = await sql<{ n: string }>`
          select count(*) as n from outbox_event where position is null`.execute(hub.deps.db)
        expect(Number(rows[0]!.n)).toBe(0)
      },
      { timeout: 10_000 },
    )
    const res = await hub.app.request('/v1/admin/order-sync', { headers: ADMIN })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      accounts: {
        account: string
        watermarkAgeSeconds: number | null
        foundByPolling: { sync: number; latest: string[] }
        api: { lane: string; calls: number }[]
        freshness: { events: number }
      }[]
    }
    const shopify = body.accounts.find((a) => a.account === 'shopify/demo')!
    expect(shopify.watermarkAgeSeconds).toBeGreaterThanOrEqual(0)
    expect(shopify.foundByPolling.sync).toBeGreaterThanOrEqual(1)
    expect(shopify.foundByPolling.latest).toContain(lost!.orderId)
    expect(shopify.freshness.events).toBeGreaterThan(0)
    expect(shopify.api.find((u) => u.lane === 'poll')?.calls).toBeGreaterThan(0)
    const metrics = await (await hub.app.request('/metrics')).text()
    expect(metrics).toMatch(
      /hub_orders_found_by_polling\{channel="shopify",account="demo",via="sync"\} [1-9]/,
    )
    expect(metrics).toMatch(
      /hub_order_sync_watermark_age_seconds\{channel="shopify",account="demo"\}/,
    )
  })
})
