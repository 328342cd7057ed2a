// De-risks delivery through a subscriber outage (issue #7): a subscriber answering 503 while every
// event is published gets each of them once in effect after it returns (deduplicated by
// webhook-id, none lost), and a paused subscription, once resumed, gets everything published while
// it was paused, in feed-position order, with no attempt made while paused. Real workers, a real
// HTTP subscriber; one delivery at a time, since per-subscription order at the receiver is only
// defined then (with more, held deliveries are started in order but may finish out of order).
import { describe, expect, it, vi } from 'vitest'
import { HubEvent } from '../../src/events/index.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { orderWebhook } from '../helpers/load.js'
import { useReceiver, type ReceivedRequest } from '../helpers/receiver.js'
import { postShopify } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const hub = useTestHub({
  workers: true,
  env: {
    DELIVER_CONCURRENCY: '1',
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '400',
    // Enough for the outage below at the capped backoff, so nothing is exhausted.
    DELIVERY_MAX_ATTEMPTS: '100',
  },
})
const receiver = useReceiver()

const EVENTS = 40
const LOST_ANSWERS = 5

const at = (tag: string) => (r: ReceivedRequest) => r.path === `/hook?s=${tag}`

/** `count` new orders (so order.created.v1 events), numbered from `first`. */
async function publishOrders(tag: string, first: number, count: number): Promise<void> {
  for (let n = first; n < first + count; n++)
    expect((await postShopify(hub.app, orderWebhook(tag, n))).status).toBe(200)
}

const deliveriesOf = (subscriptionId: string) =>
  hub.deps.db
    .selectFrom('delivery as d')
    .innerJoin('outbox_event as e', 'e.id', 'd.event_id')
    .select(['d.id', 'd.event_id', 'd.status', 'd.attempts', 'd.delivered_at', 'e.position'])
    .where('d.subscription_id', '=', subscriptionId)
    .orderBy('e.position')
    .execute()

/** Ids of every order.created.v1 event stored so far, whichever test's orders they were. */
const orderCreatedIds = async () =>
  (
    await hub.deps.db
      .selectFrom('outbox_event')
      .select('id')
      .where('type', '=', 'order.created.v1')
      .execute()
  ).map((e) => e.id)

const attemptsOf = (subscriptionId: string) =>
  hub.deps.db
    .selectFrom('delivery_attempt as a')
    .innerJoin('delivery as d', 'd.id', 'a.delivery_id')
    .select(['a.started_at', 'a.status_code'])
    .where('d.subscription_id', '=', subscriptionId)
    .execute()

