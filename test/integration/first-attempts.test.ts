// De-risks the relay's own first delivery attempt (issue #12): a delivery that succeeds at once is
// recorded and never becomes a job; one that fails becomes a delayed retry job with the attempts it
// has left; a paused subscription's delivery waits untouched; and when the in-flight budget is
// full, deliveries are queued rather than dropped or held. Real PostgreSQL, Redis and subscriber.
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { relayBatch } from '../../src/pipeline/relay.js'
import {
  createFirstAttempts,
  type FirstAttemptSettings,
} from '../../src/pipeline/first-attempts.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'
import { DeliverJob, jobIds } from '../../src/queues/index.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { truncateAll } from '../helpers/pipeline.js'
import { useReceiver } from '../helpers/receiver.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const MAX_ATTEMPTS = 5
const hub = useTestHub({ env: { DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS) } })
const receiver = useReceiver()
const created = loadFixture('shopify', 'orders-create/basic')
const orderId = String((JSON.parse(created.body) as { id: number }).id)

beforeEach(async () => {
  await truncateAll(hub.deps)
  receiver.reset()
  receiver.respond(() => ({ status: 200 }))
})

function firstAttempts(settings: Partial<FirstAttemptSettings> = {}) {
  return createFirstAttempts(
    { ...hub.deps, timeoutMs: 5_000, publicUrl: hub.config.http.publicUrl },
    {
      maxAttempts: MAX_ATTEMPTS,
      backoffBaseMs: 1_000,
      backoffMaxMs: 60_000,
      maxInFlight: 10,
      ...settings,
    },
  )
}

/** A new order normalized and its events published with `attempts`; returns the delivery ids. */
async function publishOrder(n: number, attempts: ReturnType<typeof firstAttempts>) {
  const id = String(7200000000000 + n)
  const res = await postShopify(
    hub.app,
    withBody(created, created.body.replaceAll(orderId, id), `fa-${n}`),
  )
  const { id: inboxId } = (await res.json()) as { id: string }
  await normalizeInboxItem(hub.deps, inboxId, { finalAttempt: false })
  await relayBatch({ ...hub.deps, firstAttempts: attempts })
  const rows = await hub.deps.db
    .selectFrom('delivery as d')
    .innerJoin('outbox_event as e', 'e.id', 'd.event_id')
    .select('d.id')
    .where('e.subject', '=', `order/${id}`)
    .execute()
  return rows.map((r) => r.id)
}

async function delivery(id: string) {
  return hub.deps.db
    .selectFrom('delivery')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

async function attempts(id: string) {
  return hub.deps.db
    .selectFrom('delivery_attempt')
    .select(['attempt', 'status_code'])
    .where('delivery_id', '=', id)
    .orderBy('attempt')
    .execute()
}

/** What a deliver job shows of the subscriber's URL. */
const host = () => new URL(receiver.url).host
const job = (deliveryId: string) => hub.deps.queues.deliver.getJob(jobIds.deliver(deliveryId))

describe("the relay's first delivery attempt", () => {
  it('delivers at once: one attempt recorded, no job ever queued', async () => {
    await subscribe(hub.app, receiver.url)
    const sent = firstAttempts()
    const [id] = await publishOrder(1, sent)
    await sent.drain()
    expect((await delivery(id!)).status).toBe('delivered')
    expect(await attempts(id!)).toEqual([{ attempt: 1, status_code: 200 }])
    expect(receiver.received).toHaveLength(1)
    expect(await job(id!)).toBeUndefined()
    expect(
      await hub.deps.queues.deliver.getJobCountByTypes('waiting', 'delayed', 'completed'),
    ).toBe(0)
  })

  it('turns a failure into a delayed retry job that carries on from attempt 2', async () => {
    receiver.respond(() => ({ status: 503, headers: { 'retry-after': '3' } }))
    // A subscriber URL carrying its token in the query: the job shows the host only.
    const sub = await subscribe(hub.app, `${receiver.url}?token=subscriber-s3cret`)
    const sent = firstAttempts()
    const [id] = await publishOrder(2, sent)
    await sent.drain()
    const row = await delivery(id!)
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'subscriber answered HTTP 503',
    })
    const retry = await job(id!)
    expect(DeliverJob.parse(retry!.data)).toEqual({
      deliveryId: id,
      firstAttempt: 2,
      subscriptionId: sub.id,
      eventType: 'order.created.v1',
      urlHost: host(),
    })
    expect(retry!.name).toBe(`deliver order.created.v1 to ${host()}`)
    const shown = JSON.stringify(retry!.data)
    expect(shown).not.toContain('subscriber-s3cret')
    expect(shown).not.toContain(sub.secret)
    expect(retry!.opts.attempts).toBe(MAX_ATTEMPTS - 1)
    expect(retry!.opts.delay).toBeGreaterThanOrEqual(3_000) // Retry-After, although the backoff is 0.5–1 s
    expect(await retry!.getState()).toBe('delayed')
  })

  it('leaves a paused subscription’s delivery pending: nothing sent, nothing queued', async () => {
    const sub = await subscribe(hub.app, receiver.url)
    await hub.app.request(`/v1/subscriptions/${sub.id}/pause`, { method: 'POST', headers: ADMIN })
    const sent = firstAttempts()
    const [id] = await publishOrder(3, sent)
    await sent.drain()
    expect(await delivery(id!)).toMatchObject({ status: 'pending', attempts: 0 })
    expect(receiver.received).toHaveLength(0)
    expect(await job(id!)).toBeUndefined()
  })

  it('queues what exceeds its in-flight budget instead of holding it', async () => {
    const sub = await subscribe(hub.app, receiver.url)
    // A subscriber that does not answer until the test says so holds the only first attempt…
    let answer: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (answer = resolve))
    const calls = vi.fn()
    const transport: typeof hub.deps.transport = async (url, req) => {
      calls()
      await gate
      return hub.deps.transport(url, req)
    }
    const sent = createFirstAttempts(
      { ...hub.deps, transport, timeoutMs: 5_000, publicUrl: hub.config.http.publicUrl },
      { maxAttempts: MAX_ATTEMPTS, backoffBaseMs: 1_000, backoffMaxMs: 60_000, maxInFlight: 1 },
    )
    const [first] = await publishOrder(4, sent)
    await vi.waitFor(() => expect(calls).toHaveBeenCalledTimes(1))
    // …so the next delivery goes to the queue, as an ordinary job from attempt 1.
    const [second] = await publishOrder(5, sent)
    await vi.waitFor(async () => expect(await job(second!)).toBeDefined())
    expect(DeliverJob.parse((await job(second!))!.data)).toEqual({
      deliveryId: second,
      subscriptionId: sub.id,
      eventType: 'order.created.v1',
      urlHost: host(),
    })
    expect(calls).toHaveBeenCalledTimes(1)
    answer()
    await sent.drain()
    expect((await delivery(first!)).status).toBe('delivered')
    expect(await job(first!)).toBeUndefined()
  })

  it('leaves every attempt to the queue when a delivery has only one', async () => {
    const sub = await subscribe(hub.app, receiver.url)
    const sent = firstAttempts({ maxAttempts: 1 })
    const [id] = await publishOrder(6, sent)
    await sent.drain()
    await sleep(50)
    expect(receiver.received).toHaveLength(0)
    expect(DeliverJob.parse((await job(id!))!.data)).toMatchObject({
      deliveryId: id,
      subscriptionId: sub.id,
    })
  })
})
