// Personal data (issue #19): an erasure must leave none of the buyer's personal data anywhere the
// hub stores it, and nothing else changed. The risks: a table (or a partition, or a Redis failed
// job) still holding the buyer's e-mail, name, phone or address line after the erasure answered;
// another buyer's data touched; the order's state (status, lines, totals) or its events'
// non-personal fields changed; the erasure request itself writing the e-mail into the audit log;
// a redacted message replayed (alone or by a filtered run); old bodies not redacted by age, or
// redacted with their order state; bad input changing anything.
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import type { ChannelId } from '../../src/events/index.js'
import { WITHHELD_BODY } from '../../src/http/middleware/audit.js'
import { runOrderSync } from '../../src/pipeline/order-sync.js'
import { createAgeRedactor } from '../../src/pipeline/redact-after-age.js'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import { sendWebhook } from '../../src/sandbox/send.js'
import { useEmulator } from '../helpers/emulated-channel.js'
import { loadFixture } from '../helpers/fixtures.js'
import { adminJson, useTestHub } from '../helpers/hub.js'
import { useReceiver } from '../helpers/receiver.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const emulator = useEmulator()
const hub = useTestHub({
  accounts: () => sandboxAccounts(emulator.url),
  workers: true,
  listen: true,
  env: { ORDER_SYNC_INTERVAL_MS: '0', ORDER_SYNC_SETTLE_MS: '0', PII_REDACT_AFTER_DAYS: '30' },
})
const receiver = useReceiver()
beforeAll(async () => {
  // A subscriber whose answers (kept in delivery_attempt.response_excerpt) name the buyer.
  receiver.respond((req) => {
    const event = JSON.parse(req.body) as { data?: { order?: { customerEmail?: unknown } } }
    return { status: 200, body: `stored the order of ${String(event.data?.order?.customerEmail)}` }
  })
  await subscribe(hub.app, receiver.url, ['order.*'])
})

const WAIT = { timeout: 30_000, interval: 100 }
const admin = (method: string, path: string, body?: unknown) =>
  adminJson(hub.app)(method, path, body)

interface Buyer {
  readonly email: string
  readonly name: string
  readonly phone: string
  readonly line1: string
}

/** A buyer no other test (or run) has: its values are found nowhere else. */
function newBuyer(): Buyer {
  const tag = randomBytes(4).toString('hex')
  const digits = String(parseInt(tag, 16) % 10_000_000).padStart(7, '0')
  return {
    email: `buyer.${tag}@example.com`,
    name: `Robin Q${tag}`,
    phone: `+1 303 ${digits}`,
    line1: `${parseInt(tag.slice(0, 3), 16)} Quay${tag} Street`,
  }
}
const valuesOf = (b: Buyer) => [b.email, b.name, b.phone, b.line1]

let nextShopifyId = 7_300_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000

/** The recorded Shopify orders/create (a real capture), as another order of `buyer`. */
function shopifyOrder(buyer: Buyer, fixture = 'orders-create/basic') {
  const fx = loadFixture('shopify', fixture)
  const body = JSON.parse(fx.body) as Record<string, unknown>
  const id = String((nextShopifyId += 1))
  const [first, last] = buyer.name.split(' ')
  const address = (a: unknown) => ({
    ...(a as object),
    first_name: first,
    last_name: last,
    name: buyer.name,
    address1: buyer.line1,
    phone: buyer.phone,
  })
  Object.assign(body, {
    id: Number(id),
    email: buyer.email,
    contact_email: buyer.email,
    phone: buyer.phone,
    billing_address: address(body.billing_address),
    shipping_address: address(body.shipping_address),
  })
  const customer = body.customer as Record<string, unknown>
  Object.assign(customer, {
    email: buyer.email,
    first_name: first,
    last_name: last,
    phone: buyer.phone,
    default_address: address(customer.default_address),
  })
  return { id, webhook: withBody(fx, JSON.stringify(body), `erasure-${id}`) }
}

/** Writes `buyer` into an emulated channel's order record, where that channel keeps a buyer. */
function giveBuyer(channel: Exclude<ChannelId, 'shopify'>, record: unknown, buyer: Buyer) {
  const r = record as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  if (channel === 'amazon') {
    r.order.BuyerInfo = { BuyerEmail: buyer.email, BuyerName: buyer.name }
    Object.assign(r.order.ShippingAddress, {
      Name: buyer.name,
      AddressLine1: buyer.line1,
      Phone: buyer.phone,
    })
  } else if (channel === 'walmart') {
    r.customerEmailId = buyer.email
    r.shippingInfo.phone = buyer.phone
    Object.assign(r.shippingInfo.postalAddress, { name: buyer.name, address1: buyer.line1 })
  } else {
    r.buyer_email = buyer.email
    Object.assign(r.recipient_address, {
      name: buyer.name,
      address_line1: buyer.line1,
      phone_number: buyer.phone,
    })
  }
}

