// The console's backlog chart (issue #18): the backlog counts exist only for "now", so the risks
// are a chart with nothing to draw (no past minutes kept), a sample per sweep instead of per
// minute, a table that grows forever, and a chart that draws a minute nobody sampled as zero.
import { describe, expect, it, vi } from 'vitest'
import type { Clock } from '../../src/clock.js'
import { backlogSamples, recordBacklogSample } from '../../src/db/repos/backlog-samples.js'
import { backlogSnapshot } from '../../src/metrics/backlog.js'
import { createBacklogSampler } from '../../src/pipeline/backlog-sampler.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'

const hub = useTestHub()

const MINUTE = 60_000
/** A clock the test moves. */
function clockAt(start: number): Clock & { set(at: number): void } {
  let at = start
  return { now: () => new Date(at), set: (next) => (at = next) }
}

const rowsBetween = async (from: number, to: number) =>
  (await backlogSamples(hub.deps.db, new Date(from))).filter((r) => r.minute.getTime() < to)

describe('backlog samples', () => {
  it('keeps one sample a minute, however often the leader sweeps, and a day of them', async () => {
    // A webhook stored and not normalized (no workers run now): the inbox backlog is not zero.
    const fx = loadFixture('shopify', 'orders-create/basic')
    const stored = await postShopify(hub.app, withBody(fx, fx.body, `backlog-${Date.now()}`))
    expect(stored.status).toBe(200)
    // Whole minutes a day back, so no other test's minutes are among them.
    const start = Math.floor(Date.now() / MINUTE) * MINUTE - 23 * 3600_000
    const clock = clockAt(start + 5_000)
    const sampler = createBacklogSampler({ db: hub.deps.db, clock })
    await recordBacklogSample(hub.deps.db, new Date(start - 25 * 3600_000), {
      inboxUnprocessed: 1,
      outboxUnpublished: 1,
      deliveriesPending: 1,
    })

    expect(await sampler.sample()).toBe(true)
    clock.set(start + 15_000) // the next sweep, same minute
    expect(await sampler.sample()).toBe(false)
    clock.set(start + MINUTE + 1_000)
    expect(await sampler.sample()).toBe(true)

    const now = await backlogSnapshot(hub.deps.db, clock)
    const rows = await rowsBetween(start - 26 * 3600_000, start + 2 * MINUTE)
    expect(rows.map((r) => r.minute.getTime())).toEqual([start, start + MINUTE])
    expect(rows[1]).toMatchObject({
      inboxUnprocessed: now.inboxUnprocessed,
      outboxUnpublished: now.outboxUnpublished,
      deliveriesPending: now.deliveriesPending,
    })
    expect(now.inboxUnprocessed).toBeGreaterThan(0)
  })

  it('draws the last hour’s samples in the console, a minute without one as a gap', async () => {
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE
    const counts = { inboxUnprocessed: 40, outboxUnpublished: 3, deliveriesPending: 25 }
    // Only these: the leader of another test here may have sampled the last minutes.
    await hub.deps.db
      .deleteFrom('backlog_sample')
      .where('at', '>=', new Date(minute - 60 * MINUTE))
      .execute()
    // Two runs of samples with a minute missing between them (no leader that minute).
    for (const at of [minute - 5 * MINUTE, minute - 4 * MINUTE, minute - 2 * MINUTE])
      await recordBacklogSample(hub.deps.db, new Date(at), counts)

    const res = await hub.app.request('/console/panels/charts', { headers: ADMIN })
    const html = await res.text()
    const chart = /data-testid="chart-backlog"[\s\S]*?<\/figure>/.exec(html)![0]
    expect(Number(/data-max="(\d+)"/.exec(chart)![1])).toBeGreaterThanOrEqual(40)
    const inbox = [...chart.matchAll(/<polyline class="line series-a" data-series="inbox"/g)]
    expect(inbox).toHaveLength(2) // one line per run of sampled minutes
  })

  it('is taken by the relay leader of a running hub', async () => {
    const minute = () => Math.floor(Date.now() / MINUTE) * MINUTE
    hub.startWorkers()
    try {
      await vi.waitFor(
        async () => expect((await rowsBetween(minute(), minute() + MINUTE)).length).toBe(1),
        { timeout: 15_000, interval: 100 },
      )
    } finally {
      await hub.stopWorkers()
    }
  })
})