async function scrape(): Promise<string> {
  return (await hub.app.request('/metrics')).text()
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('a subscriber that is down for a while', () => {
  it('gets every event once in effect after it returns, none lost', async ({ annotate }) => {
    let up = false
    /** The subscriber's own record: event ids it applied (its dedupe key is webhook-id). */
    const applied = new Set<string>()
    let duplicates = 0
    let lostAnswers = 0
    let refused = 0
    receiver.respond((req) => {
      if (!at('down')(req)) return { status: 200 }
      if (!up) {
        refused++
        return { status: 503, body: 'maintenance' }
      }
      const id = String(req.headers['webhook-id'])
      if (applied.has(id)) {
        duplicates++ // seen before: acknowledged, not applied again
        return { status: 200 }
      }
      applied.add(id)
      // Just back, it applies a few events but its answer is lost, so the hub must send them again.
      if (lostAnswers < LOST_ANSWERS) {
        lostAnswers++
        return { status: 503 }
      }
      return { status: 200 }
    })
    const sub = await subscribe(hub.app, `${receiver.url}?s=down`)
    const earlier = new Set(await orderCreatedIds())
    await publishOrders('down', 0, EVENTS)

    // Down until every event has been refused at least twice: each one is then in its retries.
    await vi.waitFor(
      async () => {
        const deliveries = await deliveriesOf(sub.id)
        expect(deliveries).toHaveLength(EVENTS)
        expect(deliveries.every((d) => d.attempts >= 2)).toBe(true)
      },
      { timeout: 20_000, interval: 100 },
    )
    const upAt = Date.now()
    const downForMs = upAt - receiver.received.find(at('down'))!.at
    up = true
    await vi.waitFor(
      async () =>
        expect((await deliveriesOf(sub.id)).every((d) => d.status === 'delivered')).toBe(true),
      { timeout: 20_000, interval: 100 },
    )

    const deliveries = await deliveriesOf(sub.id)
    // The events this test published: those of the paused test may already be stored.
    const published = (await orderCreatedIds()).filter((id) => !earlier.has(id))
    expect(published).toHaveLength(EVENTS)
    expect([...applied].sort()).toEqual(published.sort()) // none lost, none foreign
    // Sent again exactly when the answer was lost, and never after a 2xx.
    expect(duplicates).toBe(LOST_ANSWERS)
    expect(refused).toBeGreaterThanOrEqual(2 * EVENTS)
    const requests = receiver.received.filter(at('down')).length
    expect(requests).toBe(refused + LOST_ANSWERS + EVENTS)
    // Every request the subscriber saw is an attempt the hub recorded, and the other way round.
    expect(await attemptsOf(sub.id)).toHaveLength(requests)
    const recoveryMs = Math.max(...deliveries.map((d) => d.delivered_at!.getTime())) - upAt

    // Counted into Redis without waiting, so the last few may land just after the database says so.
    const outcome = (text: string, name: string) =>
      sample(text, `hub_delivery_outcomes_total{subscription="${sub.id}",outcome="${name}"}`)
    await vi.waitFor(async () => expect(outcome(await scrape(), 'delivered')).toBe(EVENTS))
    const text = await scrape()
    expect(outcome(text, 'failed_attempt')).toBe(refused + LOST_ANSWERS)
    expect(outcome(text, 'exhausted')).toBeUndefined()
    expect(sample(text, `hub_delivery_latency_seconds_count{subscription="${sub.id}"}`)).toBe(
      EVENTS,
    )
    expect(
      sample(text, `hub_delivery_attempt_duration_seconds_count{subscription="${sub.id}"}`),
    ).toBe(requests)
    expect(sample(text, `hub_delivery_pending{subscription="${sub.id}"}`)).toBe(0)

    await annotate(
      `published ${EVENTS}, applied ${applied.size}, duplicated at receiver ${duplicates} ` +
        `(${LOST_ANSWERS} answers lost), lost ${EVENTS - applied.size}; down ${downForMs} ms, ` +
        `answering ${refused} 503s; ` +
        `recovery after the subscriber returned ${recoveryMs} ms`,
    )
    await hub.app.request(`/v1/subscriptions/${sub.id}`, { method: 'DELETE', headers: ADMIN })
  })
})

describe('a paused subscription', () => {
  it('gets, once resumed, every event published while paused, in feed order', async ({
    annotate,
  }) => {
    receiver.respond(() => ({ status: 200 }))
    const sub = await subscribe(hub.app, `${receiver.url}?s=paused`)
    expect(
      (
        await hub.app.request(`/v1/subscriptions/${sub.id}/pause`, {
          method: 'POST',
          headers: ADMIN,
        })
      ).status,
    ).toBe(200)
    await publishOrders('paused', EVENTS, EVENTS)

    // Held: every delivery exists and waits, and their jobs have run (the queue is empty again).
    await vi.waitFor(
      async () => {
        expect(await deliveriesOf(sub.id)).toHaveLength(EVENTS)
        const counts = await hub.deps.queues.deliver.getJobCounts('waiting', 'active', 'delayed')
        expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0 })
      },
      { timeout: 20_000, interval: 100 },
    )
    const held = await deliveriesOf(sub.id)
    expect(held.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true)
    expect(await attemptsOf(sub.id)).toHaveLength(0)
    expect(receiver.received.filter(at('paused'))).toHaveLength(0)
    let text = await scrape()
    expect(sample(text, `hub_delivery_subscription_paused{subscription="${sub.id}"}`)).toBe(1)
    expect(sample(text, `hub_delivery_pending{subscription="${sub.id}"}`)).toBe(EVENTS)

    const resumedAt = new Date()
    const res = await hub.app.request(`/v1/subscriptions/${sub.id}/resume`, {
      method: 'POST',
      headers: ADMIN,
    })
    expect(await res.json()).toMatchObject({ status: 'active', enqueued: EVENTS })
    // An attempt is recorded after the subscriber answers: wait for the records too.
    await vi.waitFor(
      async () => {
        expect(receiver.received.filter(at('paused'))).toHaveLength(EVENTS)
        expect((await deliveriesOf(sub.id)).every((d) => d.status === 'delivered')).toBe(true)
      },
      { timeout: 20_000, interval: 100 },
    )

    const positions = receiver.received
      .filter(at('paused'))
      .map((r) => HubEvent.parse(JSON.parse(r.body)).position)
    expect(positions).toEqual(held.map((d) => Number(d.position)))
    expect(positions).toEqual([...positions].sort((a, b) => a! - b!))
    const attempts = await attemptsOf(sub.id)
    expect(attempts).toHaveLength(EVENTS)
    expect(attempts.every((a) => a.started_at >= resumedAt)).toBe(true)
    text = await scrape()
    expect(sample(text, `hub_delivery_subscription_paused{subscription="${sub.id}"}`)).toBe(0)

    const drainMs =
      Math.max(...(await deliveriesOf(sub.id)).map((d) => d.delivered_at!.getTime())) -
      resumedAt.getTime()
    await annotate(
      `held ${EVENTS} while paused (0 attempted); after resume delivered ${positions.length} in feed order in ${drainMs} ms`,
    )
    await hub.app.request(`/v1/subscriptions/${sub.id}`, { method: 'DELETE', headers: ADMIN })
  })
})
