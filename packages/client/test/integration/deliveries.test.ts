// De-risks verifyDelivery refusing the hub's genuine deliveries, or reading them differently from
// the feed: a delivery the real pipeline sent (workers, signed by the hub, received by a local
// endpoint) must verify with the subscription's secret into the same event the feed holds, and
// fail with another secret.
import {
  DeliveryVerificationError,
  verifyDelivery,
  type ContentMode,
} from '@marketplace-hub/client'
import { describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../../../../test/helpers/fixtures.js'
import { useTestHub } from '../../../../test/helpers/hub.js'
import { useReceiver } from '../../../../test/helpers/receiver.js'
import { withBody } from '../../../../test/helpers/shopify-webhooks.js'
import { clientOf, sendShopify } from '../helpers.js'

const hub = useTestHub({ listen: true, workers: true })
const receiver = useReceiver()
const basic = loadFixture('shopify', 'orders-create/basic')

/**
 * Subscribes a receiver path of the test's own (`case`) to order.created.v1, sends a new order
 * to the hub as Shopify would, and returns the subscription and that order's delivery.
 */
async function deliveryOfNewOrder(name: string, orderId: string, contentMode?: ContentMode) {
  const subscription = await clientOf(hub).subscriptions.create({
    url: `${receiver.url}?case=${name}`,
    eventTypes: ['order.created.v1'],
    ...(contentMode ? { contentMode } : {}),
  })
  await sendShopify(
    hub,
    withBody(basic, basic.body.replaceAll('5940139491234', orderId), `wh-${orderId}`),
  )
  const delivery = await vi.waitFor(
    () => {
      const found = receiver.received.find(
        (r) => r.path === `/hook?case=${name}` && r.body.includes(orderId),
      )
      if (!found) throw new Error(`order ${orderId} not delivered to ${name} yet`)
      return found
    },
    { timeout: 20_000, interval: 50 },
  )
  return { subscription, delivery }
}

describe('verifyDelivery on real deliveries', () => {
  it('returns the event the feed holds, from a structured delivery', async () => {
    const { subscription, delivery } = await deliveryOfNewOrder('structured', '8100000000001')
    const event = verifyDelivery({ secret: subscription.secret, ...delivery })
    expect(event).toMatchObject({
      type: 'order.created.v1',
      subject: 'order/8100000000001',
      id: delivery.headers['webhook-id'],
    })
    const feed = await clientOf(hub).events.list({ after: event.position - 1, limit: 1 })
    expect(feed.events).toEqual([event])
  })

  it('refuses the same delivery with another subscription’s secret', async () => {
    const { delivery } = await deliveryOfNewOrder('other-secret', '8100000000002')
    const other = await clientOf(hub).subscriptions.create({
      url: 'http://127.0.0.1:9/x',
      eventTypes: ['listing.*'],
    })
    expect(() => verifyDelivery({ secret: other.secret, ...delivery })).toThrow(
      DeliveryVerificationError,
    )
  })

  it('rebuilds the feed event from a binary delivery (ce-* headers, data as the body)', async () => {
    const { subscription, delivery } = await deliveryOfNewOrder('binary', '8100000000003', 'binary')
    expect(delivery.headers['ce-specversion']).toBe('1.0')
    expect(delivery.headers['content-type']).toMatch(/^application\/json/)
    const event = verifyDelivery({ secret: subscription.secret, ...delivery })
    const feed = await clientOf(hub).events.list({ after: event.position - 1, limit: 1 })
    expect(feed.events).toEqual([event])
  })

  it('reads a structured delivery as a CloudEvent with its content type', async () => {
    const { subscription, delivery } = await deliveryOfNewOrder('cloudevent', '8100000000004')
    expect(delivery.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8')
    expect(verifyDelivery({ secret: subscription.secret, ...delivery })).toMatchObject({
      datacontenttype: 'application/json',
      dataschema: expect.stringMatching(/\/v1\/schemas\/order\.created\.v1\.json$/),
      recordedat: expect.any(String),
    })
  })
})
