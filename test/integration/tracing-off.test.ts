// De-risks "off by default at no cost": without OpenTelemetry configuration the hub builds no
// tracer provider (and registers none globally), and a webhook that goes all the way to a
// subscriber leaves no trace context anywhere: not in the inbox row's column, not in the event
// envelope, not in the delivery's headers, not in Redis.
import { trace } from '@opentelemetry/api'
import { describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { useReceiver } from '../helpers/receiver.js'
import { SANDBOX_SHOPIFY_SECRET, shopifyRequestHeaders } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const hub = useTestHub({ listen: true, workers: true })
const receiver = useReceiver()

describe('tracing, not configured', () => {
  it('is off, and a webhook leaves no trace context in the row, the event or the delivery', async () => {
    expect(hub.config.tracing).toBeUndefined()
    expect(hub.deps.tracing.enabled).toBe(false)
    // No SDK provider behind OpenTelemetry's global API: its spans are the no-op ones.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false)

    await subscribe(hub.app, receiver.url, ['order.*'])
    const fx = loadFixture('shopify', 'orders-create/basic')
    const res = await fetch(`${hub.url}/webhooks/shopify/demo`, {
      method: 'POST',
      headers: {
        ...shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
        traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      },
      body: fx.body,
    })
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 15_000 })

    const [delivery] = receiver.received
    expect(delivery!.headers.traceparent).toBeUndefined()
    expect(delivery!.headers.tracestate).toBeUndefined()
    expect(JSON.parse(delivery!.body)).not.toHaveProperty('traceparent')
    const row = await hub.deps.db
      .selectFrom('inbox_message')
      .select(['status', 'trace_context'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'normalized', trace_context: null })
    const events = await hub.deps.db.selectFrom('outbox_event').select('envelope').execute()
    for (const e of events) expect(e.envelope).not.toHaveProperty('traceparent')
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, found] = await hub.deps.redis.producer.scan(
        cursor,
        'MATCH',
        `${hub.config.queues.prefix}:trace-causes:*`,
        'COUNT',
        1_000,
      )
      keys.push(...found)
      cursor = next
    } while (cursor !== '0')
    expect(keys).toEqual([])
  })
})
