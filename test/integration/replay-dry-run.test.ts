// De-risks the bulk replay's dry run telling the truth: for each kind of message an operator
// replays (one whose events already exist, an older snapshot that must not win over the stored
// order, one the normalizer now reads differently, one that fails) the dry run's prediction is
// compared with what the real run then did, message by message: status after, new event ids,
// errors and the run's event count. The dry run itself writes nothing.
import { describe, expect, it } from 'vitest'
import { processReplayRun, type MessagePrediction } from '../../src/admin/index.js'
import { getReplayRun } from '../../src/db/repos/replays.js'
import { loadFixture, type RecordedWebhook } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { receiveAndNormalize, truncateAll } from '../helpers/pipeline.js'

const hub = useTestHub()
const FILTER = { channel: 'shopify' }

async function replays(body: unknown) {
  const res = await hub.app.request('/v1/admin/replays', {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** A message stored as if its job had given up on a transient fault: valid, never applied. */
async function storeGivenUp(fx: RecordedWebhook, dedupeKey: string): Promise<string> {
  const row = await hub.deps.db
    .insertInto('inbox_message')
    .values({
      channel: 'shopify',
      account_id: 'demo',
      dedupe_key: dedupeKey,
      topic: fx.topic,
      headers: '{}',
      raw_body: Buffer.from(fx.body),
      channel_time: null,
      received_at: new Date(),
      status: 'failed',
      outcome: JSON.stringify({ reason: 'gave up after repeated errors: timeout' }),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** What is stored now, to show that a dry run changed none of it. */
async function state() {
  const inbox = await hub.deps.db
    .selectFrom('inbox_message')
    .select(['id', 'status', 'outcome', 'processed_at'])
    .orderBy('id')
    .execute()
  const events = await hub.deps.db.selectFrom('outbox_event').select(['id', 'inbox_id']).execute()
  const orders = await hub.deps.db.selectFrom('sales_order').selectAll().execute()
  const subjects = await hub.deps.db.selectFrom('inbox_subject').selectAll().execute()
  return { inbox, events: events.map((e) => `${e.inbox_id}/${e.id}`).sort(), orders, subjects }
}

/**
 * Starts from an empty inbox and stores one message of each kind an operator replays, in the order
 * a run replays them. Replaying changes what a replay of them would do, so each test builds its own.
 */
async function storeCases() {
  await truncateAll(hub.deps)
  const existing = (await receiveAndNormalize(hub, loadFixture('shopify', 'orders-create/basic')))!
  // The order's later snapshot is applied; its earlier one was never applied (job gave up).
  const newer = (await receiveAndNormalize(
    hub,
    loadFixture('shopify', 'orders-updated/then-fulfilled'),
  ))!
  const older = await storeGivenUp(loadFixture('shopify', 'orders-updated/paid-first'), 'older')
  // Normalized once; the stored bytes now read differently (as after a normalizer fix).
  const fx = loadFixture('shopify', 'orders-create/multi-line-discounts')
  const differs = (await receiveAndNormalize(hub, fx))!
  const changed = fx.body.replaceAll('zoe.muller@example.com', 'zoe@example.net')
  await hub.deps.db
    .updateTable('inbox_message')
    .set({ raw_body: Buffer.from(changed) })
    .where('id', '=', differs)
    .execute()
  const invalid = (await receiveAndNormalize(
    hub,
    loadFixture('shopify', 'orders-create/invalid-missing-price'),
  ))!
  return { existing, newer, older, differs, invalid }
}

describe('a replay dry run predicts what the replay does', () => {
  it('matches the real run message by message', async () => {
    const ids = await storeCases()
    const before = await state()
    const dry = await replays({ filter: FILTER, dryRun: true })
    expect(dry.status).toBe(200)
    expect(dry.body.matching).toBe(5)
    const predictions = dry.body.previews as Exclude<MessagePrediction, { result: 'error' }>[]
    const byId = new Map(predictions.map((p) => [p.id, p]))
    // In the order a run replays them.
    expect(predictions.map((p) => p.id)).toEqual([
      ids.existing,
      ids.newer,
      ids.older,
      ids.differs,
      ids.invalid,
    ])
    expect(await state()).toEqual(before)

    // What each case is predicted to do (the old preview called the older snapshot "added").
    expect(byId.get(ids.existing)).toMatchObject({ result: 'applied', newEvents: [] })
    expect(byId.get(ids.newer)).toMatchObject({ result: 'applied', newEvents: [] })
    expect(byId.get(ids.older)).toMatchObject({
      statusBefore: 'failed',
      statusAfter: 'normalized',
      result: 'applied',
      newEvents: [],
    })
    const differs = byId.get(ids.differs)!
    expect(differs.newEvents).toEqual([
      {
        id: expect.any(String),
        type: 'order.updated.v1',
        subject: 'order/5940139491250',
        supersedes: {
          id: expect.any(String),
          type: 'order.created.v1',
          diff: expect.objectContaining({
            changed: expect.arrayContaining([
              {
                path: 'order.customerEmail',
                before: 'zoe.muller@example.com',
                after: 'zoe@example.net',
              },
            ]),
          }),
        },
      },
    ])
    expect(byId.get(ids.invalid)).toMatchObject({
      statusBefore: 'failed',
      statusAfter: 'failed',
      result: 'failed',
      reason: expect.stringMatching(/^invalid payload/),
      newEvents: [],
    })

    // The real run, then the comparison.
    const started = await replays({ filter: FILTER, dryRun: false })
    expect(started.status).toBe(202)
    const runId = started.body.id as string
    await processReplayRun(hub.deps, runId)
    const run = (await getReplayRun(hub.deps.db, runId))!
    const after = await state()
    const known = new Set(before.events)
    for (const p of predictions) {
      const madeNow = after.events
        .filter((e) => e.startsWith(`${p.id}/`) && !known.has(e))
        .map((e) => e.slice(p.id.length + 1))
      expect(madeNow, `events of message ${p.id}`).toEqual(p.newEvents.map((e) => e.id))
      expect(after.inbox.find((m) => m.id === p.id)?.status, `status of ${p.id}`).toBe(
        p.statusAfter,
      )
    }
    expect(run).toMatchObject({ status: 'completed', processed: predictions.length })
    expect(run.produced_events).toBe(predictions.reduce((n, p) => n + p.newEvents.length, 0))
    expect(run.errors).toEqual(
      predictions
        .filter((p) => p.result !== 'applied')
        .map((p) => ({ inboxId: p.id, reason: `${p.result}: ${p.reason ?? ''}` })),
    )
  })

  it('predicts nothing new once the replay has run, and still writes nothing', async () => {
    await storeCases()
    const run = await replays({ filter: FILTER, dryRun: false })
    expect(run.status).toBe(202)
    await processReplayRun(hub.deps, run.body.id as string)
    const before = await state()
    const dry = await replays({ filter: FILTER, dryRun: true })
    const predictions = dry.body.previews as { newEvents: unknown[] }[]
    expect(predictions.flatMap((p) => p.newEvents)).toEqual([])
    expect(await state()).toEqual(before)
  })
})
