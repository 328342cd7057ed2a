// Issue #7's storm fault tests (DESIGN.md §10 invariants 2 and 3) on a corpus of Shopify orders
// that are created, updated, then fulfilled or cancelled, with stock reserved for their lines:
// - duplicate storm: every webhook 5 times, copies shuffled (seeded: TEST_SEED replays an order),
//   orders concurrent: the same state and the same events as one clean run;
// - reorder storm: each order's versions newest-first, with duplicates, through the real queues
//   and workers: the same final state, and only the newest version is ever published.
import { describe, expect, it } from 'vitest'
import type { HubEvent, OrderSnapshot } from '../../src/events/index.js'
import { putInventoryLevel } from '../../src/pipeline/inventory-commands.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'
import { settleChangedSkus } from '../../src/inventory/settle-changes.js'
import { loadFixture, type RecordedWebhook } from '../helpers/fixtures.js'
import { useTestHub, type TestHub } from '../helpers/hub.js'
import { inboxStatus, outboxEvents, receiveAndNormalize } from '../helpers/pipeline.js'
import { seededRandom, shuffle } from '../helpers/seeded-random.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

const clean = useTestHub()
const duplicated = useTestHub()
const reordered = useTestHub({ workers: true })

const ORDERS = 24
const SKUS = ['STORM-A', 'STORM-B', 'STORM-C']
const created = loadFixture('shopify', 'orders-create/basic')
const T0 = Date.parse('2026-11-01T09:00:00Z')

/** Order k's versions, oldest first: created, updated (a note), then fulfilled or cancelled. */
function versions(k: number): RecordedWebhook[] {
  const base = JSON.parse(created.body) as Record<string, unknown> & {
    line_items: Array<Record<string, unknown>>
  }
  const id = 7_000_000_000_000 + k
  const line = {
    ...base.line_items[0]!,
    id: id * 10,
    sku: SKUS[k % SKUS.length],
    quantity: 1 + (k % 3),
    current_quantity: 1 + (k % 3),
    fulfillable_quantity: 1 + (k % 3),
  }
  const at = (minute: number) => new Date(T0 + k * 1_000 + minute * 60_000).toISOString()
  const body = (
    minute: number,
    extra: Record<string, unknown>,
    lineExtra: Record<string, unknown> = {},
  ) =>
    JSON.stringify({
      ...base,
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#S${k}`,
      order_number: 5000 + k,
      updated_at: at(minute),
      line_items: [{ ...line, ...lineExtra }],
      ...extra,
    })
  const topic = (fx: RecordedWebhook, t: string) => ({
    ...fx,
    headers: { ...fx.headers, 'x-shopify-topic': t },
  })
  const final =
    k % 2 === 0
      ? topic(
          withBody(
            created,
            body(
              2,
              { fulfillment_status: 'fulfilled' },
              { fulfillable_quantity: 0, fulfillment_status: 'fulfilled' },
            ),
            `s${k}-v2`,
          ),
          'orders/fulfilled',
        )
      : topic(
          withBody(
            created,
            body(
              2,
              { cancelled_at: at(2), cancel_reason: 'customer' },
              { fulfillable_quantity: 0 },
            ),
            `s${k}-v2`,
          ),
          'orders/cancelled',
        )
  return [
    withBody(created, body(0, {}), `s${k}-v0`),
    topic(withBody(created, body(1, { note: `revised ${k}` }), `s${k}-v1`), 'orders/updated'),
    final,
  ]
}

const corpus = Array.from({ length: ORDERS }, (_, k) => versions(k))

async function seedStock(hub: TestHub): Promise<void> {
  for (const sku of SKUS)
    await putInventoryLevel(hub.deps, { sku, onHand: 100, asOf: new Date('2026-11-01T08:00:00Z') })
}

async function state(hub: TestHub) {
  // Hubs without workers settle reservation changes here, as the relay leader would.
  while ((await settleChangedSkus(hub.deps)) > 0);
  const orders = await hub.deps.db
    .selectFrom('sales_order')
    .select(['external_id', 'snapshot'])
    .orderBy('external_id')
    .execute()
  const items = await hub.deps.db
    .selectFrom('inventory_item')
    .select(['sku', 'on_hand', 'reserved', 'ats'])
    .orderBy('sku')
    .execute()
  const reservations = await hub.deps.db
    .selectFrom('reservation')
    .select(['order_id', 'line_id', 'sku', 'held', 'consumed', 'settled'])
    .orderBy('order_id')
    .execute()
  return { orders, items, reservations }
}

