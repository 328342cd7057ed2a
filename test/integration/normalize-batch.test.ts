// De-risks normalizing many webhooks in one transaction (issue #12): a batch must leave exactly the
// state and events that applying its messages one at a time leaves (per-order order, the
// stale-snapshot rule, exactly once in effect), a failing batch must commit nothing, and one bad
// message must fail only itself. Real ingress, real PostgreSQL, the worker's own job data.
import { randomBytes } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import type { HubEvent, OrderSnapshot } from '../../src/events/index.js'
import { normalizeBatch } from '../../src/pipeline/normalize-batch.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'
import { InboundJob, inboundMessage, jobIds, type InboundMessage } from '../../src/queues/index.js'
import { loadFixture, type RecordedWebhook } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { outboxEvents, truncateAll } from '../helpers/pipeline.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

const hub = useTestHub()
const created = loadFixture('shopify', 'orders-create/basic')
const paid = loadFixture('shopify', 'orders-updated/paid-first')
const orderId = String((JSON.parse(created.body) as { id: number }).id)

beforeEach(() => truncateAll(hub.deps))

/** Posts the webhook and returns the message its inbound job carries (what the worker batches). */
async function receive(fx: RecordedWebhook): Promise<InboundMessage> {
  const res = await postShopify(hub.app, fx)
  const { id } = (await res.json()) as { id: string }
  const job = await hub.deps.queues.inbound.getJob(jobIds.inbound(id))
  return inboundMessage(InboundJob.parse(job!.data))!
}

/** Versions of one order, a minute apart; the last one fulfilled. */
function versions(count: number): RecordedWebhook[] {
  const base = JSON.parse(paid.body) as Record<string, unknown>
  const start = Date.parse('2025-03-06T14:30:12Z')
  return Array.from({ length: count }, (_, i) =>
    withBody(
      paid,
      JSON.stringify({
        ...base,
        updated_at: new Date(start + i * 60_000).toISOString().replace('.000Z', 'Z'),
        note: `revision ${i}`,
        fulfillment_status: i === count - 1 ? 'fulfilled' : null,
      }),
      `rev-${i}`,
    ),
  )
}

/** A distinct new order (its own id and webhook id), optionally with a different name. */
function newOrder(id: string, name = '#1001'): RecordedWebhook {
  const body = created.body
    .replaceAll(orderId, id)
    .replace(/"name":"[^"]*"/, JSON.stringify({ name }).slice(1, -1))
  return withBody(created, body, `create-${id}`)
}

async function state() {
  const orders = await hub.deps.db
    .selectFrom('sales_order')
    .select(['external_id', 'snapshot'])
    .orderBy('external_id')
    .execute()
  const inbox = await hub.deps.db
    .selectFrom('inbox_message')
    .select(['dedupe_key', 'status', 'outcome'])
    .orderBy('dedupe_key')
    .execute()
  const reservations = await hub.deps.db
    .selectFrom('reservation')
    .select(['order_id', 'line_id', 'sku', 'held', 'consumed'])
    .orderBy('order_id')
    .orderBy('line_id')
    .execute()
  const events = (await outboxEvents(hub.deps)).map((e: HubEvent) => ({
    id: e.id,
    type: e.type,
    data: e.data,
  }))
  return {
    orders: orders.map((o) => ({ id: o.external_id, snapshot: o.snapshot as OrderSnapshot })),
    inbox,
    reservations,
    events: events.sort((a, b) => a.id.localeCompare(b.id)),
  }
}

