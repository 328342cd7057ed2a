// De-risks subscriber delivery (DESIGN.md §7): retries with backoff that honours Retry-After, 410
// disables the subscription, exhausted deliveries stay in the failed set and can be retried, and
// every attempt is recorded. Real workers, a real subscriber endpoint.
import { describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { useReceiver, type ReceivedRequest, type Reply } from '../helpers/receiver.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'
import { jobIds } from '../../src/queues/index.js'

const hub = useTestHub({ workers: true, env: { DELIVERY_MAX_ATTEMPTS: '3' } })
const receiver = useReceiver()
const basic = loadFixture('shopify', 'orders-create/basic')

/** Sends a new order (so a new order.created.v1) and returns its external id. */
async function newOrder(orderId: string): Promise<void> {
  const fx = withBody(basic, basic.body.replaceAll('5940139491234', orderId), `wh-${orderId}`)
  expect((await postShopify(hub.app, fx)).status).toBe(200)
}

const forCase = (name: string) => (r: ReceivedRequest) => r.path === `/hook?case=${name}`

async function deliveryOf(subscriptionId: string) {
  return hub.deps.db
    .selectFrom('delivery')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .executeTakeFirst()
}

/** Waits until the subscription's delivery reaches `status`, then returns it. */
async function deliveryReaching(subscriptionId: string, status: string) {
  await vi.waitFor(async () => expect((await deliveryOf(subscriptionId))?.status).toBe(status), {
    timeout: 15_000,
    interval: 100,
  })
  return (await deliveryOf(subscriptionId))!
}

async function attemptsOf(deliveryId: string) {
  return hub.deps.db
    .selectFrom('delivery_attempt')
    .select(['attempt', 'status_code', 'started_at'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .execute()
}

describe('delivery retries', () => {
  it('retries failures, waits at least Retry-After, and records every attempt', async () => {
    const answers = [500, 429, 200]
    receiver.respond((req): Reply => {
      if (!forCase('retry')(req)) return { status: 200 }
      const status = answers[receiver.received.filter(forCase('retry')).length]!
      return status === 429 ? { status, headers: { 'retry-after': '1' } } : { status }
    })
    const sub = await subscribe(hub.app, `${receiver.url}?case=retry`)
    await newOrder('7000000000001')

    const delivery = await deliveryReaching(sub.id, 'delivered')
    const attempts = await attemptsOf(delivery.id)
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 429],
      [3, 200],
    ])
    const gap = attempts[2]!.started_at.getTime() - attempts[1]!.started_at.getTime()
    expect(gap).toBeGreaterThanOrEqual(1_000) // Retry-After: 1, although the backoff is ~100 ms
    const ids = new Set(
      receiver.received.filter(forCase('retry')).map((r) => r.headers['webhook-id']),
    )
    expect(ids.size).toBe(1) // the same event id on every attempt, for subscriber dedupe
  })

  it('gives up after the last attempt, leaving the job in the failed set; a retry then delivers', async () => {
    let down = true
    receiver.respond((req) => ({ status: forCase('down')(req) && down ? 503 : 200 }))
    const sub = await subscribe(hub.app, `${receiver.url}?case=down`)
    await newOrder('7000000000002')

    const delivery = await deliveryReaching(sub.id, 'failed')
    expect(delivery.attempts).toBe(3)
    expect(delivery.last_error).toBe('subscriber answered HTTP 503')
    const failed = await hub.deps.queues.deliver.getFailed()
    const job = failed.find((j) => j.data.deliveryId === delivery.id)
    expect(job?.failedReason).toMatch(/503/)
    // What Bull Board shows of it: which subscription, which event, which host.
    const host = new URL(receiver.url).host
    expect(job!.data).toEqual({
      deliveryId: delivery.id,
      firstAttempt: 2,
      subscriptionId: sub.id,
      eventType: 'order.created.v1',
      urlHost: host,
    })
    expect(job!.name).toBe(`deliver order.created.v1 to ${host}`)

    down = false
    await job!.retry() // what Bull Board's "retry" does
    await deliveryReaching(sub.id, 'delivered')
    expect((await attemptsOf(delivery.id)).map((a) => a.status_code)).toEqual([503, 503, 503, 200])
  })

  it('still runs a job queued before jobs were labelled (only a delivery id)', async () => {
    let down = true
    receiver.respond((req) => ({ status: forCase('legacy')(req) && down ? 503 : 200 }))
    const sub = await subscribe(hub.app, `${receiver.url}?case=legacy`)
    await newOrder('7000000000009')
    const delivery = await deliveryReaching(sub.id, 'failed')
    const failed = (await hub.deps.queues.deliver.getFailed()).find(
      (j) => j.data.deliveryId === delivery.id,
    )
    await failed!.remove()
    down = false
    await hub.deps.queues.deliver.add(
      'deliver',
      { deliveryId: delivery.id },
      { jobId: jobIds.deliver(delivery.id) },
    )
    await deliveryReaching(sub.id, 'delivered')
  })

  it('disables the subscription on 410 Gone and sends it nothing more', async () => {
    receiver.respond((req) => ({ status: forCase('gone')(req) ? 410 : 200 }))
    const sub = await subscribe(hub.app, `${receiver.url}?case=gone`)
    await newOrder('7000000000003')

    const gone = await deliveryReaching(sub.id, 'failed')
    const shown = await hub.app.request(`/v1/subscriptions/${sub.id}`, { headers: ADMIN })
    expect(await shown.json()).toMatchObject({
      status: 'disabled',
      disabledReason: expect.stringMatching(/410/),
    })
    expect(await attemptsOf(gone.id)).toHaveLength(1)

    await newOrder('7000000000004')
    const other = await subscribe(hub.app, `${receiver.url}?case=witness`)
    await newOrder('7000000000005')
    // Once a later event has reached another subscriber, the disabled one has had its chance.
    await vi.waitFor(
      () =>
        expect(receiver.received.filter(forCase('witness')).map((r) => r.body)).toContainEqual(
          expect.stringContaining('"subject":"order/7000000000005"'),
        ),
      { timeout: 15_000 },
    )
    expect(receiver.received.filter(forCase('gone'))).toHaveLength(1)
    await hub.app.request(`/v1/subscriptions/${other.id}`, { method: 'DELETE', headers: ADMIN })
  })
})
