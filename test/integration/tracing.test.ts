// De-risks traces (issue 18) on a real hub with workers: a webhook posted over HTTP must leave one
// trace from its request through intake, the queue hop and normalization to the outbox and each
// delivery attempt (whose subscriber receives the attempt's traceparent), and a stock push that
// serves two orders must link to both orders' traces. Spans are read from an in-memory exporter
// handed to the hub's deps, not from a mocked module.
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { describe, expect, it, vi } from 'vitest'
import { sandboxAccounts } from '../../src/config/index.js'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import { SPAN } from '../../src/tracing/index.js'
import { useEmulator } from '../helpers/emulated-channel.js'
import { loadFixture, type RecordedWebhook } from '../helpers/fixtures.js'
import { capturedLog } from '../helpers/log-lines.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { useReceiver } from '../helpers/receiver.js'
import {
  SANDBOX_SHOPIFY_SECRET,
  shopifyRequestHeaders,
  withBody,
} from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const exporter = new InMemorySpanExporter()
const emulator = useEmulator()
const logged = capturedLog('info')
const hub = useTestHub({
  accounts: () => sandboxAccounts(emulator.url),
  workers: true,
  listen: true,
  spanExporter: exporter,
  log: logged.log,
})
const receiver = useReceiver()
/** The SKU of the push test's orders and listing, apart from the other test's orders. */
const SKU = 'TRACE-PUSH-1'

const spans = () => exporter.getFinishedSpans()
const named = (name: string, traceId?: string) =>
  spans().filter((s) => s.name === name && (!traceId || s.spanContext().traceId === traceId))
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

/** The fixture order (one line, one unit) under another order id and webhook id, placed now. */
function order(n: number, sku = 'KIT-SP-WAL'): RecordedWebhook {
  const fx = loadFixture('shopify', 'orders-create/basic')
  const body = JSON.parse(fx.body) as { line_items: Array<Record<string, unknown>> }
  const now = new Date().toISOString()
  const placed = { id: 7_000_000_000 + n, name: `#T${n}`, created_at: now, updated_at: now }
  const lines = body.line_items.map((l) => ({ ...l, sku }))
  return withBody(fx, JSON.stringify({ ...body, ...placed, line_items: lines }), `trace-${n}`)
}

