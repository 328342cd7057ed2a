// De-risks the operator's view of the inbox: search by every field is served by indexes (order id
// and SKU through inbox_subject, filled when a message is normalized), one message is shown with
// its signatures masked and the events it produced, and replaying one message re-applies it
// without duplicating events, while a message the normalizer still rejects stays failed.
import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { searchInboxQuery, type InboxSearchFilter } from '../../src/db/repos/inbox-search.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { outboxEvents, receiveAndNormalize, relayAll, truncateAll } from '../helpers/pipeline.js'

const hub = useTestHub()
const ORDER_ID = '5940139491234'
const ORDER_SKU = 'KIT-SP-WAL'

// JSON.parse is typed `any`, which the assertions below read freely.
const get = async (path: string) => {
  const res = await hub.app.request(path, { headers: ADMIN })
  return { status: res.status, body: JSON.parse(await res.text()) }
}
const post = async (path: string) => {
  const res = await hub.app.request(path, { method: 'POST', headers: ADMIN })
  return { status: res.status, body: JSON.parse(await res.text()) }
}
const ids = (body: unknown) => (body as { messages: { id: string }[] }).messages.map((m) => m.id)
const types = (events: unknown) => (events as { type: string }[]).map((e) => e.type)

/** A stored message as intake would have written it, for states the webhook path cannot make. */
async function insertInbox(row: {
  dedupeKey: string
  topic: string
  body: Buffer | string
  headers?: Record<string, string>
  status?: 'received' | 'normalized' | 'ignored' | 'failed'
  outcome?: unknown
}): Promise<string> {
  const inserted = await hub.deps.db
    .insertInto('inbox_message')
    .values({
      channel: 'shopify',
      account_id: 'demo',
      dedupe_key: row.dedupeKey,
      topic: row.topic,
      headers: JSON.stringify(row.headers ?? {}),
      raw_body: Buffer.isBuffer(row.body) ? row.body : Buffer.from(row.body),
      channel_time: null,
      received_at: new Date(),
      status: row.status ?? 'received',
      outcome: row.outcome === undefined ? null : JSON.stringify(row.outcome),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

/**
 * Starts from an empty inbox and stores four messages the way webhooks arrive: an order, a stock
 * update, one the normalizer rejects and one it ignores; their events are relayed (have positions).
 */
async function storeFourMessages() {
  await truncateAll(hub.deps)
  const order = (await receiveAndNormalize(hub, loadFixture('shopify', 'orders-create/basic')))!
  const stock = (await receiveAndNormalize(
    hub,
    loadFixture('shopify', 'inventory_levels-update/basic'),
  ))!
  const invalid = (await receiveAndNormalize(
    hub,
    loadFixture('shopify', 'orders-create/invalid-missing-price'),
  ))!
  const ignored = (await receiveAndNormalize(
    hub,
    loadFixture('shopify', 'products-update/not-consumed'),
  ))!
  await relayAll(hub.deps)
  return { order, stock, invalid, ignored }
}

// These tests read the four messages and change nothing (one adds a row and removes it again), so
// they share one set; the replay tests below change what these would find and get their own.
describe('inbox search and show', () => {
  let order: string
  let stock: string
  let invalid: string
  let ignored: string

  beforeAll(async () => {
    ;({ order, stock, invalid, ignored } = await storeFourMessages())
  })

  it('finds messages by channel, account, status and time, newest first', async () => {
    const all = await get('/v1/admin/inbox?channel=shopify&account=demo')
    expect(all.status).toBe(200)
    expect(ids(all.body)).toEqual([ignored, invalid, stock, order])
    expect(ids((await get('/v1/admin/inbox?status=failed')).body)).toEqual([invalid])
    expect(ids((await get('/v1/admin/inbox?status=ignored')).body)).toEqual([ignored])
    expect(ids((await get('/v1/admin/inbox?channel=amazon')).body)).toEqual([])
    expect(ids((await get('/v1/admin/inbox?account=nobody')).body)).toEqual([])
    const future = new Date(Date.now() + 60_000).toISOString()
    expect(ids((await get(`/v1/admin/inbox?from=${future}`)).body)).toEqual([])
    expect(ids((await get(`/v1/admin/inbox?to=${future}&status=normalized`)).body)).toEqual([
      stock,
      order,
    ])
  })

  it('finds messages by order id and SKU, from what normalization recorded', async () => {
    expect(ids((await get(`/v1/admin/inbox?orderId=${ORDER_ID}`)).body)).toEqual([order])
    expect(ids((await get(`/v1/admin/inbox?sku=${ORDER_SKU}`)).body)).toEqual([order])
    expect(ids((await get(`/v1/admin/inbox?sku=${ORDER_SKU}&orderId=${ORDER_ID}`)).body)).toEqual([
      order,
    ])
    expect(ids((await get(`/v1/admin/inbox?sku=${ORDER_SKU}&status=failed`)).body)).toEqual([])
    expect(ids((await get('/v1/admin/inbox?orderId=1')).body)).toEqual([])
  })

  it('pages with a cursor', async () => {
    const first = await get('/v1/admin/inbox?limit=3')
    expect(ids(first.body)).toEqual([ignored, invalid, stock])
    expect(first.body.next).toBe(stock)
    const second = await get(`/v1/admin/inbox?limit=3&before=${first.body.next}`)
    expect(ids(second.body)).toEqual([order])
    expect(second.body.next).toBeNull()
  })

  it('names every bad query field', async () => {
    const res = await get('/v1/admin/inbox?status=done&from=yesterday&limit=0&colour=red')
    expect(res.status).toBe(400)
    const problems = (res.body.problems as string[]).join('\n')
    for (const field of ['status', 'from', 'limit', 'colour']) expect(problems).toContain(field)
  })

  it('shows a message with masked signatures, its body and the events it produced', async () => {
    const shown = await get(`/v1/admin/inbox/${order}`)
    expect(shown.status).toBe(200)
    const m = shown.body
    expect(m).toMatchObject({
      id: order,
      channel: 'shopify',
      account: 'demo',
      topic: 'orders/create',
      status: 'normalized',
      outcome: { events: expect.any(Number) },
    })
    expect(m.headers['x-shopify-hmac-sha256']).toBe('[masked]')
    expect(m.headers['x-shopify-topic']).toBe('orders/create')
    expect(m.body).toBe(loadFixture('shopify', 'orders-create/basic').body)
    expect(m.bodyBase64).toBeUndefined()
    const events = m.events as { type: string; position: string | null }[]
    expect(events.map((e) => e.type)).toContain('order.created.v1')
    for (const e of events) expect(e.position).toMatch(/^\d+$/)

    const failed = (await get(`/v1/admin/inbox/${invalid}`)).body
    expect(failed.status).toBe('failed')
    expect(failed.outcome.issues.length).toBeGreaterThan(0)
    expect(failed.events).toEqual([])
  })

  it('masks credentials again even if a stored row kept them, and shows bytes that are not UTF-8 as base64', async () => {
    const id = await insertInbox({
      dedupeKey: 'hand-written-1',
      topic: 'orders/create',
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      headers: {
        'x-shopify-hmac-sha256': 'c2lnbmF0dXJl',
        authorization: 'Bearer live-token',
        'x-amz-sns-signature': 'abc',
        'x-request-id': 'r-1',
      },
    })
    try {
      const shown = (await get(`/v1/admin/inbox/${id}`)).body
      expect(shown.headers).toEqual({
        'x-shopify-hmac-sha256': '[masked]',
        authorization: '[masked]',
        'x-amz-sns-signature': '[masked]',
        'x-request-id': 'r-1',
      })
      expect(shown.body).toBeNull()
      expect(Buffer.from(shown.bodyBase64 as string, 'base64')).toEqual(
        Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      )
    } finally {
      // Even when it fails: the searches here expect exactly the four messages.
      await hub.deps.db.deleteFrom('inbox_message').where('id', '=', id).execute()
    }
  })

  it('answers 404 for an unknown or malformed id', async () => {
    expect((await get('/v1/admin/inbox/999999999')).status).toBe(404)
    expect((await get('/v1/admin/inbox/abc')).status).toBe(404)
    expect((await post('/v1/admin/inbox/999999999/replay')).status).toBe(404)
  })

  it('refuses every route without admin credentials', async () => {
    for (const [method, path] of [
      ['GET', '/v1/admin/inbox'],
      ['GET', `/v1/admin/inbox/${order}`],
      ['POST', `/v1/admin/inbox/${order}/replay`],
    ] as const) {
      const res = await hub.app.request(path, { method })
      expect(res.status, `${method} ${path}`).toBe(401)
      const wrong = await hub.app.request(path, {
        method,
        headers: { authorization: 'Bearer wrong' },
      })
      expect(wrong.status, `${method} ${path}`).toBe(401)
    }
  })
})

describe('inbox replay', () => {
  let order: string
  let invalid: string

  beforeAll(async () => {
    ;({ order, invalid } = await storeFourMessages())
  })

  it('replays a normalized message without producing its events again', async () => {
    const before = await outboxEvents(hub.deps)
    const replayed = await post(`/v1/admin/inbox/${order}/replay`)
    expect(replayed.status).toBe(200)
    expect(replayed.body).toMatchObject({
      statusBefore: 'normalized',
      statusAfter: 'normalized',
      result: 'applied',
      newEvents: [],
    })
    expect(await outboxEvents(hub.deps)).toEqual(before)
  })

  it('keeps a message the normalizer still rejects failed, with its reasons', async () => {
    const replayed = await post(`/v1/admin/inbox/${invalid}/replay`)
    expect(replayed.status).toBe(200)
    expect(replayed.body).toMatchObject({
      statusBefore: 'failed',
      statusAfter: 'failed',
      result: 'failed',
      newEvents: [],
    })
    expect(replayed.body.reason).toMatch(/invalid payload/)
    expect((replayed.body.outcome as { issues: string[] }).issues.length).toBeGreaterThan(0)
  })

  it('applies a failed message once its cause is gone, and a second replay adds nothing', async () => {
    // Stored as it is after a transient fault outlasted its retries: the body itself is fine.
    const fx = loadFixture('shopify', 'orders-create/multi-line-discounts')
    const id = await insertInbox({
      dedupeKey: 'gave-up-1',
      topic: fx.topic,
      body: fx.body,
      status: 'failed',
      outcome: { reason: 'gave up after repeated errors: connection terminated' },
    })
    const first = await post(`/v1/admin/inbox/${id}/replay`)
    expect(first.body).toMatchObject({
      statusBefore: 'failed',
      statusAfter: 'normalized',
      result: 'applied',
    })
    expect(types(first.body.newEvents)).toContain('order.created.v1')
    const externalId = JSON.parse(fx.body).id as number
    expect(ids((await get(`/v1/admin/inbox?orderId=${externalId}`)).body)).toEqual([id])

    const second = await post(`/v1/admin/inbox/${id}/replay`)
    expect(second.body).toMatchObject({ statusAfter: 'normalized', newEvents: [] })
  })

  it('publishes what changed when the stored order differs from what the message says now', async () => {
    // As if an older normalizer had stored a wrong total: the replay's update takes the position
    // of the original order.created, so it must get its own id instead of being dropped.
    await sql`update sales_order
                 set snapshot = jsonb_set(snapshot, '{totals,total,amountMinor}', '1')
               where external_id = ${ORDER_ID}`.execute(hub.deps.db)
    const replayed = await post(`/v1/admin/inbox/${order}/replay`)
    expect(types(replayed.body.newEvents)).toEqual(['order.updated.v1'])
    const again = await post(`/v1/admin/inbox/${order}/replay`)
    expect(again.body.newEvents).toEqual([])
  })
})

describe('search plans', () => {
  const NOW = Date.now()
  beforeAll(async () => {
    await truncateAll(hub.deps)
    // Enough rows that the planner would rather scan than look up, if it had no index to use; the
    // values searched for are rare, as a failed message or one account's traffic usually is.
    await sql`
      insert into inbox_message (channel, account_id, dedupe_key, topic, headers, raw_body,
                                 received_at, status)
      select case when i % 100 = 0 then 'tiktok-shop' else 'shopify' end,
             case when i % 200 = 1 then 'rare' else 'acct-' || (i % 50) end,
             'bulk-' || i, 'orders/create', '{}', '\\x7b7d'::bytea,
             to_timestamp(${NOW / 1000}) - make_interval(secs => 30000 - i),
             case when i % 200 = 2 then 'failed' else 'normalized' end
        from generate_series(1, 30000) i`.execute(hub.deps.db)
    await sql`
      insert into inbox_subject (inbox_id, kind, value)
      select id, 'order', 'ord-' || (id % 10000) from inbox_message
      union all
      select id, 'sku', 'sku-' || (id % 3000) from inbox_message`.execute(hub.deps.db)
    await sql`analyze inbox_message`.execute(hub.deps.db)
    await sql`analyze inbox_subject`.execute(hub.deps.db)
  })

  it.each<[string, InboxSearchFilter, string]>([
    ['order id', { orderId: 'ord-42' }, 'inbox_subject_pkey'],
    ['SKU', { sku: 'sku-7' }, 'inbox_subject_pkey'],
    ['order id and SKU', { orderId: 'ord-42', sku: 'sku-42' }, 'inbox_subject_pkey'],
    ['order id and channel', { orderId: 'ord-42', channel: 'amazon' }, 'inbox_subject_pkey'],
    ['channel', { channel: 'tiktok-shop' }, 'inbox_message_channel_recent'],
    ['account', { accountId: 'rare' }, 'inbox_message_account_recent'],
    ['status', { status: 'failed' }, 'inbox_message_status_recent'],
    [
      'time range',
      { from: new Date(NOW - 20_000_000), to: new Date(NOW - 19_970_000) },
      'inbox_message_received',
    ],
  ])('searching by %s reads an index, never the whole inbox', async (_name, filter, index) => {
    const q = searchInboxQuery(hub.deps.db, filter, { limit: 50, before: '25000' })
    const plan = (await q.explain()).map((r) => String(r['QUERY PLAN'])).join('\n')
    // The inbox is partitioned by day: the planner may scan an empty partition (nothing to read),
    // never one holding the rows, and an index of a partition is its share of the table's index.
    const { rows: holding } = await sql<{ part: string }>`
      select distinct tableoid::regclass::text as part from inbox_message`.execute(hub.deps.db)
    for (const { part } of holding) expect(plan, plan).not.toMatch(`Seq Scan on ${part} `)
    expect(plan).not.toMatch(/Seq Scan on inbox_subject/)
    const { rows: shares } = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = to_regclass(${index})`.execute(hub.deps.db)
    const names = [index, ...shares.map((r) => r.name)]
    expect(
      names.some((n) => plan.includes(` ${n} `)),
      plan,
    ).toBe(true)
    // The same query answers: the plan is the one the API runs.
    await q.execute()
  })
})
