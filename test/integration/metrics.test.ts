// De-risks /metrics: intake outcomes and verification failures are counted per channel, and the
// backlog gauges (queues, inbox, outbox lag, feed position, pending deliveries) read the real
// Postgres and Redis state, so an operator sees a stuck pipeline in Prometheus.
import { describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { relayAll } from '../helpers/pipeline.js'
import { sample } from '../helpers/scrape.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'

const hub = useTestHub()
const fx = loadFixture('shopify', 'orders-create/basic')

async function scrape(): Promise<string> {
  const res = await hub.app.request('/metrics')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
  return res.text()
}

/** Every sample's value now; a series not yet exported counts as 0, so tests compare deltas. */
async function samples(...series: string[]): Promise<number[]> {
  const text = await scrape()
  return series.map((s) => sample(text, s) ?? 0)
}

/** The change in each series since `before` (as returned by `samples`). */
async function deltas(series: readonly string[], before: readonly number[]): Promise<number[]> {
  return (await samples(...series)).map((value, i) => value - before[i]!)
}

/** A Shopify order webhook no other test sends: its own webhook id and order id. */
const ORDER_IDS = { counts: 1, backlog: 2 } as const
function freshOrder(name: keyof typeof ORDER_IDS) {
  const order = JSON.parse(fx.body) as { id: number }
  const id = order.id + ORDER_IDS[name]
  return withBody(fx, JSON.stringify({ ...order, id }), `metrics-${name}`)
}

// Each test reads the counters and gauges it asserts on before acting, and asserts on the change,
// so any test runs alone or in any order (the hub, and its counters, are shared by the file).
describe('/metrics', () => {
  it('counts webhooks by outcome and verification failures by reason', async () => {
    const series = [
      'hub_webhooks_received_total{channel="shopify",account="demo",outcome="accepted"}',
      'hub_webhooks_received_total{channel="shopify",account="demo",outcome="duplicate"}',
      'hub_webhooks_received_total{channel="shopify",account="demo",outcome="rejected"}',
      'hub_webhook_verification_failures_total{channel="shopify",account="demo",reason="bad-signature"}',
    ]
    const before = await samples(...series)
    const webhook = freshOrder('counts')
    expect((await postShopify(hub.app, webhook)).status).toBe(200)
    expect((await postShopify(hub.app, webhook)).status).toBe(200)
    expect((await postShopify(hub.app, webhook, { secret: 'wrong' })).status).toBe(401)
    expect(await deltas(series, before)).toEqual([1, 1, 1, 1])
  })

  it('counts webhooks per configured account, and those for made-up accounts under none', async () => {
    const unknown =
      'hub_webhooks_received_total{channel="shopify",account="",outcome="unknown-account"}'
    const [before] = await samples(unknown)
    const res = await postShopify(hub.app, freshOrder('counts'), { account: 'made-up-account' })
    expect(res.status).toBe(404)
    expect(await deltas([unknown], [before!])).toEqual([1])
    expect(await scrape()).not.toContain('made-up-account')
  })

  it('shows the backlog at each stage, and its draining', async () => {
    const series = [
      'hub_queue_jobs{queue="inbound",state="waiting"}',
      'hub_inbox_unprocessed',
      'hub_feed_position',
    ]
    const before = await samples(...series)
    const res = await postShopify(hub.app, freshOrder('backlog'))
    const { id } = (await res.json()) as { id: string }
    // The webhook waits in the inbox and in the inbound queue (no workers here).
    expect(await deltas(series, before)).toEqual([1, 1, 0])
    let text = await scrape()
    expect(sample(text, 'hub_inbox_oldest_unprocessed_seconds')).toBeGreaterThanOrEqual(0)
    expect(
      sample(text, 'hub_queue_oldest_waiting_seconds{queue="inbound"}'),
    ).toBeGreaterThanOrEqual(0)

    await normalizeInboxItem(hub.deps, id, { finalAttempt: false })
    expect(await deltas(series, before)).toEqual([1, 0, 0])
    expect(sample(await scrape(), 'hub_outbox_lag_seconds')).toBeGreaterThanOrEqual(0)

    await relayAll(hub.deps)
    expect(await deltas(series, before)).toEqual([1, 0, 1])
    text = await scrape()
    expect(sample(text, 'hub_outbox_lag_seconds')).toBe(0)
    expect(sample(text, 'hub_deliveries_pending')).toBe(0) // no subscriptions in this file
  })

  it('declares every `_total` series a counter, and no counter under another name', async () => {
    // Stock and delivery counts live in Redis (worker processes count them); a scrape reads them.
    const series = [
      'hub_stock_calls_total{channel="walmart",account="demo",outcome="applied"}',
      'hub_delivery_outcomes_total{subscription="sub_metrics",outcome="delivered"}',
    ]
    const before = await samples(...series)
    hub.deps.stockCounter.count('walmart', 'demo', 'applied')
    hub.deps.deliveryCounter.record({ subscriptionId: 'sub_metrics', outcome: 'delivered' })
    await vi.waitFor(async () => expect(await deltas(series, before)).toEqual([1, 1]), {
      timeout: 2_000,
      interval: 50,
    })
    const text = await scrape()
    const types = new Map(
      [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const),
    )
    expect(types.get('hub_stock_calls_total')).toBe('counter')
    expect(types.get('hub_webhooks_received_total')).toBe('counter')
    expect(types.get('hub_delivery_outcomes_total')).toBe('counter')
    expect(types.get('hub_queue_jobs')).toBe('gauge')
    for (const [name, type] of types) {
      expect(type === 'counter', `${name} is a ${type}`).toBe(name.endsWith('_total'))
    }
  })

  it('serves process metrics too', async () => {
    expect(await scrape()).toMatch(/^hub_process_resident_memory_bytes \d+/m)
  })
})