async function post(fx: RecordedWebhook): Promise<string> {
  const res = await fetch(`${hub.url}/webhooks/shopify/demo`, {
    method: 'POST',
    headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
    body: fx.body,
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { id: string }).id
}

/** The trace of the webhook stored as inbox row `inboxId`: its request's SERVER span. */
function requestSpan(inboxId: string): ReadableSpan {
  const intake = named(SPAN.intake).find((s) => s.attributes['hub.inbox.id'] === inboxId)
  const server = spans().find((s) => s.spanContext().spanId === parentOf(intake!))
  expect(server).toBeDefined()
  return server!
}

const admin = (method: string, path: string, body: unknown) =>
  hub.app.request(path, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('traces', () => {
  it('are named by the log line of a job that failed, to go from the log to the trace', async () => {
    const fx = loadFixture('shopify', 'orders-create/invalid-missing-price')
    const inboxId = await post(withBody(fx, fx.body, `trace-failing-${Date.now()}`))
    const line = await vi.waitFor(
      () => {
        const found = logged.lines.find((l) => l.msg === 'job failed' && l.inboxId === inboxId)
        expect(found).toBeDefined()
        return found!
      },
      { timeout: 15_000, interval: 50 },
    )
    const trace = requestSpan(inboxId).spanContext().traceId
    expect(line.traceId).toBe(trace)
    expect(named(SPAN.normalize, trace)[0]!.attributes['hub.inbox.id']).toBe(inboxId)
  })

  it('follow one webhook from its request through the queue hop to each delivery attempt', async () => {
    await subscribe(hub.app, receiver.url, ['order.*'])
    const inboxId = await post(order(1))
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 15_000 })
    const server = await vi.waitFor(() => requestSpan(inboxId), { timeout: 5_000 })
    const trace = server.spanContext().traceId
    expect(server).toMatchObject({ name: SPAN.webhook, kind: SpanKind.SERVER })
    expect(server.parentSpanContext).toBeUndefined()
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 200,
      'hub.channel': 'shopify',
      'hub.account': 'demo',
    })

    // Intake: the request's own wait, a child of the request; the batch flush links to it.
    const [intake] = named(SPAN.intake, trace)
    expect(parentOf(intake!)).toBe(server.spanContext().spanId)
    expect(intake!.attributes).toMatchObject({ 'hub.outcome': 'accepted', 'hub.inbox.id': inboxId })
    const batch = named(SPAN.intakeBatch).find((b) =>
      b.links.some((l) => l.context.spanId === intake!.spanContext().spanId),
    )
    expect(batch?.spanContext().traceId).not.toBe(trace)

    // Across the queue hop: normalization continues the request's trace, the outbox write under it.
    const delivered = await vi.waitFor(
      () => {
        const found = named(SPAN.deliveryAttempt, trace)
        expect(found).toHaveLength(1)
        return found[0]!
      },
      { timeout: 5_000 },
    )
    const [normalize] = named(SPAN.normalize, trace)
    expect(parentOf(normalize!)).toBe(server.spanContext().spanId)
    expect(normalize!.attributes).toMatchObject({ 'hub.inbox.id': inboxId, 'hub.outcome': 'done' })
    const [write] = named(SPAN.outboxWrite, trace)
    expect(parentOf(write!)).toBe(normalize!.spanContext().spanId)

    // The event carries the context of its creation; the attempt is a CLIENT span under it, and
    // the subscriber gets the attempt's own context in the traceparent header.
    const body = JSON.parse(receiver.received[0]!.body) as { traceparent?: string; type: string }
    expect(body.traceparent).toBe(`00-${trace}-${normalize!.spanContext().spanId}-01`)
    expect(delivered.kind).toBe(SpanKind.CLIENT)
    expect(parentOf(delivered)).toBe(normalize!.spanContext().spanId)
    expect(delivered.attributes).toMatchObject({
      'http.response.status_code': 200,
      'hub.delivery.attempt': 1,
      'cloudevents.event_type': 'order.created.v1',
    })
    expect(receiver.received[0]!.headers.traceparent).toBe(
      `00-${trace}-${delivered.spanContext().spanId}-01`,
    )
    // Stored with the row, for a job the sweeper has to re-create.
    const row = await hub.deps.db
      .selectFrom('inbox_message')
      .select('trace_context')
      .where('id', '=', inboxId)
      .executeTakeFirstOrThrow()
    expect(row.trace_context).toEqual({
      traceparent: `00-${trace}-${server.spanContext().spanId}-01`,
    })
  })

  it(
    'link a stock push that serves two orders to both orders traces',
    { timeout: 40_000 },
    async () => {
      const unit = emulatedChannels.shopify.listingUnit(SKU)
      const listing = { sku: SKU, channel: 'shopify', account: 'demo', unit }
      expect((await admin('PUT', '/v1/listings', { listings: [listing] })).status).toBe(200)
      const level = { onHand: 10, asOf: new Date().toISOString() }
      expect((await admin('PUT', `/v1/inventory/${SKU}`, level)).status).toBe(200)
      const offered = () => emulator.state('shopify').stock.get(SKU)
      await vi.waitFor(() => expect(offered()).toBe(10), { timeout: 15_000 })

      // Held back while both orders arrive, so one push serves both (as behind a rate limit).
      const queue = hub.deps.queues.stock.queueOf('shopify', 'demo')!
      await queue.pause()
      const ids = [await post(order(2, SKU)), await post(order(3, SKU))]
      const { id: listingId } = await hub.deps.db
        .selectFrom('listing')
        .select('id')
        .where('sku', '=', SKU)
        .executeTakeFirstOrThrow()
      const causes = `${hub.config.queues.prefix}:trace-causes:listing:${listingId}`
      await vi.waitFor(async () => expect(await hub.deps.redis.producer.llen(causes)).toBe(2), {
        timeout: 15_000,
      })
      await queue.resume()

      const push = await vi.waitFor(
        () => {
          const linked = named(SPAN.stockPush).filter((s) => s.links.length > 0)
          expect(linked).toHaveLength(1)
          return linked[0]!
        },
        { timeout: 15_000 },
      )
      const orderTraces = ids.map((id) => requestSpan(id).spanContext().traceId)
      expect(push.links.map((l) => l.context.traceId).sort()).toEqual([...orderTraces].sort())
      expect(orderTraces).not.toContain(push.spanContext().traceId)
      expect(push.attributes).toMatchObject({
        'hub.channel': 'shopify',
        'hub.listing.ids': [listingId],
        'hub.outcome': 'done',
      })
    },
  )
})
