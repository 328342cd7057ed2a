// De-risks the Amazon mapping of an order read from the order list (topic hub.order-sync), with
// Amazon's own published sandbox answers: that a listed order asks for its items alone (one
// getOrderItems, never getOrder), and then gives exactly the snapshot the webhook path (ORDER_CHANGE
// plus the fetched order) gives for the same order state, timed by LastUpdateDate, so a poll never
// looks newer than a webhook of the same state; and that a listed record or fetched items that do
// not match are `invalid`, naming the bad path.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { parseJsonBody } from '../../src/json.js'
import { inputBuilder, observations, type Json } from '../../test/helpers/normalizer-cases.js'
import { normalizers } from '../index.js'
import type { NormalizeResult } from '../types.js'
import { amazon } from './index.js'

/** One of Amazon's published sandbox answers (test/samples/README.md), parsed as the client parses it. */
function sample(name: string): Json {
  const url = new URL(`../../test/samples/amazon/${name}.response.json`, import.meta.url)
  return parseJsonBody(readFileSync(url, 'utf8')) as Json
}

const listedOrders = (sample('getOrders.TEST_CASE_200').payload as { Orders: Json[] }).Orders
const LISTED = listedOrders[0]!
const ORDER_ID = '902-1845936-5435065'
const FETCHED_ORDER = sample('getOrder.TEST_CASE_200').payload as Json
const ITEMS = (sample('getOrderItems.TEST_CASE_200').payload as { OrderItems: Json[] }).OrderItems
const ITEMS_KEY = `order-items:${ORDER_ID}`

const input = inputBuilder('amazon', 'order-sync:amazon:demo:902-1845936-5435065')

const listed = (order: Json = LISTED, items?: unknown) =>
  amazon.normalize(
    input(ORDER_SYNC_TOPIC, { order }, items === undefined ? undefined : { [ITEMS_KEY]: items }),
  )

/** The notification model's own ORDER_CHANGE example, about this order, at these times. */
function orderChange(eventTime: string, changedAt: string): Json {
  const example = readFileSync(
    new URL('../../test/samples/amazon/ORDER_CHANGE.schema-example.json', import.meta.url),
    'utf8',
  )
  const notification = parseJsonBody(example) as Json & {
    Payload: { OrderChangeNotification: Json & { OrderChangeTrigger: Json } }
  }
  const change = notification.Payload.OrderChangeNotification
  return {
    ...notification,
    EventTime: eventTime,
    Payload: {
      OrderChangeNotification: {
        ...change,
        AmazonOrderId: ORDER_ID,
        OrderChangeTrigger: { ...change.OrderChangeTrigger, TimeOfOrderChange: changedAt },
      },
    },
  }
}

const webhook = (eventTime: string, changedAt: string) =>
  amazon.normalize(
    input('ORDER_CHANGE', orderChange(eventTime, changedAt), {
      [`order:${ORDER_ID}`]: { order: FETCHED_ORDER, orderItems: ITEMS },
    }),
  )

const snapshotOf = (result: NormalizeResult) => {
  const [observation] = observations(result)
  if (observation?.kind !== 'order') throw new Error(`not an order: ${JSON.stringify(result)}`)
  return observation.snapshot
}

describe('amazon normalizer · hub.order-sync', () => {
  it('is registered for the order-sync topic', () => {
    expect(normalizers.amazon).toBe(amazon)
    expect(listed().kind).toBe('hydrate')
  })

  it('asks for the listed order’s items alone, not the order again', () => {
    expect(listed()).toEqual({ kind: 'hydrate', needs: [{ kind: 'order-items', id: ORDER_ID }] })
  })

  it('gives the webhook path’s snapshot for the same order, from Amazon’s own sample answers', () => {
    // getOrders lists the order exactly as getOrder answers it.
    expect(LISTED).toEqual(FETCHED_ORDER)
    const polled = snapshotOf(listed(LISTED, { orderItems: ITEMS }))
    // A notification whose times are those of the order's last update.
    const pushed = snapshotOf(webhook('1970-01-19T03:58:32.000Z', '1970-01-19T03:58:32.000Z'))
    expect(polled).toEqual(pushed)
    expect(polled).toMatchObject({
      externalId: ORDER_ID,
      status: 'awaiting_fulfillment',
      updatedAt: '1970-01-19T03:58:32.000Z',
      totals: { total: { amountMinor: 1101, currency: 'USD' } },
      lines: [{ externalLineId: '05015851154158', sku: 'NABetaASINB00551Q3CS', quantity: 1 }],
    })
  })

  it('times the snapshot by LastUpdateDate alone: never later than a webhook of the same state', () => {
    const polled = snapshotOf(listed(LISTED, { orderItems: ITEMS }))
    // The ORDER_CHANGE example's own times: later than the sample order's last update.
    const pushed = snapshotOf(webhook('2020-01-11T00:09:53.109Z', '2022-11-29T19:42:04.284Z'))
    expect(polled.updatedAt).toBe('1970-01-19T03:58:32.000Z')
    expect(Date.parse(polled.updatedAt)).toBeLessThan(Date.parse(pushed.updatedAt))
    expect({ ...polled, updatedAt: null }).toEqual({ ...pushed, updatedAt: null })
  })

  it('maps the second listed order of the sample too (its items are fetched the same way)', () => {
    const other = listedOrders[1]!
    const result = amazon.normalize(
      input(
        ORDER_SYNC_TOPIC,
        { order: other },
        { [`order-items:${String(other.AmazonOrderId)}`]: { orderItems: ITEMS } },
      ),
    )
    expect(snapshotOf(result)).toMatchObject({ externalId: '902-8745147-1934268' })
  })
})

describe('amazon normalizer · hub.order-sync refusals', () => {
  const issuesOf = (result: NormalizeResult) => {
    expect(result.kind).toBe('invalid')
    return result.kind === 'invalid' ? result.issues : []
  }

  it('refuses a body that is not `{ order }`, naming the path', () => {
    const issues = issuesOf(amazon.normalize(input(ORDER_SYNC_TOPIC, LISTED)))
    expect(issues).toEqual([expect.stringMatching(/^order: /)])
  })

  it('refuses a listed order without LastUpdateDate, or with an unknown status', () => {
    const { LastUpdateDate: _, ...undated } = LISTED
    expect(issuesOf(listed(undated, { orderItems: ITEMS }))).toEqual([
      expect.stringMatching(/^order\.LastUpdateDate: /),
    ])
    const odd = { ...LISTED, OrderStatus: 'Teleported' }
    expect(issuesOf(listed(odd, { orderItems: ITEMS }))).toEqual([
      'order.OrderStatus: unknown order status "Teleported"',
    ])
  })

  it('locates bad fetched items under their hydration key', () => {
    expect(issuesOf(listed(LISTED, { orderItems: [] }))).toEqual([
      `hydrated.${ITEMS_KEY}.orderItems: an order has at least one item`,
    ])
    const unpriced = [{ ...ITEMS[0], ItemPrice: { CurrencyCode: 'USD', Amount: '10.001' } }]
    expect(issuesOf(listed(LISTED, { orderItems: unpriced }))).toEqual([
      expect.stringMatching(
        new RegExp(`^hydrated\\.${ITEMS_KEY}\\.orderItems\\.0\\.ItemPrice\\.Amount: `),
      ),
    ])
  })
})