const THIN = ['amazon', 'walmart', 'tiktok-shop'] as const

/** Places an order of `buyer` on an emulated channel and sends its webhooks to the hub. */
async function placeThin(channel: (typeof THIN)[number], buyer: Buyer): Promise<string> {
  const state = emulator.state(channel)
  const sku = 'ERASE-TEE'
  state.stock.set(sku, (state.stock.get(sku) ?? 0) + 1)
  const placed = emulatedChannels[channel].placeOrder(state, [{ sku, quantity: 1 }], new Date())
  if (!placed.accepted) throw new Error(placed.reason)
  giveBuyer(channel, state.orders.get(placed.orderId), buyer)
  for (const webhook of placed.webhooks) expect(await sendWebhook(hub.url, webhook)).toBe(200)
  return placed.orderId
}

interface Placed {
  readonly channel: ChannelId
  readonly id: string
}

/** An order of `buyer` on every channel, through the hub's webhook path; returns them. */
async function ordersOf(buyer: Buyer): Promise<Placed[]> {
  const shopify = shopifyOrder(buyer)
  expect((await postShopify(hub.app, shopify.webhook)).status).toBe(200)
  const placed: Placed[] = [{ channel: 'shopify', id: shopify.id }]
  for (const channel of THIN) placed.push({ channel, id: await placeThin(channel, buyer) })
  return placed
}

/** Waits until every order is stored and every event of the hub is delivered. */
async function settled(orders: readonly Placed[]) {
  await vi.waitFor(async () => {
    for (const o of orders) expect(await snapshotOf(o), `${o.channel} ${o.id}`).toBeDefined()
    const { rows } = await sql<{ n: string }>`
      select (select count(*) from inbox_message where status = 'received')
           + (select count(*) from outbox_event where published_at is null)
           + (select count(*) from delivery where status = 'pending') as n`.execute(hub.deps.db)
    expect(Number(rows[0]!.n)).toBe(0)
  }, WAIT)
}

async function snapshotOf(o: Placed) {
  const row = await hub.deps.db
    .selectFrom('sales_order')
    .select(['status', 'snapshot'])
    .where('channel', '=', o.channel)
    .where('external_id', '=', o.id)
    .executeTakeFirst()
  return row && { status: row.status, snapshot: row.snapshot as Record<string, unknown> }
}

/** The order's state and its events without the personal fields: what an erasure must keep. */
async function stateOf(o: Placed) {
  const found = await snapshotOf(o)
  const { lines, totals, status, updatedAt } = found!.snapshot
  const events = await hub.deps.db
    .selectFrom('outbox_event')
    .select(['id', 'type', 'envelope'])
    .where('channel', '=', o.channel)
    .where('subject', '=', `order/${o.id}`)
    .orderBy('seq')
    .execute()
  return {
    status: found!.status,
    snapshot: { lines, totals, status, updatedAt },
    events: events.map((e) => {
      const data = e.envelope.data as { order?: Record<string, unknown> }
      const { customerEmail: _e, shippingAddress: _a, ...order } = data.order ?? {}
      return { id: e.id, type: e.type, order }
    }),
  }
}

/**
 * Every user table (partitions included: relkind `r` covers them, `p` their parents) whose rows,
 * each cast to text, contain `value`: bytea renders as hex there, so the value's hex is looked
 * for too.
 */
