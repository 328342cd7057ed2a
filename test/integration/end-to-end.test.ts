// De-risks the whole path on real Postgres, Redis, workers and sockets: a signed Shopify
// orders/create posted to the listening hub reaches a subscriber as order.created.v1, signed so
// that an independent Standard Webhooks verifier accepts it.
import { Webhook } from 'standardwebhooks'
import { describe, expect, it, vi } from 'vitest'
import { HubEvent } from '../../src/events/index.js'
import { loadFixture } from '../helpers/fixtures.js'
import { ADMIN, useTestHub } from '../helpers/hub.js'
import { useReceiver } from '../helpers/receiver.js'
import { SANDBOX_SHOPIFY_SECRET, shopifyRequestHeaders } from '../helpers/shopify-webhooks.js'
import { subscribe } from '../helpers/subscriptions.js'

const hub = useTestHub({ listen: true, workers: true })
const receiver = useReceiver()

describe('Shopify orders/create, end to end', () => {
  it('arrives at the subscriber as a verifiable order.created.v1', async () => {
    const subscription = await subscribe(hub.app, receiver.url, ['order.*'])
    const fx = loadFixture('shopify', 'orders-create/basic')

    const res = await fetch(`${hub.url}/webhooks/shopify/demo`, {
      method: 'POST',
      headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
      body: fx.body,
    })
    expect(res.status).toBe(200)

    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), {
      timeout: 15_000,
      interval: 50,
    })
    const [delivery] = receiver.received
    const headers = {
      'webhook-id': String(delivery!.headers['webhook-id']),
      'webhook-timestamp': String(delivery!.headers['webhook-timestamp']),
      'webhook-signature': String(delivery!.headers['webhook-signature']),
    }
    const verified = new Webhook(subscription.secret).verify(delivery!.body, headers)
    const event = HubEvent.parse(verified)
    expect(event).toMatchObject({
      type: 'order.created.v1',
      id: headers['webhook-id'],
      source: '/shopify/demo',
      subject: 'order/5940139491234',
      channel: 'shopify',
      account: 'demo',
      position: 1,
    })
    if (event.type !== 'order.created.v1') throw new Error('unreachable')
    expect(event.data.order.totals.total).toEqual({ amountMinor: 3132, currency: 'USD' })

    // The same event is in the pull feed, at the same position.
    const feed = await hub.app.request('/v1/events?after=0', { headers: ADMIN })
    const page = (await feed.json()) as {
      events: Array<{ id: string; position: number }>
      next: string
    }
    expect(page.events).toEqual([expect.objectContaining({ id: event.id, position: 1 })])
    expect(page.next).toBe('1')

    // And the attempt is on record (written once the subscriber's answer is in).
    await vi.waitFor(async () => {
      const attempts = await hub.deps.db.selectFrom('delivery_attempt').selectAll().execute()
      expect(attempts).toEqual([
        expect.objectContaining({ attempt: 1, status_code: 200, error: null }),
      ])
    })
  })

  it('rejects a delivery whose signature was made with another secret (the verifier is not vacuous)', () => {
    const [delivery] = receiver.received
    const other = new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64'))
    expect(() =>
      other.verify(delivery!.body, {
        'webhook-id': String(delivery!.headers['webhook-id']),
        'webhook-timestamp': String(delivery!.headers['webhook-timestamp']),
        'webhook-signature': String(delivery!.headers['webhook-signature']),
      }),
    ).toThrow()
  })

  it('fails a payload that breaks the schema at once, without retries, and marks the inbox row', async () => {
    const fx = loadFixture('shopify', 'orders-create/invalid-missing-price')
    const res = await fetch(`${hub.url}/webhooks/shopify/demo`, {
      method: 'POST',
      headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
      body: fx.body,
    })
    const { id } = (await res.json()) as { id: string }
    await vi.waitFor(
      async () => expect(await hub.deps.queues.inbound.getJobState(`inbox-${id}`)).toBe('failed'),
      {
        timeout: 15_000,
      },
    )
    const job = await hub.deps.queues.inbound.getJob(`inbox-${id}`)
    expect(job?.attemptsMade).toBe(1)
    expect(job?.failedReason).toMatch(/invalid payload: line_items\.0\.price/)
    const row = await hub.deps.db
      .selectFrom('inbox_message')
      .select(['status', 'outcome'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      status: 'failed',
      outcome: { issues: [expect.stringMatching(/^line_items\.0\.price: /)] },
    })
  })
})
