// De-risks bulk replay: the dry run counts and predicts without writing anything (its prediction
// is checked against real runs in replay-dry-run.test.ts); a run
// works through its messages in batches with progress in Postgres, stops between batches when
// cancelled, resumes from its cursor after a crash or a lost job, and replaying the same messages
// twice adds no events the second time.
import { sql } from 'kysely'
import { describe, expect, it, vi } from 'vitest'
import { processReplayRun } from '../../src/admin/index.js'
import { getReplayRun } from '../../src/db/repos/replays.js'
import type { ReplayRun } from '../../src/db/schema.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { receiveAndNormalize, truncateAll } from '../helpers/pipeline.js'
import { withBody } from '../helpers/shopify-webhooks.js'

const hub = useTestHub()
const ORDERS = 12
const BASE_ORDER_ID = '5940139491234'
const json = { ...ADMIN, 'content-type': 'application/json' }

// JSON.parse is typed `any`, which the assertions below read freely.
async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await hub.app.request(path, {
    method,
    headers: json,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: JSON.parse(await res.text()) }
}
const outboxCount = async () =>
  Number(
    (
      await hub.deps.db
        .selectFrom('outbox_event')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
const startRun = async (filter: Record<string, unknown>) => {
  const res = await call('POST', '/v1/admin/replays', { filter, dryRun: false })
  expect(res.status).toBe(202)
  return res.body.id as string
}
const changes = (previews: unknown) => (previews as { result: string }[]).map((p) => p.result)
const runOf = async (id: string) => (await getReplayRun(hub.deps.db, id))!

/**
 * Starts from an empty inbox and stores what a replay meets: ORDERS normalized orders (oldest
 * first), one message the normalizer rejects, and one whose job gave up on a transient fault
 * (valid, never applied). A run applies that last one, so every test that replays builds its own.
 */
async function storeMessages() {
  await truncateAll(hub.deps)
  const fx = loadFixture('shopify', 'orders-create/basic')
  const orders: string[] = []
  for (let i = 0; i < ORDERS; i++) {
    const orderId = String(BigInt(BASE_ORDER_ID) + BigInt(i))
    const body = fx.body.replaceAll(BASE_ORDER_ID, orderId)
    orders.push((await receiveAndNormalize(hub, withBody(fx, body, `replay-order-${i}`)))!)
  }
  const invalid = (await receiveAndNormalize(
    hub,
    loadFixture('shopify', 'orders-create/invalid-missing-price'),
  ))!
  const good = loadFixture('shopify', 'orders-create/multi-line-discounts')
  const gaveUp = (
    await hub.deps.db
      .insertInto('inbox_message')
      .values({
        channel: 'shopify',
        account_id: 'demo',
        dedupe_key: 'gave-up',
        topic: good.topic,
        headers: '{}',
        raw_body: Buffer.from(good.body),
        channel_time: null,
        received_at: new Date(),
        status: 'failed',
        outcome: JSON.stringify({ reason: 'gave up after repeated errors: timeout' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  return { orders, invalid, gaveUp }
}

describe('bulk replay', () => {
  describe('dry run', () => {
    it('counts, and replays the first ten a run would in a transaction it rolls back', async () => {
      const { orders } = await storeMessages()
      // As if an older normalizer had published a wrong total: the stored order is right, so a
      // replay publishes nothing for it, and the dry run says so.
      await sql`update outbox_event
                   set envelope = jsonb_set(envelope::jsonb, '{data,order,totals,total,amountMinor}', '1')::json
                 where inbox_id = ${orders[0]!} and type = 'order.created.v1'`.execute(hub.deps.db)
      const before = await outboxCount()
      const runsBefore = await runCount()
      const res = await call('POST', '/v1/admin/replays', {
        filter: { channel: 'shopify', status: 'normalized' },
        dryRun: true,
      })
      expect(res.status).toBe(200)
      expect(res.body.matching).toBe(ORDERS)
      // Oldest first, as a run goes.
      expect(res.body.sample).toEqual(orders.slice(0, 10))
      const [tampered] = res.body.previews
      expect(tampered).toMatchObject({
        id: orders[0],
        statusBefore: 'normalized',
        statusAfter: 'normalized',
        result: 'applied',
        newEvents: [],
      })
      expect(changes(res.body.previews)).toEqual(Array(10).fill('applied'))
      // A dry run writes nothing.
      expect(await outboxCount()).toBe(before)
      expect(await runCount()).toBe(runsBefore)
    })

    it('shows what failed messages would produce now, or why they still fail', async () => {
      const { invalid, gaveUp } = await storeMessages()
      const res = await call('POST', '/v1/admin/replays', {
        filter: { status: 'failed' },
        dryRun: true,
      })
      expect(res.body.matching).toBe(2)
      const byId = new Map((res.body.previews as { id: string }[]).map((p) => [p.id, p] as const))
      expect(byId.get(invalid)).toMatchObject({
        result: 'failed',
        statusAfter: 'failed',
        reason: expect.stringMatching(/^invalid payload/),
      })
      expect(byId.get(gaveUp)).toMatchObject({
        result: 'applied',
        statusBefore: 'failed',
        statusAfter: 'normalized',
        newEvents: [expect.objectContaining({ type: 'order.created.v1', supersedes: null })],
      })
      // Still failed: the dry run was rolled back.
      expect((await call('GET', `/v1/admin/inbox/${gaveUp}`)).body.status).toBe('failed')
    })

    it('names every problem of a bad request and starts nothing', async () => {
      const runsBefore = await runCount()
      const res = await call('POST', '/v1/admin/replays', {
        filter: {
          status: 'done',
          colour: 'red',
          from: '2026-01-02T00:00:00Z',
          to: '2026-01-01T00:00:00Z',
        },
      })
      expect(res.status).toBe(400)
      const problems = (res.body.problems as string[]).join('\n')
      for (const field of ['filter.status', 'colour', 'dryRun']) {
        expect(problems).toContain(field)
      }
      expect(await runCount()).toBe(runsBefore)
    })
  })

  describe('runs', () => {
    it('works through every message in batches, reporting progress, and a second run adds nothing', async () => {
      const { invalid, gaveUp } = await storeMessages()
      const filter = { channel: 'shopify', account: 'demo' }
      const id = await startRun(filter)
      expect((await call('GET', `/v1/admin/replays/${id}`)).body).toMatchObject({
        status: 'queued',
        total: ORDERS + 2,
        processed: 0,
        requestedBy: 'admin',
      })
      const seen: ReplayRun[] = []
      const before = await outboxCount()
      await processReplayRun(hub.deps, id, { batchSize: 5, afterBatch: (r) => void seen.push(r) })
      expect(seen.map((r) => [r.status, r.processed])).toEqual([
        ['running', 5],
        ['running', 10],
        ['completed', 14],
      ])
      const done = (await call('GET', `/v1/admin/replays/${id}`)).body
      expect(done).toMatchObject({ status: 'completed', processed: ORDERS + 2, errorCount: 1 })
      expect(done.errors).toEqual([
        { inboxId: invalid, reason: expect.stringMatching(/^failed: invalid payload/) },
      ])
      // Only the message that had never been applied produced events.
      expect(done.producedEvents).toBeGreaterThan(0)
      expect(await outboxCount()).toBe(before + Number(done.producedEvents))
      // A completed run cannot be cancelled.
      expect((await call('POST', `/v1/admin/replays/${id}/cancel`)).status).toBe(409)
      const gaveUpRow = await call('GET', `/v1/admin/inbox/${gaveUp}`)
      expect(gaveUpRow.body.status).toBe('normalized')

      const again = await startRun(filter)
      await processReplayRun(hub.deps, again, { batchSize: 5 })
      expect(await runOf(again)).toMatchObject({
        status: 'completed',
        processed: ORDERS + 2,
        produced_events: 0,
      })
      expect(await outboxCount()).toBe(before + Number(done.producedEvents))
    })

    it('stops between batches when cancelled', async () => {
      await storeMessages()
      const id = await startRun({ channel: 'shopify' })
      const startedAt = new Date()
      await processReplayRun(hub.deps, id, {
        batchSize: 3,
        afterBatch: async (r) => {
          if (r.processed === 3) {
            const cancelled = await call('POST', `/v1/admin/replays/${id}/cancel`)
            expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } })
          }
        },
      })
      expect(await runOf(id)).toMatchObject({ status: 'cancelled', processed: 3 })
      // Nothing after the cancelled batch was touched.
      const touched = await hub.deps.db
        .selectFrom('inbox_message')
        .select('id')
        .where('processed_at', '>=', startedAt)
        .execute()
      expect(touched).toHaveLength(3)
      // Cancelling again changes nothing and says so.
      expect(await call('POST', `/v1/admin/replays/${id}/cancel`)).toMatchObject({
        status: 200,
        body: { status: 'cancelled', processed: 3 },
      })
    })

    it('resumes from its cursor after the process dies mid-run', async () => {
      await storeMessages()
      const id = await startRun({ channel: 'shopify' })
      const crash = new Error('worker killed')
      await expect(
        processReplayRun(hub.deps, id, {
          batchSize: 4,
          afterBatch: () => {
            throw crash
          },
        }),
      ).rejects.toBe(crash)
      expect(await runOf(id)).toMatchObject({ status: 'running', processed: 4 })
      await processReplayRun(hub.deps, id, { batchSize: 4 })
      expect(await runOf(id)).toMatchObject({ status: 'completed', processed: ORDERS + 2 })
    })

    it('runs in the background on the replay worker, even when its job was lost', async () => {
      await storeMessages()
      const id = await startRun({ status: 'normalized' })
      // Redis lost the job (or the enqueue failed): a starting replay worker re-enqueues the run.
      await hub.deps.queues.replay.obliterate({ force: true })
      hub.startWorkers()
      try {
        await vi.waitFor(async () => expect((await runOf(id)).status).toBe('completed'), {
          timeout: 15_000,
          interval: 100,
        })
        // The orders: the message that gave up is still failed, as no run has applied it.
        expect(await runOf(id)).toMatchObject({ processed: ORDERS, produced_events: 0 })
      } finally {
        await hub.stopWorkers()
      }
    })

    it('answers 404 for an unknown run', async () => {
      expect((await call('GET', '/v1/admin/replays/rpl_nope')).status).toBe(404)
      expect((await call('POST', '/v1/admin/replays/rpl_nope/cancel')).status).toBe(404)
    })
  })

  describe('replay window', () => {
    /** A message received `days` ago, failed (a replay would apply it). */
    async function receivedDaysAgo(days: number, key: string): Promise<string> {
      const good = loadFixture('shopify', 'orders-create/multi-line-discounts')
      const row = await hub.deps.db
        .insertInto('inbox_message')
        .values({
          channel: 'shopify',
          account_id: 'demo',
          dedupe_key: key,
          topic: good.topic,
          headers: '{}',
          raw_body: Buffer.from(good.body),
          channel_time: null,
          received_at: new Date(Date.now() - days * 86_400_000),
          status: 'failed',
          outcome: JSON.stringify({ reason: 'gave up after repeated errors: timeout' }),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    }

    it('refuses to replay one message received before REPLAY_WINDOW_DAYS, naming the window, and changes nothing', async () => {
      await truncateAll(hub.deps)
      const old = await receivedDaysAgo(8, 'old-one')
      const res = await call('POST', `/v1/admin/inbox/${old}/replay`)
      expect(res.status).toBe(422)
      expect(res.body.error).toMatch(
        new RegExp(
          `message ${old} was received at .*outside the replay window \\(REPLAY_WINDOW_DAYS=7`,
        ),
      )
      expect(await outboxCount()).toBe(0)
      const recent = await receivedDaysAgo(6, 'recent-one')
      expect((await call('POST', `/v1/admin/inbox/${recent}/replay`)).status).toBe(200)
    })

    it('refuses a filtered replay, run or dry run, that matches older messages; one from inside the window goes ahead', async () => {
      await truncateAll(hub.deps)
      await receivedDaysAgo(8, 'old-one')
      await receivedDaysAgo(1, 'recent-one')
      for (const dryRun of [true, false]) {
        const res = await call('POST', '/v1/admin/replays', { filter: {}, dryRun })
        expect(res.status).toBe(422)
        expect(res.body.error).toMatch(
          /^1 matching message\(s\) were received before .*REPLAY_WINDOW_DAYS=7.*set "from"/,
        )
      }
      expect(await runCount()).toBe(0)
      const from = new Date(Date.now() - 2 * 86_400_000).toISOString()
      const res = await call('POST', '/v1/admin/replays', { filter: { from }, dryRun: true })
      expect(res.status).toBe(200)
      expect(res.body.matching).toBe(1)
    })
  })

  it('refuses every route without admin credentials', async () => {
    for (const [method, path] of [
      ['POST', '/v1/admin/replays'],
      ['GET', '/v1/admin/replays/rpl_x'],
      ['POST', '/v1/admin/replays/rpl_x/cancel'],
    ] as const) {
      const res = await hub.app.request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? JSON.stringify({ filter: {}, dryRun: false }) : null,
      })
      expect(res.status, `${method} ${path}`).toBe(401)
    }
  })
})

async function runCount(): Promise<number> {
  const row = await hub.deps.db
    .selectFrom('replay_run')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
