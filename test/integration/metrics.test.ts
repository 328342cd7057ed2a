// De-risks /metrics: intake outcomes and verification failures are counted per channel, and the
// backlog gauges (queues, inbox, outbox lag, feed position, pending deliveries) read the real
// Postgres and Redis state, so an operator sees a stuck pipeline in Prometheus.
import { describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { relayAll } from '../helpers/pipeline.js'
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

/** The value of one sample, e.g. `hub_queue_jobs{queue="inbound",state="waiting"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('/metrics', () => {
  it('counts webhooks by outcome and verification failures by reason', async () => {
    expect((await postShopify(hub.app, withBody(fx, fx.body, 'metrics-1'))).status).toBe(200)
    expect((await postShopify(hub.app, withBody(fx, fx.body, 'metrics-1'))).status).toBe(200)
    expect((await postShopify(hub.app, fx, { secret: 'wrong' })).status).toBe(401)
    const text = await scrape()
    expect(sample(text, 'hub_webhooks_received_total{channel="shopify",outcome="accepted"}')).toBe(
      1,
    )
    expect(sample(text, 'hub_webhooks_received_total{channel="shopify",outcome="duplicate"}')).toBe(
      1,
    )
    expect(sample(text, 'hub_webhooks_received_total{channel="shopify",outcome="rejected"}')).toBe(
      1,
    )
    expect(
      sample(
        text,
        'hub_webhook_verification_failures_total{channel="shopify",reason="bad-signature"}',
      ),
    ).toBe(1)
  })

  it('shows the backlog at each stage, and its draining', async () => {
    let text = await scrape()
    // The accepted webhook above waits in the inbox and in the inbound queue (no workers here).
    expect(sample(text, 'hub_queue_jobs{queue="inbound",state="waiting"}')).toBe(1)
    expect(sample(text, 'hub_inbox_unprocessed')).toBe(1)
    expect(sample(text, 'hub_inbox_oldest_unprocessed_seconds')).toBeGreaterThanOrEqual(0)
    expect(
      sample(text, 'hub_queue_oldest_waiting_seconds{queue="inbound"}'),
    ).toBeGreaterThanOrEqual(0)
    expect(sample(text, 'hub_feed_position')).toBe(0)

    const [row] = await hub.deps.db.selectFrom('inbox_message').select('id').execute()
    await normalizeInboxItem(hub.deps, row!.id, { finalAttempt: false })
    text = await scrape()
    expect(sample(text, 'hub_inbox_unprocessed')).toBe(0)
    expect(sample(text, 'hub_outbox_lag_seconds')).toBeGreaterThanOrEqual(0)

    await relayAll(hub.deps)
    text = await scrape()
    expect(sample(text, 'hub_feed_position')).toBe(1)
    expect(sample(text, 'hub_outbox_lag_seconds')).toBe(0)
    expect(sample(text, 'hub_deliveries_pending')).toBe(0) // no subscriptions yet
  })

  it('declares every `_total` series a counter, and no counter under another name', async () => {
    // Stock and delivery counts live in Redis (worker processes count them); a scrape reads them.
    hub.deps.stockCounter.count('walmart', 'demo', 'applied')
    hub.deps.deliveryCounter.record({ subscriptionId: 'sub_metrics', outcome: 'delivered' })
    await vi.waitFor(async () => expect(await scrape()).toContain('hub_delivery_outcomes_total{'), {
      timeout: 2_000,
      interval: 50,
    })
    const text = await scrape()
    expect(
      sample(text, 'hub_stock_calls_total{channel="walmart",account="demo",outcome="applied"}'),
    ).toBe(1)
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
