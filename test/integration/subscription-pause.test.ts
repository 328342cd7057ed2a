// De-risks subscription pause/resume (issue #7): the admin API answers 404/409/idempotently and
// changes nothing on refusal; while paused the relay still creates deliveries, the deliver step
// makes no attempt and the sweeper leaves them alone; resume enqueues them in feed-position order,
// a delivery still waiting out a retry backoff included.
// No workers: each piece is called directly so the order of the queue itself can be checked.
import { beforeEach, describe, expect, it } from 'vitest'
import { disableSubscription } from '../../src/db/repos/subscriptions.js'
import { deliverEvent } from '../../src/pipeline/deliver-event.js'
import { createSweeper } from '../../src/pipeline/sweep.js'
import { jobIds } from '../../src/queues/index.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { receiveAndNormalize, relayAll, truncateAll } from '../helpers/pipeline.js'
import { useReceiver } from '../helpers/receiver.js'
import { withBody } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const hub = useTestHub()
const receiver = useReceiver()
const basic = loadFixture('shopify', 'orders-create/basic')

const post = (path: string, headers: Record<string, string> = ADMIN) =>
  hub.app.request(path, { method: 'POST', headers })

async function show(id: string) {
  return (await (await hub.app.request(`/v1/subscriptions/${id}`, { headers: ADMIN })).json()) as {
    status: string
  }
}

/** Publishes one order.created.v1 per id, as the relay would. */
async function publishOrders(orderIds: readonly string[]): Promise<void> {
  for (const orderId of orderIds) {
    const fx = withBody(basic, basic.body.replaceAll('5940139491234', orderId), `wh-${orderId}`)
    await receiveAndNormalize(hub, fx)
  }
  await relayAll(hub.deps)
}

const deliveriesOf = (subscriptionId: string) =>
  hub.deps.db
    .selectFrom('delivery as d')
    .innerJoin('outbox_event as e', 'e.id', 'd.event_id')
    .select(['d.id', 'd.event_id', 'd.status', 'd.attempts', 'e.position'])
    .where('d.subscription_id', '=', subscriptionId)
    .orderBy('e.position')
    .execute()

const waitingDeliveryIds = async () =>
  (await hub.deps.queues.deliver.getWaiting()).map((j) => j.data.deliveryId)

beforeEach(async () => {
  await truncateAll(hub.deps)
  receiver.reset()
})

describe('POST /v1/subscriptions/:id/pause and /resume', () => {
  it('answers 404 for an unknown subscription and 401 without the admin token', async () => {
    for (const action of ['pause', 'resume']) {
      const res = await post(`/v1/subscriptions/sub_nope/${action}`)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: 'no such subscription' })
    }
    const sub = await subscribe(hub.app, receiver.url)
    expect((await post(`/v1/subscriptions/${sub.id}/pause`, {})).status).toBe(401)
    expect((await show(sub.id)).status).toBe('active')
  })

  it('pauses and resumes idempotently, and shows the paused state', async () => {
    const sub = await subscribe(hub.app, receiver.url)
    const paused = await post(`/v1/subscriptions/${sub.id}/pause`)
    expect(paused.status).toBe(200)
    expect(await paused.json()).toMatchObject({ id: sub.id, status: 'paused', changed: true })
    expect(await show(sub.id)).toMatchObject({ status: 'paused' })
    const list = await hub.app.request('/v1/subscriptions', { headers: ADMIN })
    expect(await list.json()).toMatchObject({ subscriptions: [{ id: sub.id, status: 'paused' }] })

    const again = await post(`/v1/subscriptions/${sub.id}/pause`)
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ status: 'paused', changed: false })

    const resumed = await post(`/v1/subscriptions/${sub.id}/resume`)
    expect(resumed.status).toBe(200)
    expect(await resumed.json()).toMatchObject({ status: 'active', changed: true, enqueued: 0 })
    const resumedAgain = await post(`/v1/subscriptions/${sub.id}/resume`)
    expect(await resumedAgain.json()).toMatchObject({ status: 'active', changed: false })
  })

  it('refuses a disabled or deleted subscription with 409 and the reason, changing nothing', async () => {
    const gone = await subscribe(hub.app, receiver.url)
    await disableSubscription(hub.deps.db, gone.id, 'subscriber answered 410 Gone')
    for (const action of ['pause', 'resume']) {
      const res = await post(`/v1/subscriptions/${gone.id}/${action}`)
      expect(res.status).toBe(409)
      expect(((await res.json()) as { error: string }).error).toMatch(
        /subscription is disabled \(subscriber answered 410 Gone\); it cannot be (paused|resumed)/,
      )
    }
    expect(await show(gone.id)).toMatchObject({ status: 'disabled' })

    const deleted = await subscribe(hub.app, receiver.url)
    await hub.app.request(`/v1/subscriptions/${deleted.id}`, { method: 'DELETE', headers: ADMIN })
    const res = await post(`/v1/subscriptions/${deleted.id}/pause`)
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({
      error: 'subscription is deleted; it cannot be paused',
    })
    const row = await hub.deps.db
      .selectFrom('subscription')
      .select('status')
      .where('id', '=', deleted.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('deleted')
  })

  it('writes what it did to the audit log', async () => {
    const sub = await subscribe(hub.app, receiver.url)
    await post(`/v1/subscriptions/${sub.id}/pause`)
    await post(`/v1/subscriptions/${sub.id}/resume`)
    const res = await hub.app.request('/v1/admin/audit?limit=2', { headers: ADMIN })
    const { entries } = (await res.json()) as {
      entries: { path: string; status: number; details: unknown }[]
    }
    expect(entries).toEqual([
      expect.objectContaining({
        path: `/v1/subscriptions/${sub.id}/resume`,
        status: 200,
        details: { subscription: sub.id, outcome: 'changed', enqueued: 0 },
      }),
      expect.objectContaining({
        path: `/v1/subscriptions/${sub.id}/pause`,
        status: 200,
        details: { subscription: sub.id, outcome: 'changed' },
      }),
    ])
  })
})

