// De-risks the background duties that keep work from being lost: exactly one process leads the
// relay and sweeper at a time and another takes over when it stops, and work whose queue job
// vanished (Redis lost it, or enqueue failed after commit) is found in Postgres and enqueued again.
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { startRelayLeader } from '../../src/outbox/leader.js'
import { createSweeper } from '../../src/pipeline/sweep.js'
import { markInflight } from '../../src/db/repos/allocation.js'
import { sql } from 'kysely'
import { jobIds } from '../../src/queues/index.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { receiveAndNormalize, relayAll, truncateAll } from '../helpers/pipeline.js'
import { useReceiver } from '../helpers/receiver.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const hub = useTestHub()
const receiver = useReceiver()
const silent = createLogger({ level: 'silent' })

describe('relay leadership', () => {
  it('is held by one process at a time and passes on when the leader stops', async () => {
    const relayed: string[] = []
    const leader = (name: string) =>
      startRelayLeader(
        {
          databaseUrl: hub.config.db.url,
          pollMs: 20,
          minBatchIntervalMs: 0,
          sweepIntervalMs: 60_000,
          reconcileIntervalMs: 0,
          orderSyncIntervalMs: 0,
          relayBatch: 10,
          retryMs: 50,
        },
        {
          relay: () => (relayed.push(name), Promise.resolve(0)),
          sweep: () => Promise.resolve(),
          reconcile: () => Promise.resolve(),
          orderSync: () => Promise.resolve(),
        },
        silent,
      )
    const a = leader('a')
    await vi.waitFor(() => expect(a.isLeader()).toBe(true))
    const b = leader('b')
    await new Promise((r) => setTimeout(r, 200))
    expect(b.isLeader()).toBe(false)
    expect(relayed).not.toContain('b')

    await a.stop()
    await vi.waitFor(() => expect(b.isLeader()).toBe(true))
    const before = relayed.length
    await vi.waitFor(() => expect(relayed.slice(before)).toContain('b'))
    await b.stop()
  })
})

describe('the sweeper', () => {
  it('re-enqueues deliveries whose jobs were lost, and they are delivered', async () => {
    await truncateAll(hub.deps)
    await subscribe(hub.app, receiver.url)
    await receiveAndNormalize(hub, loadFixture('shopify', 'orders-create/basic'))
    await relayAll(hub.deps)
    const [delivery] = await hub.deps.db.selectFrom('delivery').select(['id', 'status']).execute()
    expect(delivery?.status).toBe('pending')
    // Redis loses everything in the deliver queue.
    await hub.deps.queues.deliver.obliterate({ force: true })

    const sweeper = createSweeper(hub.deps, { graceMs: 0, batch: 100 })
    expect(await sweeper.sweep()).toEqual({ inbox: 0, deliveries: 1, stockPushes: 0 })
    expect(await sweeper.sweep()).toEqual({ inbox: 0, deliveries: 0, stockPushes: 0 }) // the job exists again
    hub.startWorkers()
    try {
      await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 15_000 })
    } finally {
      await hub.stopWorkers()
    }
  })

  it('walks past a backlog of rows whose jobs are merely waiting', async () => {
    await truncateAll(hub.deps)
    const fx = loadFixture('shopify', 'orders-create/basic')
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const res = await postShopify(hub.app, withBody(fx, fx.body, `backlog-${i}`))
      ids.push(((await res.json()) as { id: string }).id)
    }
    // The newest row's job is lost; the four older ones still have theirs.
    await hub.deps.queues.inbound.remove(jobIds.inbound(ids[4]!))
    const sweeper = createSweeper(hub.deps, { graceMs: 0, batch: 2 })
    const passes = [await sweeper.sweep(), await sweeper.sweep(), await sweeper.sweep()]
    expect(passes.map((p) => p.inbox)).toEqual([0, 0, 1])
    expect(await hub.deps.queues.inbound.getJob(jobIds.inbound(ids[4]!))).toBeDefined()
  })
  it("re-enqueues a listing's lost push, but not one whose write is out, unless out for an hour", async () => {
    await truncateAll(hub.deps)
    const put = (path: string, body: unknown) =>
      hub.app.request(path, {
        method: 'PUT',
        headers: { ...ADMIN, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const created = await put('/v1/listings', {
      listings: [{ sku: 'SWEPT-1', channel: 'walmart', account: 'demo' }],
    })
    const [id] = ((await created.json()) as { ids: string[] }).ids
    await put('/v1/inventory/SWEPT-1', { onHand: 5, asOf: new Date().toISOString() })
    const queue = hub.deps.queues.stock.queueOf('walmart', 'demo')!
    const lose = () => queue.obliterate({ force: true })
    const sweeper = createSweeper(hub.deps, { graceMs: 0, batch: 100 })
    await lose() // Redis lost the push the level queued
    expect((await sweeper.sweep()).stockPushes).toBe(1)

    // A bulk job took it from the queue and its feed is out (minutes, for Walmart): not lost.
    await lose()
    await hub.deps.db.transaction().execute((trx) => markInflight(trx, id!, 5))
    expect((await sweeper.sweep()).stockPushes).toBe(0)
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 0 })

    // Still out an hour later: the process that sent it died, and with it the job.
    await sql`update listing set last_push_attempt_at = now() - interval '61 minutes'
               where id = ${id}`.execute(hub.deps.db)
    expect((await sweeper.sweep()).stockPushes).toBe(1)
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 })
  })
})