const orderEvents = async (hub: TestHub) =>
  (await outboxEvents(hub.deps))
    .filter((e) => e.type.startsWith('order.'))
    .map((e) => ({ id: e.id, type: e.type, subject: e.subject, data: e.data }))
    .sort((a, b) => a.id.localeCompare(b.id))

type State = Awaited<ReturnType<typeof state>>
type OrderEvent = Awaited<ReturnType<typeof orderEvents>>[number]

/**
 * The baseline every storm is compared with: every version once, in order, on its own hub. Made
 * by whichever test needs it first, so each test runs alone or in any order.
 */
let cleanRun: Promise<{ state: State; events: OrderEvent[] }> | undefined
function baseline() {
  cleanRun ??= (async () => {
    await seedStock(clean)
    for (const order of corpus) for (const v of order) await receiveAndNormalize(clean, v)
    return { state: await state(clean), events: await orderEvents(clean) }
  })()
  return cleanRun
}

describe('storms', () => {
  it('a clean run: every version once, in order', async () => {
    const s = (await baseline()).state
    expect(s.orders).toHaveLength(ORDERS)
    // Fulfilled orders keep their shipped units reserved (no later on-hand level); cancelled hold nothing.
    expect(s.reservations.filter((r) => r.held > 0)).toEqual([])
  })

  it('duplicate storm: every webhook 5 times, shuffled copies, orders concurrent → same state and events', async () => {
    await seedStock(duplicated)
    const random = seededRandom()
    // Per order: each version's first copy in order; the other four copies of it (and of older
    // versions) land anywhere after it.
    const perOrder = corpus.map((order) => {
      const sequence: RecordedWebhook[] = []
      const pending: RecordedWebhook[] = []
      for (const v of order) {
        sequence.push(v)
        pending.push(v, v, v, v)
        shuffle(pending, random)
        sequence.push(...pending.splice(0, Math.floor(random() * pending.length)))
      }
      return [...sequence, ...pending]
    })
    let accepted = 0
    let duplicates = 0
    await Promise.all(
      perOrder.map(async (sequence) => {
        for (const fx of sequence) {
          const res = await postShopify(duplicated.app, fx)
          expect(res.status).toBe(200)
          const body = (await res.json()) as { status: string; id?: string }
          if (body.status === 'duplicate') duplicates++
          else {
            accepted++
            await normalizeInboxItem(duplicated.deps, body.id!, { finalAttempt: false })
          }
        }
      }),
    )
    expect({ accepted, duplicates }).toEqual({ accepted: ORDERS * 3, duplicates: ORDERS * 3 * 4 })
    const { state: cleanState, events } = await baseline()
    expect(await state(duplicated)).toEqual(cleanState)
    expect(await orderEvents(duplicated)).toEqual(events)
  })

  it('reorder storm: versions newest-first, with duplicates, through the workers → same state, only the newest published', async () => {
    await seedStock(reordered)
    const received = async (id: string) => {
      await expect
        .poll(() => inboxStatus(reordered.deps, id), { timeout: 20_000, interval: 20 })
        .not.toBe('received')
    }
    await Promise.all(
      corpus.map(async (order) => {
        // Newest first, each version twice; the channel waits for our 200 before its next send,
        // and the next version arrives only once the previous one is normalized.
        for (const fx of [...order].reverse().flatMap((v) => [v, v])) {
          const res = await postShopify(reordered.app, fx)
          expect(res.status).toBe(200)
          const body = (await res.json()) as { status: string; id?: string }
          if (body.id) await received(body.id)
        }
      }),
    )
    const cleanState = (await baseline()).state
    expect(await state(reordered)).toEqual(cleanState)
    const events = await orderEvents(reordered)
    const finals = new Map(
      cleanState.orders.map((o) => [o.external_id, o.snapshot as OrderSnapshot]),
    )
    expect(events).toHaveLength(ORDERS)
    for (const e of events) {
      expect(e.type).toBe('order.created.v1')
      const order = (e.data as Extract<HubEvent, { type: 'order.created.v1' }>['data']).order
      expect(order).toEqual(finals.get(order.externalId))
    }
  })
})