describe('a paused subscription', () => {
  it('gets deliveries that wait: no attempt, no sweep; resume enqueues them in feed order', async () => {
    const held = await subscribe(hub.app, `${receiver.url}?s=held`)
    const live = await subscribe(hub.app, `${receiver.url}?s=live`)
    expect((await post(`/v1/subscriptions/${held.id}/pause`)).status).toBe(200)
    await publishOrders(['7100000000001', '7100000000002', '7100000000003'])

    // The relay matched the paused subscription like the active one.
    const created = await deliveriesOf(held.id)
    expect(created).toHaveLength(3)
    expect(await deliveriesOf(live.id)).toHaveLength(3)

    // Ids that disagree with feed order, so resume cannot get the order right by accident.
    await hub.deps.db.deleteFrom('delivery').where('subscription_id', '=', held.id).execute()
    for (const d of [...created].reverse()) {
      await hub.deps.db
        .insertInto('delivery')
        .values({ event_id: d.event_id, subscription_id: held.id })
        .execute()
    }
    await hub.deps.queues.deliver.obliterate({ force: true })

    const heldNow = await deliveriesOf(held.id)
    expect(heldNow).toHaveLength(3)
    for (const d of heldNow) {
      const result = await deliverEvent(
        { ...hub.deps, timeoutMs: 2_000, publicUrl: hub.config.http.publicUrl },
        d.id,
        {
          number: 1,
          final: true,
        },
      )
      expect(result).toEqual({ kind: 'done' })
    }
    expect((await deliveriesOf(held.id)).map((d) => [d.id, d.status, d.attempts])).toEqual(
      heldNow.map((d) => [d.id, 'pending', 0]),
    )
    expect(receiver.received).toHaveLength(0)
    const attempts = await hub.deps.db
      .selectFrom('delivery_attempt')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(attempts.n)).toBe(0)

    // The sweeper re-enqueues the active subscription's lost jobs, not the paused one's.
    const sweeper = createSweeper(hub.deps, { graceMs: 0, batch: 100 })
    expect((await sweeper.sweep()).deliveries).toBe(3)
    const liveIds = (await deliveriesOf(live.id)).map((d) => d.id)
    expect((await waitingDeliveryIds()).sort()).toEqual([...liveIds].sort())
    await hub.deps.queues.deliver.obliterate({ force: true })
    // One was waiting out a retry backoff when the subscription was paused: its job is delayed.
    const retrying = heldNow[1]!.id
    await hub.deps.queues.deliver.add(
      'deliver',
      { deliveryId: retrying },
      { jobId: jobIds.deliver(retrying), delay: 3_600_000 },
    )

    const res = await post(`/v1/subscriptions/${held.id}/resume`)
    expect(await res.json()).toMatchObject({ status: 'active', enqueued: 3 })
    const heldInFeedOrder = heldNow.map((d) => d.id)
    expect(heldInFeedOrder).not.toEqual([...heldInFeedOrder].sort((a, b) => Number(a) - Number(b)))
    expect(await waitingDeliveryIds()).toEqual(heldInFeedOrder)
    expect(await hub.deps.queues.deliver.getDelayedCount()).toBe(0)
  })
})