describe('normalizing a batch in one transaction', () => {
  it('leaves the same state and events as one message at a time, in the same order', async () => {
    // One order's versions out of order, with repeats, and two other orders in between.
    const all = versions(5)
    const sequence = [
      all[2]!,
      all[0]!,
      newOrder('7100000000001'),
      all[4]!,
      all[1]!,
      withBody(all[2]!, all[2]!.body, 'rev-2-resent'), // the same content under a new webhook id
      all[3]!,
      newOrder('7100000000002'),
    ]

    const oneByOne: InboundMessage[] = []
    for (const fx of sequence) oneByOne.push(await receive(fx))
    for (const m of oneByOne) {
      const result = await normalizeInboxItem(hub.deps, m.inboxId, { finalAttempt: false })
      expect(result.kind).toBe('done')
    }
    const expected = await state()

    await truncateAll(hub.deps)
    const batch: InboundMessage[] = []
    for (const fx of sequence) batch.push(await receive(fx))
    const results = await normalizeBatch(hub.deps, batch)
    expect(results.map((r) => r.kind)).toEqual(sequence.map(() => 'done'))
    const got = await state()

    expect(got).toEqual(expected)
    // The stale-snapshot rule held inside the batch: the newest version is stored.
    const stored = got.orders.find((o) => o.id === String(JSON.parse(paid.body).id))
    expect(stored?.snapshot.status).toBe('fulfilled')
    expect(got.inbox.every((m) => m.status === 'normalized')).toBe(true)
  })

  it('changes nothing for messages already normalized (a redelivered job)', async () => {
    const batch = [await receive(newOrder('7100000000003')), await receive(versions(1)[0]!)]
    await normalizeBatch(hub.deps, batch)
    const before = await state()
    const again = await normalizeBatch(hub.deps, [...batch, batch[0]!])
    expect(again.map((r) => r.kind)).toEqual(['done', 'done', 'alone'])
    expect(await state()).toEqual(before)
  })

  it('settles ignored and invalid messages in the same transaction as the others', async () => {
    const unknownTopic = withBody(
      { ...created, headers: { ...created.headers, 'x-shopify-topic': 'carts/create' } },
      '{"id":1}',
      'cart-1',
    )
    const invalid = withBody(created, '{"id": 7100000000004}', 'invalid-1')
    const batch = [
      await receive(unknownTopic),
      await receive(invalid),
      await receive(newOrder('7100000000005')),
    ]
    const results = await normalizeBatch(hub.deps, batch)
    expect(results.map((r) => r.kind)).toEqual(['done', 'permanent', 'done'])
    const { inbox, events } = await state()
    expect(inbox.map((m) => [m.dedupe_key, m.status])).toEqual([
      ['cart-1', 'ignored'],
      ['create-7100000000005', 'normalized'],
      ['invalid-1', 'failed'],
    ])
    expect(inbox.find((m) => m.dedupe_key === 'invalid-1')?.outcome).toMatchObject({
      issues: expect.any(Array),
    })
    expect(events.map((e) => e.type)).toEqual(['order.created.v1'])
  })

  it('commits nothing when the transaction fails, and then one bad message fails only itself', async () => {
    // A SKU of 6,000 characters that do not compress is fine as text, but PostgreSQL cannot index
    // it (a btree row holds at most 2,704 bytes): the batch fails late, after the good orders'
    // rows were written inside it. (What the edge can know, such as U+0000, is refused before the
    // transaction: see hostile/unstorable-input.test.ts.)
    const longSku = randomBytes(3_000).toString('hex')
    const unindexable = newOrder('7100000000007')
    const batch = [
      await receive(newOrder('7100000000006')),
      await receive(
        withBody(
          unindexable,
          unindexable.body.replace('"sku":"KIT-SP-WAL"', `"sku":"${longSku}"`),
          'create-7100000000007',
        ),
      ),
      await receive(newOrder('7100000000008')),
    ]
    expect(batch[1]!.rawBody.toString()).toContain(longSku)
    const results = await normalizeBatch(hub.deps, batch)
    expect(results.map((r) => r.kind)).toEqual(['alone', 'alone', 'alone'])
    const untouched = await state()
    expect(untouched.orders).toEqual([])
    expect(untouched.events).toEqual([])
    expect(untouched.inbox.map((m) => m.status)).toEqual(['received', 'received', 'received'])

    // What the worker does with a batch's `alone` answers: each message on its own.
    const alone = await Promise.allSettled(
      batch.map((m) =>
        normalizeInboxItem(hub.deps, m.inboxId, { finalAttempt: true, body: m.rawBody }),
      ),
    )
    // The bad one alone meets the same refusal, which no retry can cure: it is settled as failed
    // rather than thrown back for the queue to retry (src/storable.ts, isUnstorableValueError).
    expect(alone.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
    const after = await state()
    expect(after.orders.map((o) => o.id)).toEqual(['7100000000006', '7100000000008'])
    expect(after.events).toHaveLength(2)
    const bad = after.inbox.find((m) => m.dedupe_key === 'create-7100000000007')
    expect(bad?.status).toBe('failed') // visible to an operator, replayable after a fix
  })

  it('hands back a message that needs its channel API (hydration) without opening a transaction', async () => {
    const thin = loadFixture('amazon', 'ORDER_CHANGE/unshipped-bare')
    const message: InboundMessage = {
      inboxId: '999999',
      channel: 'amazon',
      accountId: 'demo',
      topic: thin.topic,
      dedupeKey: 'thin-1',
      receivedAt: new Date(),
      rawBody: Buffer.from(thin.body),
    }
    expect(await normalizeBatch(hub.deps, [message])).toEqual([{ kind: 'alone' }])
  })
})
