// De-risks DESIGN.md §10 invariants 2 and 3 for orders: duplicates, reordering and concurrency
// never change the outcome. Webhooks are applied through the real ingress and normalize step on
// real Postgres, in orders the test chooses.
import { beforeEach, describe, expect, it } from 'vitest'
import type { HubEvent, OrderSnapshot } from '../../src/events/index.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'
import { loadFixture, type RecordedWebhook } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { outboxEvents, receiveAndNormalize, truncateAll } from '../helpers/pipeline.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

const hub = useTestHub()
const created = loadFixture('shopify', 'orders-create/basic')
const paid = loadFixture('shopify', 'orders-updated/paid-first')
const fulfilled = loadFixture('shopify', 'orders-updated/then-fulfilled')

beforeEach(() => truncateAll(hub.deps))

async function storedOrder(externalId: string): Promise<OrderSnapshot | undefined> {
  const row = await hub.deps.db
    .selectFrom('sales_order')
    .select('snapshot')
    .where('external_id', '=', externalId)
    .executeTakeFirst()
  return row?.snapshot as OrderSnapshot | undefined
}

/** Versions of one order, one minute apart, moving through its life. */
function versions(count: number): RecordedWebhook[] {
  const base = JSON.parse(paid.body) as Record<string, unknown>
  const start = Date.parse('2025-03-06T14:30:12Z')
  return Array.from({ length: count }, (_, i) => {
    const body = {
      ...base,
      updated_at: new Date(start + i * 60_000).toISOString().replace('.000Z', 'Z'),
      note: `revision ${i}`,
      total_tax: `${(1 + i).toString()}.00`,
      fulfillment_status: i === count - 1 ? 'fulfilled' : null,
    }
    return withBody(paid, JSON.stringify(body), `rev-${i}`)
  })
}

const typesAndTimes = (events: readonly HubEvent[]) =>
  events.map((e) => [e.type, 'order' in e.data ? e.data.order.updatedAt : e.time])

describe('the same webhook delivered many times', () => {
  it('yields one event', async () => {
    for (let i = 0; i < 3; i++) await receiveAndNormalize(hub, created)
    const events = await outboxEvents(hub.deps)
    expect(events.map((e) => e.type)).toEqual(['order.created.v1'])
    expect(await hub.deps.db.selectFrom('inbox_message').selectAll().execute()).toHaveLength(1)
  })

  it('yields one event even when Shopify re-sends the content under a new webhook id', async () => {
    await receiveAndNormalize(hub, created)
    await receiveAndNormalize(hub, withBody(created, created.body, 'another-delivery-id'))
    expect((await outboxEvents(hub.deps)).map((e) => e.type)).toEqual(['order.created.v1'])
  })

  it('yields one event when a job is run twice (a retry after a crash)', async () => {
    const res = await postShopify(hub.app, created)
    const { id } = (await res.json()) as { id: string }
    await Promise.all(
      [1, 2, 3].map(() => normalizeInboxItem(hub.deps, id, { finalAttempt: false })),
    )
    expect((await outboxEvents(hub.deps)).map((e) => e.type)).toEqual(['order.created.v1'])
  })

  it('yields one order.returned.v1 per refund, whatever the webhook id', async () => {
    const refund = loadFixture('shopify', 'refunds-create/restocked-line')
    await receiveAndNormalize(hub, refund)
    await receiveAndNormalize(hub, withBody(refund, refund.body, 'refund-redelivered'))
    expect((await outboxEvents(hub.deps)).map((e) => e.type)).toEqual(['order.returned.v1'])
  })
})

describe('snapshots delivered out of order', () => {
  it('newest-first leaves the newest state and emits no backwards change', async () => {
    await receiveAndNormalize(hub, fulfilled)
    await receiveAndNormalize(hub, paid)
    const stored = await storedOrder('5940139491301')
    expect(stored?.status).toBe('fulfilled')
    expect(stored?.updatedAt).toBe(JSON.parse(fulfilled.body).updated_at)
    // Only the first sighting; the older snapshot changed nothing.
    expect((await outboxEvents(hub.deps)).map((e) => e.type)).toEqual(['order.created.v1'])
  })

  it('in order, emits the change', async () => {
    await receiveAndNormalize(hub, paid)
    await receiveAndNormalize(hub, fulfilled)
    const events = await outboxEvents(hub.deps)
    expect(events.map((e) => e.type)).toEqual(['order.created.v1', 'order.fulfilled.v1'])
    const change = events[1]!
    expect(change.type === 'order.fulfilled.v1' && change.data).toMatchObject({
      previousStatus: 'awaiting_fulfillment',
      changedFields: expect.arrayContaining(['status']),
    })
  })

  it('a reorder storm ends in the same state as a clean run, with time only moving forward', async () => {
    const all = versions(8)
    for (const fx of all) await receiveAndNormalize(hub, fx)
    const clean = await storedOrder('5940139491301')
    const cleanEvents = await outboxEvents(hub.deps)
    expect(cleanEvents).toHaveLength(8)

    await truncateAll(hub.deps)
    const storm = [...all].reverse().flatMap((fx) => [fx, fx]) // newest first, each twice
    for (const fx of storm) await receiveAndNormalize(hub, fx)
    expect(await storedOrder('5940139491301')).toEqual(clean)
    const stormEvents = await outboxEvents(hub.deps)
    expect(typesAndTimes(stormEvents)).toEqual([['order.created.v1', clean!.updatedAt]])
  })

  it('concurrent normalization of one order keeps the newest and never emits a step backwards', async () => {
    const all = versions(10)
    const ids: string[] = []
    for (const fx of all) {
      const res = await postShopify(hub.app, fx)
      ids.push(((await res.json()) as { id: string }).id)
    }
    await Promise.all(ids.map((id) => normalizeInboxItem(hub.deps, id, { finalAttempt: false })))
    const stored = await storedOrder('5940139491301')
    expect(stored?.updatedAt).toBe(JSON.parse(all[9]!.body).updated_at)
    const times = (await outboxEvents(hub.deps)).map((e) =>
      'order' in e.data ? Date.parse(e.data.order.updatedAt) : 0,
    )
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(new Set(times).size).toBe(times.length)
  })
})