async function tablesContaining(value: string): Promise<string[]> {
  const { rows: tables } = await sql<{ name: string }>`
    select format('%I.%I', n.nspname, c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p')
       and n.nspname not in ('pg_catalog', 'information_schema')
       and n.nspname not like 'pg_toast%'`.execute(hub.deps.db)
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining(['public.inbox_message', 'public.audit_log', 'public.erasure']),
  )
  const hex = Buffer.from(value).toString('hex')
  const found: string[] = []
  for (const { name } of tables) {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from ${sql.raw(name)} t
       where strpos(lower(t::text), lower(${value})) > 0
          or strpos(lower(t::text), ${hex}) > 0`.execute(hub.deps.db)
    if (Number(rows[0]!.n) > 0) found.push(name)
  }
  return found
}

/** Failed inbound jobs in Redis whose data contains `value`. */
async function failedJobsContaining(value: string): Promise<string[]> {
  const jobs = await hub.deps.queues.inbound.getFailed()
  return jobs.filter((j) => JSON.stringify(j.data).includes(value)).map((j) => String(j.id))
}

/** The amazon, walmart and tiktok orders also read from the channels' order lists (full records). */
async function syncThinChannels() {
  for (const channel of THIN) {
    const outcome = await runOrderSync(
      { ...hub.deps, db: hub.deps.workDb },
      { channel, accountId: 'demo' },
      'sync',
    )
    expect(outcome.kind).toBe('done')
  }
}

describe('an erasure', () => {
  it(
    "leaves none of the buyer's personal data in any table or failed job, and everything else as it was",
    { timeout: 120_000 },
    async () => {
      const [a, b, c] = [newBuyer(), newBuyer(), newBuyer()]
      const ofA = await ordersOf(a)
      const ofB = await ordersOf(b)
      const ofC = await placeThin('tiktok-shop', c)
      // A webhook of A that normalization refuses: its job fails and keeps the body in Redis.
      const refused = shopifyOrder(a, 'orders-create/invalid-missing-price')
      expect((await postShopify(hub.app, refused.webhook)).status).toBe(200)
      await vi.waitFor(
        async () => expect(await failedJobsContaining(a.email)).toHaveLength(1),
        WAIT,
      )
      // An operator's refused request naming A: the audit log keeps its body.
      const typo = await admin('POST', '/v1/admin/replays', {
        filter: { email: a.email },
        dryRun: true,
      })
      expect(typo.status).toBe(400)
      const all = [...ofA, ...ofB, { channel: 'tiktok-shop' as const, id: ofC }]
      await settled(all)
      await syncThinChannels()
      await settled(all)

      // Every kind of row holds A's data before: the search is not vacuous.
      expect(await tablesContaining(a.email)).toEqual(
        expect.arrayContaining([
          'public.inbox_message',
          'public.sales_order',
          'public.outbox_event',
          'public.delivery_attempt',
          'public.audit_log',
        ]),
      )
      const before = await Promise.all(all.map(stateOf))

      const byEmail = await admin('POST', '/v1/admin/erasures', { email: a.email.toUpperCase() })
      expect(byEmail.status).toBe(200)
      expect(byEmail.body.orders).toEqual(
        expect.arrayContaining(ofA.map((o) => ({ channel: o.channel, account: 'demo', id: o.id }))),
      )
      expect(byEmail.body.orders).toHaveLength(4)
      expect(byEmail.body.changed).toMatchObject({
        sales_order: 4,
        redis_inbound_jobs: 1,
        audit_log: 1,
      })
      const byOrder = await admin('POST', '/v1/admin/erasures', {
        order: { channel: 'tiktok-shop', account: 'demo', id: ofC },
      })
      expect(byOrder.status).toBe(200)
      expect(byOrder.body.orders).toEqual([{ channel: 'tiktok-shop', account: 'demo', id: ofC }])

      for (const value of [...valuesOf(a), ...valuesOf(c)])
        expect(await tablesContaining(value), value).toEqual([])
      expect(await failedJobsContaining(a.email)).toEqual([])
      // B is untouched: their orders still name them.
      for (const o of ofB)
        expect((await snapshotOf(o))!.snapshot.customerEmail, o.channel).toBe(b.email)
      for (const value of valuesOf(b))
        expect(await tablesContaining(value), value).toEqual(
          expect.arrayContaining([
            'public.inbox_message',
            'public.sales_order',
            'public.outbox_event',
          ]),
        )
      // Every order's state and its events' non-personal fields are as they were.
      expect(await Promise.all(all.map(stateOf))).toEqual(before)
      expect((await snapshotOf(ofA[0]!))!.snapshot.shippingAddress).toMatchObject({
        name: '[redacted]',
        line1: '[redacted]',
        countryCode: 'US',
      })

      // The erasure is on record without the e-mail; the audit entry withholds its body.
      const record = await hub.deps.db
        .selectFrom('erasure')
        .selectAll()
        .where('id', '=', String(byEmail.body.erasureId))
        .executeTakeFirstOrThrow()
      expect(record).toMatchObject({ orders: 4, requested_by: 'admin', order_external_id: null })
      expect(record.email_sha256).toMatch(/^[0-9a-f]{64}$/)
      const audit = await hub.deps.db
        .selectFrom('audit_log')
        .select(['body', 'details', 'status'])
        .where('path', '=', '/v1/admin/erasures')
        .execute()
      expect(audit).toEqual(
        expect.arrayContaining([
          {
            body: WITHHELD_BODY,
            status: 200,
            details: expect.objectContaining({ emailSha256: record.email_sha256 }) as unknown,
          },
        ]),
      )
    },
  )

  it('answers an e-mail nothing matches with no orders, changes nothing, and records the request', async () => {
    const res = await admin('POST', '/v1/admin/erasures', { email: newBuyer().email })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      orders: [],
      changed: {
        inbox_message: 0,
        sales_order: 0,
        outbox_event: 0,
        delivery_attempt: 0,
        audit_log: 0,
        redis_inbound_jobs: 0,
      },
    })
    const record = await hub.deps.db
      .selectFrom('erasure')
      .select('orders')
      .where('id', '=', String(res.body.erasureId))
      .executeTakeFirst()
    expect(record).toEqual({ orders: 0 })
  })

  it.each([
    [{}, 'exactly one of `email` and `order`'],
    [
      { email: 'a@example.com', order: { channel: 'shopify', account: 'demo', id: '1' } },
      'exactly one',
    ],
    [{ email: 'not an e-mail' }, 'body.email: must be an e-mail address'],
    [{ order: { channel: 'ebay', account: 'demo', id: '1' } }, 'body.order.channel'],
    [{ order: { channel: 'shopify', account: 'demo' } }, 'body.order.id'],
    [{ email: 'a@example.com', name: 'Ava' }, 'name'],
  ])('refuses %j with a 400 naming the problem, and records nothing', async (body, problem) => {
    const count = async () =>
      Number(
        (
          await hub.deps.db
            .selectFrom('erasure')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const erasures = await count()
    const res = await admin('POST', '/v1/admin/erasures', body)
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body.problems)).toContain(problem)
    expect(await count()).toBe(erasures)
  })
})

describe('redaction after age', () => {
  it(
    'redacts old bodies in place, keeps order state and events, and refuses to replay them',
    { timeout: 60_000 },
    async () => {
      const buyer = newBuyer()
      const order = shopifyOrder(buyer)
      const res = await postShopify(hub.app, order.webhook)
      const { id } = (await res.json()) as { id: string }
      const placed = { channel: 'shopify' as const, id: order.id }
      await settled([placed])
      const state = await stateOf(placed)
      const fresh = shopifyOrder(newBuyer())
      const freshId = ((await (await postShopify(hub.app, fresh.webhook)).json()) as { id: string })
        .id
      await settled([{ channel: 'shopify', id: fresh.id }])

      const second = shopifyOrder(newBuyer())
      const secondId = (
        (await (await postShopify(hub.app, second.webhook)).json()) as { id: string }
      ).id
      await settled([{ channel: 'shopify', id: second.id }])
      await hub.deps.db
        .updateTable('inbox_message')
        // now(): microseconds, which a JavaScript Date cannot hold (rows are found again exactly).
        .set({ received_at: sql<Date>`now() - interval '31 days'` })
        .where('id', 'in', [id, secondId])
        .execute()
      // A redactor of its own (the leader's looks again only a minute after finding nothing),
      // one row a batch: one background run goes on while its batches come back full.
      const redactor = createAgeRedactor(
        { ...hub.deps, db: hub.deps.workDb },
        { afterDays: 30, batch: 1 },
      )
      redactor.start()
      await redactor.drain()

      const rows = await hub.deps.db
        .selectFrom('inbox_message')
        .select(['id', 'raw_body', 'redacted_at'])
        .where('id', 'in', [id, secondId, freshId])
        .execute()
      const old = rows.find((r) => r.id === id)!
      const body = JSON.parse(old.raw_body.toString('utf8')) as Record<string, unknown>
      expect(body).toMatchObject({
        id: Number(order.id),
        email: '[redacted]',
        customer: expect.objectContaining({ first_name: '[redacted]' }) as unknown,
        line_items: [expect.objectContaining({ sku: 'KIT-SP-WAL', quantity: 1, price: '24.00' })],
      })
      for (const value of valuesOf(buyer))
        expect(old.raw_body.toString('utf8')).not.toContain(value)
      expect(rows.find((r) => r.id === secondId)!.redacted_at).not.toBeNull()
      // The young message is left alone; order state and events stay (the issue says so).
      expect(rows.find((r) => r.id === freshId)!.redacted_at).toBeNull()
      expect(await stateOf(placed)).toEqual(state)
      expect((await snapshotOf(placed))!.snapshot.customerEmail).toBe(buyer.email)

      const replay = await admin('POST', `/v1/admin/inbox/${id}/replay`)
      expect(replay.status).toBe(409)
      expect(String(replay.body.error)).toMatch(/redacted/)
      const shown = await admin('GET', `/v1/admin/inbox/${id}`)
      expect(shown.body.redactedAt).toEqual(expect.any(String))

      const dryRun = await admin('POST', '/v1/admin/replays', {
        filter: { orderId: order.id },
        dryRun: true,
      })
      expect(dryRun.status).toBe(200)
      expect(dryRun.body).toMatchObject({ matching: 0, skippedRedacted: 1, sample: [] })
      const run = await admin('POST', '/v1/admin/replays', {
        filter: { orderId: order.id },
        dryRun: false,
      })
      expect(run.body).toMatchObject({ total: 0, status: 'completed' })
    },
  )
})
