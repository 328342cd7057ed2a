// De-risks verifyDelivery refusing the hub's genuine deliveries, or reading them differently from
// the feed: a delivery the real pipeline sent (workers, signed by the hub, received by a local
// endpoint) must verify with the subscription's secret into the same event the feed holds, and
// fail with another secret.
import { DeliveryVerificationError, verifyDelivery } from '@marketplace-hub/client'
import { describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../../../../test/helpers/fixtures.js'
import { useTestHub } from '../../../../test/helpers/hub.js'
import { useReceiver, type ReceivedRequest } from '../../../../test/helpers/receiver.js'
import {
  SANDBOX_SHOPIFY_SECRET,
  shopifyRequestHeaders,
  withBody,
} from '../../../../test/helpers/shopify-webhooks.js'
import { clientOf } from '../helpers.js'

const hub = useTestHub({ listen: true, workers: true })
const receiver = useReceiver()
const basic = loadFixture('shopify', 'orders-create/basic')

/** Sends a new Shopify order to the listening hub, as Shopify would. */
async function shopifyOrder(orderId: string): Promise<void> {
  const fx = withBody(basic, basic.body.replaceAll('5940139491234', orderId), `wh-${orderId}`)
  const res = await fetch(`${hub.url}/webhooks/shopify/demo`, {
    method: 'POST',
    headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
    body: fx.body,
  })
  expect(res.status).toBe(200)
}

/** Waits for the delivery of an order to `path` (each test has its own) and returns it. */
async function deliveryTo(path: string, orderId: string): Promise<ReceivedRequest> {
  return vi.waitFor(
    () => {
      const found = receiver.received.find((r) => r.path === path && r.body.includes(orderId))
      if (!found) throw new Error(`order ${orderId} not delivered to ${path} yet`)
      return found
    },
    { timeout: 20_000, interval: 50 },
  )
}

describe('verifyDelivery on real deliveries', () => {
  it('returns the event the feed holds, from a structured delivery', async () => {
    const client = clientOf(hub)
    const path = '/hook?case=structured'
    const subscription = await client.subscriptions.create({
      url: `${receiver.url}?case=structured`,
      eventTypes: ['order.created.v1'],
    })
    await shopifyOrder('8100000000001')
    const delivery = await deliveryTo(path, '8100000000001')

    const event = verifyDelivery({
      secret: subscription.secret,
      headers: delivery.headers,
      body: delivery.body,
    })
    expect(event).toMatchObject({
      type: 'order.created.v1',
      subject: 'order/8100000000001',
      id: delivery.headers['webhook-id'],
    })
    const feed = await client.events.list({ after: event.position - 1, limit: 1 })
    expect(feed.events).toEqual([event])
  })

  it('refuses the same delivery with another subscription’s secret', async () => {
    const client = clientOf(hub)
    const path = '/hook?case=other-secret'
    await client.subscriptions.create({
      url: `${receiver.url}?case=other-secret`,
      eventTypes: ['order.*'],
    })
    const other = await client.subscriptions.create({
      url: 'http://127.0.0.1:9/x',
      eventTypes: ['listing.*'],
    })
    await shopifyOrder('8100000000002')
    const delivery = await deliveryTo(path, '8100000000002')
    expect(() =>
      verifyDelivery({ secret: other.secret, headers: delivery.headers, body: delivery.body }),
    ).toThrow(DeliveryVerificationError)
  })

  // Needs binary content mode (H2 server side); enabled at merge.
  it.skip('rebuilds the feed event from a binary delivery (ce-* headers, data as the body)', async () => {
    const client = clientOf(hub)
    const path = '/hook?case=binary'
    const subscription = await client.subscriptions.create({
      url: `${receiver.url}?case=binary`,
      eventTypes: ['order.created.v1'],
      contentMode: 'binary',
    })
    await shopifyOrder('8100000000003')
    const delivery = await deliveryTo(path, '8100000000003')
    expect(delivery.headers['ce-specversion']).toBe('1.0')
    expect(delivery.headers['content-type']).toMatch(/^application\/json/)

    const event = verifyDelivery({
      secret: subscription.secret,
      headers: delivery.headers,
      body: delivery.body,
    })
    const feed = await client.events.list({ after: event.position - 1, limit: 1 })
    expect(event).toEqual(feed.events[0])
  })

  // Needs the CloudEvents envelope (H2 server side); enabled at merge.
  it.skip('reads a structured delivery as a CloudEvent with its content type', async () => {
    const client = clientOf(hub)
    const subscription = await client.subscriptions.create({
      url: `${receiver.url}?case=cloudevent`,
      eventTypes: ['order.created.v1'],
    })
    await shopifyOrder('8100000000004')
    const delivery = await deliveryTo('/hook?case=cloudevent', '8100000000004')
    expect(delivery.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8')
    const event = verifyDelivery({
      secret: subscription.secret,
      headers: delivery.headers,
      body: delivery.body,
    })
    expect(event).toMatchObject({
      datacontenttype: 'application/json',
      dataschema: expect.stringMatching(/\/v1\/schemas\/order\.created\.v1\.json$/),
      recordedat: expect.any(String),
    })
  })
})
