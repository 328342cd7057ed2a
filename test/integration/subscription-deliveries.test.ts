// De-risks `GET /v1/subscriptions/:id/deliveries`: an operator can see what was sent to a
// subscriber and how every attempt went (time, status code, duration, error), with deliveries
// made by the real pipeline (workers, relay, first attempts, retries) against a real subscriber
// that fails and then succeeds; pages and filters hold, and bad input is refused by name.
import { describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { useReceiver, type ReceivedRequest } from '../helpers/receiver.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const hub = useTestHub({ workers: true, env: { DELIVERY_MAX_ATTEMPTS: '3' } })
const receiver = useReceiver()
const basic = loadFixture('shopify', 'orders-create/basic')

interface Attempt {
  attempt: number
  startedAt: string
  durationMs: number
  statusCode: number | null
  error: string | null
}
interface Delivery {
  id: string
  event: { id: string; type: string; subject: string }
  status: string
  lastError: string | null
  deliveredAt: string | null
  attempts: Attempt[]
}

async function list(subscriptionId: string, query = '', headers: Record<string, string> = ADMIN) {
  const res = await hub.app.request(`/v1/subscriptions/${subscriptionId}/deliveries${query}`, {
    headers,
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function newOrder(orderId: string): Promise<void> {
  const fx = withBody(basic, basic.body.replaceAll('5940139491234', orderId), `wh-${orderId}`)
  expect((await postShopify(hub.app, fx)).status).toBe(200)
}

/** Order ids no other test of the file uses: every test publishes orders of its own. */
let nextOrderId = 7_300_000_000_001
const freshOrderId = () => String(nextOrderId++)

/**
 * A subscription of its own (at `?case=<tag>`) with two deliveries made by the pipeline: the order
 * `flaky` fails once, then is accepted; the order `dead` fails every attempt. Resolves once both
 * are settled. Other subscriptions, which get these orders too, are answered 200.
 */
async function subscriptionWithHistory(tag: string) {
  const flaky = freshOrderId()
  const dead = freshOrderId()
  const path = `/hook?case=${tag}`
  const forOrder = (r: ReceivedRequest, id: string) =>
    r.path === path && r.body.includes(`"subject":"order/${id}"`)
  receiver.respond((req) => {
    if (forOrder(req, dead)) return { status: 503 }
    if (!forOrder(req, flaky)) return { status: 200 }
    const seen = receiver.received.filter((r) => forOrder(r, flaky)).length
    return { status: seen === 0 ? 500 : 200 }
  })
  const id = (await subscribe(hub.app, `${receiver.url}?case=${tag}`)).id
  await newOrder(flaky)
  await newOrder(dead)
  await vi.waitFor(
    async () => {
      const { body } = await list(id)
      const statuses = (body.deliveries as Delivery[]).map((d) => d.status).sort()
      expect(statuses).toEqual(['delivered', 'failed'])
    },
    { timeout: 15_000, interval: 100 },
  )
  return { id, flaky, dead }
}

describe('a subscription’s deliveries', () => {
  it('lists each delivery with its attempts, newest first, as the pipeline made them', async () => {
    const { id: subId, flaky, dead } = await subscriptionWithHistory('list')

    const { status, body } = await list(subId)
    expect(status).toBe(200)
    const [newest, oldest] = body.deliveries as Delivery[]
    expect(body.next).toBeNull()
    expect(Number(newest!.id)).toBeGreaterThan(Number(oldest!.id))
    expect(oldest).toMatchObject({
      event: { type: 'order.created.v1', subject: `order/${flaky}` },
      status: 'delivered',
      lastError: null,
      deliveredAt: expect.any(String),
    })
    expect(oldest!.attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, null],
      [2, 200, null],
    ])
    for (const a of oldest!.attempts) {
      expect(Date.parse(a.startedAt)).not.toBeNaN()
      expect(a.durationMs).toBeGreaterThanOrEqual(0)
    }
    expect(newest).toMatchObject({
      event: { type: 'order.created.v1', subject: `order/${dead}` },
      status: 'failed',
      lastError: 'subscriber answered HTTP 503',
      deliveredAt: null,
    })
    expect(newest!.attempts.map((a) => a.statusCode)).toEqual([503, 503, 503])
  })

  it('filters by status and pages with a cursor', async () => {
    const { id: subId, flaky, dead } = await subscriptionWithHistory('filter')
    const failed = await list(subId, '?status=failed')
    expect((failed.body.deliveries as Delivery[]).map((d) => d.event.subject)).toEqual([
      `order/${dead}`,
    ])
    const delivered = await list(subId, '?status=delivered')
    expect((delivered.body.deliveries as Delivery[]).map((d) => d.event.subject)).toEqual([
      `order/${flaky}`,
    ])
    expect((await list(subId, '?status=cancelled')).body).toEqual({ deliveries: [], next: null })

    const first = await list(subId, '?limit=1')
    expect((first.body.deliveries as Delivery[]).map((d) => d.event.subject)).toEqual([
      `order/${dead}`,
    ])
    expect(first.body.next).toEqual((first.body.deliveries as Delivery[])[0]!.id)
    const second = await list(subId, `?limit=1&before=${String(first.body.next)}`)
    expect((second.body.deliveries as Delivery[]).map((d) => d.event.subject)).toEqual([
      `order/${flaky}`,
    ])
    const third = await list(subId, `?limit=1&before=${String(second.body.next)}`)
    expect(third.body).toEqual({ deliveries: [], next: null })
  })

  it('shows only that subscription’s deliveries', async () => {
    receiver.respond(() => ({ status: 200 }))
    const mine = (await subscribe(hub.app, `${receiver.url}?case=mine`)).id
    await newOrder(freshOrderId())
    await vi.waitFor(
      async () =>
        expect((await list(mine)).body.deliveries).toMatchObject([{ status: 'delivered' }]),
      { timeout: 15_000, interval: 100 },
    )
    const other = (await subscribe(hub.app, `${receiver.url}?case=other`)).id
    expect((await list(other)).body).toEqual({ deliveries: [], next: null })
  })

  it('answers 404 for an unknown subscription and 400 naming a bad cursor or filter', async () => {
    const subId = (await subscribe(hub.app, `${receiver.url}?case=refusals`)).id
    expect(await list('sub_nope')).toEqual({
      status: 404,
      body: { error: 'no such subscription' },
    })
    // A NUL in the id is refused at the edge, like every admin input PostgreSQL cannot store.
    const nul = await list('sub_%00')
    expect(nul.status).toBe(400)
    expect(JSON.stringify(nul.body)).toContain('path.id')
    for (const [query, field] of [
      ['?before=abc', 'query.before'],
      [`?before=${'9'.repeat(23)}`, 'query.before'],
      ['?status=lost', 'query.status'],
      ['?limit=0', 'query.limit'],
      ['?colour=red', 'colour'],
    ] as const) {
      const res = await list(subId, query)
      expect(res.status, query).toBe(400)
      expect((res.body.problems as string[]).join('\n'), query).toContain(field)
    }
    // Admin only.
    expect((await list(subId, '', {})).status).toBe(401)
    // Still serving.
    expect((await list(subId)).status).toBe(200)
  })
})
