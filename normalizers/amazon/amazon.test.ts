// De-risks the Amazon mapping: every recorded notification, in each of its three envelopes
// (EventBridge event, SNS message, bare notification), maps to the same reviewed golden output;
// ORDER_CHANGE first asks for exactly the order it needs and then yields exact minor-unit amounts;
// an SNS subscription is only ever confirmed on an SNS host; the status tables and the refusals
// (each naming its path in the posted body) are pinned case by case.
import { describe, expect, it } from 'vitest'
import { notificationId, unwrapAmazon } from '../../connectors/amazon/index.js'
import { parseJsonBody } from '../../src/json.js'
import { listFixtures, loadFixture, type RecordedWebhook } from '../../test/helpers/fixtures.js'
import {
  describeFixtures,
  fixtureInputs,
  inputBuilder,
  observations,
  only,
  snapshotOf,
  usd,
  type Json,
} from '../../test/helpers/normalizer-cases.js'
import { amazon } from './index.js'
import { listingStatus } from './listing.js'
import { orderStatus } from './order.js'
import { subscriptionArn } from './sns.js'
import { normalizers } from '../index.js'
import type { NormalizeResult } from '../types.js'

const ENVELOPES = ['eventbridge', 'sns', 'bare'] as const

const input = inputBuilder('amazon', 'test-notification')

/** The fixture as the pipeline hands it over: deduplicated by notification id, else SNS message id. */
const fixtureInput = fixtureInputs(input, (body) => {
  const envelope = unwrapAmazon(body)
  const id = envelope?.notification && notificationId(envelope.notification)
  const sns = envelope?.transport === 'sns' ? `sns:${String(envelope.sns.MessageId)}` : undefined
  return id ?? sns ?? 'unknown'
})

function normalizeFixture(name: string): NormalizeResult {
  return amazon.normalize(fixtureInput(loadFixture('amazon', name), true))
}

/** `<topic>/<case>-<envelope>` → `<topic>/<case>` and the envelope. */
function splitName(name: string): { readonly base: string; readonly envelope: string } {
  const match = /^(.*)-(eventbridge|sns|bare)$/.exec(name)
  if (!match) throw new Error(`fixture ${name} does not end in -eventbridge, -sns or -bare`)
  return { base: match[1]!, envelope: match[2]! }
}

// ---------------------------------------------------------------------------------------------
// Building notifications and envelopes

const EVENTBRIDGE_SOURCE =
  'aws.partner/sellingpartnerapi.amazon.com/123456789012/amzn1.sellerapps.app.f1b2c3d4'
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:sp-api-notifications'

function notification(type: string, payload: Json, eventTime = '2026-11-22T09:13:02.194Z'): Json {
  return {
    NotificationVersion: '1.0',
    NotificationType: type,
    PayloadVersion: '1.0',
    EventTime: eventTime,
    Payload: payload,
    NotificationMetadata: { NotificationId: '00000000-0000-4000-8000-000000000001' },
  }
}

function eventBridge(detail: unknown, detailType = 'X'): Json {
  return {
    version: '0',
    id: '00000000-0000-4000-8000-0000000000e1',
    'detail-type': detailType,
    source: EVENTBRIDGE_SOURCE,
    account: '123456789012',
    time: '2026-11-22T09:13:02Z',
    region: 'us-east-1',
    resources: [],
    detail,
  }
}

function sns(message: string, type = 'Notification'): Json {
  return {
    Type: type,
    MessageId: '00000000-0000-4000-8000-0000000000a1',
    TopicArn: TOPIC_ARN,
    Message: message,
    Timestamp: '2026-11-22T09:13:02.611Z',
    SignatureVersion: '2',
    Signature: 'PLACEHOLDER',
  }
}

/** The notification in each envelope (SNS with the EventBridge event, and without). */
function everyEnvelope(n: Json): Record<string, Json> {
  const type = String(n.NotificationType ?? n.notificationType)
  return {
    eventbridge: eventBridge(n, type),
    'sns-event': sns(JSON.stringify(eventBridge(n, type))),
    sns: sns(JSON.stringify(n)),
    bare: n,
  }
}

const MFN_TYPE = 'LISTINGS_ITEM_MFN_QUANTITY_CHANGE'
const mfnPayload = (more: Json = {}): Json => ({
  SellerId: 'A1B2C3D4E5F6G7',
  FulfillmentChannelCode: 'DEFAULT',
  Sku: 'TSHIRT-BLK-M',
  Quantity: 17,
  ...more,
})

// ---------------------------------------------------------------------------------------------
// The ORDER_CHANGE fixture and its fetched order

const UNSHIPPED_FX = loadFixture('amazon', 'ORDER_CHANGE/unshipped-bare')
const ORDER_ID = '113-2846105-7739201'
const ORDER_KEY = `order:${ORDER_ID}`
const UNSHIPPED_EVENT_TIME = '2026-11-22T09:12:41.518Z'

function orderChange(orderId = ORDER_ID, trigger?: Json, eventTime = UNSHIPPED_EVENT_TIME): Json {
  return notification(
    'ORDER_CHANGE',
    {
      OrderChangeNotification: {
        NotificationLevel: 'OrderLevel',
        SellerId: 'A1B2C3D4E5F6G7',
        AmazonOrderId: orderId,
        OrderChangeType: 'OrderStatusChange',
        OrderChangeTrigger: trigger ?? {
          TimeOfOrderChange: '2026-11-22T09:12:35.000Z',
          ChangeReason: 'Order status changed',
        },
        Summary: { MarketplaceId: 'ATVPDKIKX0DER', OrderStatus: 'Unshipped' },
      },
    },
    eventTime,
  )
}

interface OrderRecord {
  order: Json
  orderItems: Json[]
}

/** The unshipped fixture's fetched record (tee × 2, mug × 1), with order fields overridden. */
function orderRecord(overrides: Json = {}): OrderRecord {
  const record = structuredClone(UNSHIPPED_FX.hydrated![ORDER_KEY]) as OrderRecord
  return { order: { ...record.order, ...overrides }, orderItems: record.orderItems }
}

/** The record with item `index` changed by `overrides` (a value of undefined removes the field). */
function withItem(index: number, overrides: Json, record = orderRecord()): OrderRecord {
  const orderItems = record.orderItems.map((item, i) => {
    if (i !== index) return item
    const merged: Json = { ...item, ...overrides }
    for (const [key, value] of Object.entries(overrides))
      if (value === undefined) delete merged[key]
    return merged
  })
  return { ...record, orderItems }
}

function withOrder(record: unknown, n = orderChange()): NormalizeResult {
  return amazon.normalize(input('ORDER_CHANGE', n, { [ORDER_KEY]: record }))
}

const ITEM0 = `hydrated.${ORDER_KEY}.orderItems.0`

/** An item with no money fields, as getOrderItems answers while the order is Pending. */
function unpriced(item: Json): Json {
  const out: Json = { ...item }
  for (const key of Object.keys(out)) {
    if (/Price|Tax|Discount/.test(key)) delete out[key]
  }
  return out
}

// ---------------------------------------------------------------------------------------------

describeFixtures({
  channel: 'amazon',
  normalizer: amazon,
  fixtureInput,
  outcome: (name) =>
    name.includes('/invalid-')
      ? 'invalid'
      : name.startsWith('ACCOUNT_STATUS_CHANGED/')
        ? 'ignored'
        : 'observations',
  emits: ['order', 'inventory-level', 'listing-status', 'subscription-confirmed'],
  alsoExpect: (observation) => {
    if (observation.kind === 'subscription-confirmed') {
      expect(observation.topic).toMatch(/^arn:aws:sns:/)
    }
  },
  // Amazon states the total; the recorded orders carry no gift wrap or COD fee, so it adds up.
  totalIsSumOfParts: true,
  more: (fx) => {
    it('is named for its envelope, and the body is that envelope', () => {
      const { envelope } = splitName(fx.name)
      const unwrapped = unwrapAmazon(parseJsonBody(fx.body))
      expect(unwrapped?.transport).toBe(envelope)
    })
  },
})

describe('amazon normalizer · envelopes', () => {
  const groups = new Map<string, RecordedWebhook[]>()
  for (const fx of listFixtures('amazon')) {
    const { base } = splitName(fx.name)
    groups.set(base, [...(groups.get(base) ?? []), fx])
  }

  it.each([
    'ORDER_CHANGE/unshipped',
    'LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock',
    'FBA_INVENTORY_AVAILABILITY_CHANGES/two-marketplaces',
    'LISTINGS_ITEM_STATUS_CHANGE/buyable',
  ])('records %s in all three envelopes', (base) => {
    const names = (groups.get(base) ?? []).map((fx) => splitName(fx.name).envelope).sort()
    expect(names).toEqual([...ENVELOPES].sort())
  })

  it.each([...groups].filter(([, fxs]) => fxs.length > 1))(
    '%s normalizes to the same result in every envelope',
    (_base, fxs) => {
      const [reference, ...others] = fxs.map((fx) => amazon.normalize(fixtureInput(fx, true)))
      const firsts = fxs.map((fx) => amazon.normalize(fixtureInput(fx, false)))
      expect(reference?.kind).toBe('observations')
      for (const other of others) expect(other).toEqual(reference)
      for (const other of firsts.slice(1)) expect(other).toEqual(firsts[0])
    },
  )

  it('gives every delivery its own notification id and SNS message id', () => {
    const ids = listFixtures('amazon').map((fx) => fixtureInput(fx, false).dedupeKey)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('reads a notification with camelCase envelope keys like a PascalCase one', () => {
    const pascal = notification(MFN_TYPE, mfnPayload())
    const camel = {
      notificationVersion: '1.0',
      notificationType: MFN_TYPE,
      payloadVersion: '1.0',
      eventTime: pascal.EventTime,
      payload: mfnPayload(),
      notificationMetadata: { notificationId: '00000000-0000-4000-8000-000000000002' },
    }
    const expected = amazon.normalize(input(MFN_TYPE, pascal))
    expect(expected.kind).toBe('observations')
    for (const body of Object.values(everyEnvelope(camel))) {
      expect(amazon.normalize(input(MFN_TYPE, body))).toEqual(expected)
    }
  })

  it('names a bad field by its path in each envelope', () => {
    const bodies = everyEnvelope(notification(MFN_TYPE, mfnPayload({ Sku: undefined })))
    const issue = (body: Json) => {
      const result = amazon.normalize(input(MFN_TYPE, body))
      return result.kind === 'invalid' ? result.issues : result
    }
    const missing = 'Invalid input: expected string, received undefined'
    expect(issue(bodies.eventbridge!)).toEqual([`detail.Payload.Sku: ${missing}`])
    expect(issue(bodies['sns-event']!)).toEqual([`Message.detail.Payload.Sku: ${missing}`])
    expect(issue(bodies.sns!)).toEqual([`Message.Payload.Sku: ${missing}`])
    expect(issue(bodies.bare!)).toEqual([`Payload.Sku: ${missing}`])
  })

  it('refuses a body that holds no notification, saying where it looked', () => {
    const refused = (topic: string, body: unknown) => amazon.normalize(input(topic, body))
    expect(refused('ORDER_CHANGE', { hello: 'world' })).toEqual({
      kind: 'invalid',
      issues: [
        '(body): not an EventBridge event, an SNS message or an SP-API notification (no NotificationType)',
      ],
    })
    expect(refused('ORDER_CHANGE', null)).toMatchObject({ kind: 'invalid' })
    expect(refused('ORDER_CHANGE', eventBridge('not an object', 'ORDER_CHANGE'))).toEqual({
      kind: 'invalid',
      issues: ['detail: expected an SP-API notification object'],
    })
    expect(refused('ORDER_CHANGE', sns('{"truncated'))).toEqual({
      kind: 'invalid',
      issues: [
        'Message: the SNS Notification holds no SP-API notification (nor an EventBridge event)',
      ],
    })
    expect(refused('ORDER_CHANGE', sns(JSON.stringify(eventBridge([], 'ORDER_CHANGE'))))).toEqual({
      kind: 'invalid',
      issues: ['Message.detail: expected an SP-API notification object'],
    })
  })

  it('refuses a notification filed under another type than its own', () => {
    const body = eventBridge(notification(MFN_TYPE, mfnPayload()), MFN_TYPE)
    const result = amazon.normalize(input('FBA_INVENTORY_AVAILABILITY_CHANGES', body))
    expect(result.kind === 'invalid' && result.issues[0]).toBe(
      'detail.NotificationType: Invalid input: expected "FBA_INVENTORY_AVAILABILITY_CHANGES"',
    )
  })

  it('says what is wrong with a body ingress could not read', () => {
    const unreadable = (body: unknown) => amazon.normalize(input('UNREADABLE', body))
    expect(unreadable({ hello: 'world' })).toEqual({
      kind: 'invalid',
      issues: [
        '(body): not an EventBridge event, an SNS message or an SP-API notification (no NotificationType)',
      ],
    })
    expect(unreadable(eventBridge(null, 'ORDER_CHANGE'))).toEqual({
      kind: 'invalid',
      issues: ['detail: expected an SP-API notification object'],
    })
    expect(unreadable(eventBridge({ NotificationType: 'ORDER_CHANGE' }, 'ORDER_CHANGE'))).toEqual({
      kind: 'invalid',
      issues: ['detail.NotificationType: ingress could not read notification type ORDER_CHANGE'],
    })
  })
})

describe('amazon normalizer · registry and ignored topics', () => {
  it('is the registered Amazon normalizer', () => {
    expect(normalizers.amazon).toBe(amazon)
  })

  it.each([
    'ANY_OFFER_CHANGED',
    'ACCOUNT_STATUS_CHANGED',
    'REPORT_PROCESSING_FINISHED',
    'MFN_ORDER_STATUS_CHANGE',
  ])('ignores %s without reading the body', (topic) => {
    expect(amazon.normalize(input(topic, 'anything'))).toEqual({
      kind: 'ignored',
      reason: `topic ${topic} is not consumed`,
    })
  })
})

describe('amazon normalizer · ORDER_CHANGE hydration', () => {
  it('asks for the order the notification names, in every envelope', () => {
    for (const body of Object.values(everyEnvelope(orderChange()))) {
      expect(amazon.normalize(input('ORDER_CHANGE', body))).toEqual({
        kind: 'hydrate',
        needs: [{ kind: 'order', id: ORDER_ID }],
      })
    }
  })

  it('names the missing order id', () => {
    expect(normalizeFixture('ORDER_CHANGE/invalid-missing-order-id-bare')).toEqual({
      kind: 'invalid',
      issues: [
        'Payload.OrderChangeNotification.AmazonOrderId: Invalid input: expected string, received undefined',
      ],
    })
  })

  it('refuses a fetched order that is not the one the notification names', () => {
    expect(withOrder(orderRecord({ AmazonOrderId: '111-0000000-0000000' }))).toEqual({
      kind: 'invalid',
      issues: [
        `hydrated.${ORDER_KEY}.order.AmazonOrderId: is 111-0000000-0000000, the notification names ${ORDER_ID}`,
      ],
    })
  })

  it('locates a bad fetched record under its hydration key, one issue per path', () => {
    const result = withOrder({ ...orderRecord({ PurchaseDate: 'yesterday' }), orderItems: [] })
    expect(result.kind === 'invalid' && result.issues).toEqual([
      `hydrated.${ORDER_KEY}.order.PurchaseDate: Invalid ISO datetime`,
      `hydrated.${ORDER_KEY}.orderItems: an order has at least one item`,
    ])
    expect(withOrder('<html>')).toMatchObject({ kind: 'invalid' })
  })

  it('times the snapshot by the latest of LastUpdateDate, TimeOfOrderChange and EventTime', () => {
    const at = (lastUpdate: string, trigger: Json | undefined, eventTime: string) =>
      snapshotOf(
        withOrder(
          orderRecord({ LastUpdateDate: lastUpdate }),
          orderChange(ORDER_ID, trigger, eventTime),
        ),
      ).updatedAt
    const trigger = (time: string | null) => ({ TimeOfOrderChange: time, ChangeReason: 'x' })
    expect(at('2026-11-22T09:12:30Z', trigger('2026-11-22T09:12:35Z'), UNSHIPPED_EVENT_TIME)).toBe(
      UNSHIPPED_EVENT_TIME,
    )
    expect(at('2026-11-22T09:20:00Z', trigger('2026-11-22T09:12:35Z'), UNSHIPPED_EVENT_TIME)).toBe(
      '2026-11-22T09:20:00.000Z',
    )
    expect(
      at('2026-11-22T09:12:30Z', trigger('2026-11-22T09:30:00+00:00'), UNSHIPPED_EVENT_TIME),
    ).toBe('2026-11-22T09:30:00.000Z')
    expect(at('2026-11-22T09:12:30Z', trigger(null), '2026-11-22T09:00:00Z')).toBe(
      '2026-11-22T09:12:30.000Z',
    )
    const canceled = snapshotOf(normalizeFixture('ORDER_CHANGE/canceled-bare'))
    expect([canceled.placedAt, canceled.updatedAt]).toEqual([
      '2026-11-22T10:21:09.000Z',
      '2026-11-22T10:31:07.000Z',
    ])
  })
})

describe('amazon normalizer · order status', () => {
  it.each([
    ['PendingAvailability', 'pending', 'pending'],
    ['Pending', 'pending', 'pending'],
    ['Unshipped', 'awaiting_fulfillment', 'paid'],
    ['PartiallyShipped', 'partially_fulfilled', 'paid'],
    ['Shipped', 'fulfilled', 'paid'],
    ['InvoiceUnconfirmed', 'fulfilled', 'paid'],
    ['Canceled', 'cancelled', 'voided'],
    ['Unfulfillable', 'pending', 'paid'],
  ] as const)('%s → %s / %s', (OrderStatus, status, paymentStatus) => {
    const snapshot = snapshotOf(withOrder(orderRecord({ OrderStatus })))
    expect([snapshot.status, snapshot.paymentStatus]).toEqual([status, paymentStatus])
    expect(snapshot.channelStatus).toEqual({ OrderStatus, FulfillmentChannel: 'MFN' })
    expect(orderStatus(OrderStatus)).toEqual({ status, paymentStatus })
  })

  it('refuses a status it does not know rather than guessing, even a near miss', () => {
    for (const OrderStatus of ['Delivered', 'canceled', 'toString']) {
      expect(withOrder(orderRecord({ OrderStatus }))).toEqual({
        kind: 'invalid',
        issues: [`hydrated.${ORDER_KEY}.order.OrderStatus: unknown order status "${OrderStatus}"`],
      })
    }
  })

  it('counts shipped units per item, never more than ordered', () => {
    const partly = withItem(
      0,
      { QuantityShipped: 1 },
      orderRecord({ OrderStatus: 'PartiallyShipped' }),
    )
    expect(snapshotOf(withOrder(partly)).lines.map((line) => line.quantityFulfilled)).toEqual([
      1, 0,
    ])
    const over = withItem(1, { QuantityShipped: 5 })
    expect(snapshotOf(withOrder(over)).lines[1]?.quantityFulfilled).toBe(1)
    const none = withItem(0, { QuantityShipped: undefined })
    expect(snapshotOf(withOrder(none)).lines[0]?.quantityFulfilled).toBe(0)
  })

  it("keeps the buyer's cancel reason of a cancelled order, and only then", () => {
    const canceled = snapshotOf(normalizeFixture('ORDER_CHANGE/canceled-bare'))
    expect([canceled.status, canceled.paymentStatus, canceled.cancelReason]).toEqual([
      'cancelled',
      'voided',
      'Order created by mistake',
    ])
    const requested = withItem(0, {
      BuyerRequestedCancel: { IsBuyerRequestedCancel: 'true', BuyerCancelReason: 'Changed mind' },
    })
    expect(snapshotOf(withOrder(requested)).cancelReason).toBeNull()
    const cancelled = withItem(
      0,
      { BuyerRequestedCancel: { IsBuyerRequestedCancel: true, BuyerCancelReason: 'Changed mind' } },
      withItem(
        1,
        { BuyerRequestedCancel: { IsBuyerRequestedCancel: 'false', BuyerCancelReason: 'x' } },
        orderRecord({ OrderStatus: 'Canceled' }),
      ),
    )
    expect(snapshotOf(withOrder(cancelled)).cancelReason).toBe('Changed mind')
  })
})

describe('amazon normalizer · order amounts', () => {
  it('maps the unshipped order to exact minor units; ItemPrice covers both units of a line', () => {
    const snapshot = snapshotOf(normalizeFixture('ORDER_CHANGE/unshipped-eventbridge'))
    expect(
      snapshot.lines.map((line) => [
        line.externalLineId,
        line.sku,
        line.title,
        line.quantity,
        line.unitPrice,
        line.discount,
        line.total,
      ]),
    ).toEqual([
      // ItemPrice 39.98 for 2 units, PromotionDiscount 4.00.
      [
        '52986411826454',
        'TSHIRT-BLK-M',
        'Organic Cotton Tee, Black, M',
        2,
        usd(1999),
        usd(400),
        usd(3598),
      ],
      [
        '52986411826455',
        'MUG-CER-WHT',
        'Ceramic Mug, White, 12 oz',
        1,
        usd(1250),
        usd(0),
        usd(1250),
      ],
    ])
    expect(snapshot.totals).toEqual({
      subtotal: usd(4848),
      discount: usd(400),
      // 5.99 + (2.99 − 1.00 shipping discount).
      shipping: usd(798),
      // 3.60 + 0.54 on the tee, 1.25 + 0.18 on the mug.
      tax: usd(557),
      // OrderTotal "62.03" = 48.48 + 7.98 + 5.57.
      total: usd(6203),
      taxesIncluded: false,
    })
    expect([snapshot.externalId, snapshot.number, snapshot.currency]).toEqual([
      ORDER_ID,
      ORDER_ID,
      'USD',
    ])
    expect(snapshot.placedAt).toBe('2026-11-22T09:04:18.000Z')
  })

  it('takes OrderTotal as Amazon states it, and computes a total only without one', () => {
    const stated = snapshotOf(
      withOrder(orderRecord({ OrderTotal: { CurrencyCode: 'USD', Amount: '70.00' } })),
    )
    expect(stated.totals.total).toEqual(usd(7000))
    const computed = snapshotOf(withOrder(orderRecord({ OrderTotal: undefined })))
    expect(computed.totals.total).toEqual(usd(4848 + 798 + 557))
    expect(computed.currency).toBe('USD')
  })

  it('gives a Pending order without prices zero money in the marketplace currency', () => {
    const record = orderRecord({ OrderStatus: 'Pending', OrderTotal: undefined })
    record.orderItems = record.orderItems.map(unpriced)
    const snapshot = snapshotOf(withOrder(record))
    expect([snapshot.status, snapshot.paymentStatus, snapshot.currency]).toEqual([
      'pending',
      'pending',
      'USD',
    ])
    expect(snapshot.lines.map((line) => [line.quantity, line.unitPrice, line.total])).toEqual([
      [2, usd(0), usd(0)],
      [1, usd(0), usd(0)],
    ])
    expect(Object.values(snapshot.totals)).toEqual([usd(0), usd(0), usd(0), usd(0), usd(0), false])
    const japan = { ...record, order: { ...record.order, MarketplaceId: 'A1VC38T7YXB528' } }
    expect(snapshotOf(withOrder(japan)).currency).toBe('JPY')
  })

  it("uses the notification's marketplace when the order names none, and refuses an unknown one", () => {
    const record = orderRecord({ OrderTotal: undefined, MarketplaceId: undefined })
    record.orderItems = record.orderItems.map(unpriced)
    expect(snapshotOf(withOrder(record)).currency).toBe('USD')
    const elsewhere = { ...record, order: { ...record.order, MarketplaceId: 'A0UNKNOWN000' } }
    expect(withOrder(elsewhere)).toEqual({
      kind: 'invalid',
      issues: [
        `hydrated.${ORDER_KEY}.order.MarketplaceId: no amount names the order currency, and marketplace A0UNKNOWN000 has no known currency`,
      ],
    })
  })

  it('counts prices inside VAT outside the US, Canada and Mexico', () => {
    const eur = (amount: string) => ({ CurrencyCode: 'EUR', Amount: amount })
    const record: OrderRecord = {
      order: { ...orderRecord().order, MarketplaceId: 'A1PA6795UKMFR9', OrderTotal: undefined },
      orderItems: [
        {
          OrderItemId: '1',
          SellerSKU: 'TEE',
          Title: 'Tee',
          QuantityOrdered: 3,
          QuantityShipped: 0,
          ItemPrice: eur('59.97'),
          ItemTax: eur('9.57'),
          ShippingPrice: eur('4.99'),
          ShippingTax: eur('0.80'),
          PromotionDiscount: eur('-5.97'),
        },
      ],
    }
    const snapshot = snapshotOf(withOrder(record))
    const money = (amountMinor: number) => ({ amountMinor, currency: 'EUR' })
    expect(snapshot.lines[0]).toMatchObject({
      unitPrice: money(1999),
      discount: money(597),
      total: money(5400),
    })
    expect(snapshot.totals).toEqual({
      subtotal: money(5400),
      discount: money(597),
      shipping: money(499),
      tax: money(1037),
      total: money(5899),
      taxesIncluded: true,
    })
    for (const MarketplaceId of ['A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8']) {
      expect(snapshotOf(withOrder(orderRecord({ MarketplaceId }))).totals.taxesIncluded).toBe(false)
    }
  })

  it('refuses an ItemPrice that does not divide into its units, and a price for no units', () => {
    expect(
      withOrder(
        withItem(0, { ItemPrice: { CurrencyCode: 'USD', Amount: '10.00' }, QuantityOrdered: 3 }),
      ),
    ).toEqual({
      kind: 'invalid',
      issues: [
        `${ITEM0}.ItemPrice.Amount: 10.00 USD does not divide into 3 units of whole minor units`,
      ],
    })
    expect(withOrder(withItem(1, { QuantityOrdered: 0 }))).toEqual({
      kind: 'invalid',
      issues: [
        `hydrated.${ORDER_KEY}.orderItems.1.ItemPrice.Amount: 12.50 USD for a line of 0 units`,
      ],
    })
    const empty = withItem(1, {
      QuantityOrdered: 0,
      ItemPrice: { CurrencyCode: 'USD', Amount: '0.00' },
    })
    expect(snapshotOf(withOrder(empty)).lines[1]).toMatchObject({
      quantity: 0,
      unitPrice: usd(0),
      total: usd(0),
    })
  })

  it.each([
    ['12.505', `"12.505" has more fraction digits than USD allows (2)`],
    ['12,50', 'expected a decimal amount such as "19.99"'],
    [true, 'Invalid input: expected string, received boolean'],
  ])('refuses the amount %j, naming the path', (Amount, issue) => {
    expect(withOrder(withItem(0, { ItemTax: { CurrencyCode: 'USD', Amount } }))).toEqual({
      kind: 'invalid',
      issues: [`${ITEM0}.ItemTax.Amount: ${issue}`],
    })
  })

  it('counts a JSON-number amount without float error', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floats.
    const record = withItem(1, {
      ItemTax: { CurrencyCode: 'USD', Amount: 0.1 },
      ShippingTax: { CurrencyCode: 'USD', Amount: 0.2 },
    })
    expect(snapshotOf(withOrder(record)).totals.tax).toEqual(usd(360 + 54 + 30))
  })

  it('refuses a second currency, naming the amount', () => {
    expect(
      withOrder(withItem(1, { ShippingTax: { CurrencyCode: 'CAD', Amount: '0.18' } })),
    ).toEqual({
      kind: 'invalid',
      issues: [
        `hydrated.${ORDER_KEY}.orderItems.1.ShippingTax.CurrencyCode: currency CAD differs from the order currency USD`,
      ],
    })
  })

  it('refuses a discount larger than the line through the contract', () => {
    const result = withOrder(
      withItem(1, { PromotionDiscount: { CurrencyCode: 'USD', Amount: '20.00' } }),
    )
    expect(result).toEqual({
      kind: 'invalid',
      issues: ['snapshot.lines.1.total.amountMinor: Too small: expected number to be >=0'],
    })
  })
})

describe('amazon normalizer · people and places', () => {
  it('maps the shipping address and the relay e-mail', () => {
    const snapshot = snapshotOf(normalizeFixture('ORDER_CHANGE/unshipped-sns'))
    expect(snapshot.customerEmail).toBe('q7k2m9x4w1z8v5t3@marketplace.example.com')
    expect(snapshot.shippingAddress).toEqual({
      name: 'Jordan Lee',
      company: null,
      line1: '1200 Example Avenue',
      line2: 'Unit 4',
      city: 'Seattle',
      region: 'WA',
      postalCode: '98101-3011',
      countryCode: 'US',
      phone: '+1 206-555-0147',
    })
  })

  it('reads missing buyer and address data as null, joins extra lines, and writes UK as GB', () => {
    const canceled = snapshotOf(normalizeFixture('ORDER_CHANGE/canceled-bare'))
    expect([canceled.customerEmail, canceled.shippingAddress]).toEqual([null, null])
    const uk = snapshotOf(
      withOrder(
        orderRecord({
          ShippingAddress: {
            Name: 'Sam Carter',
            CompanyName: 'Example Ltd',
            AddressLine1: '1 Sample Road',
            AddressLine2: 'Floor 2',
            AddressLine3: 'Building B',
            City: 'London',
            PostalCode: 'EC1A 1AA',
            CountryCode: 'UK',
          },
        }),
      ),
    ).shippingAddress
    expect(uk).toEqual({
      name: 'Sam Carter',
      company: 'Example Ltd',
      line1: '1 Sample Road',
      line2: 'Floor 2, Building B',
      city: 'London',
      region: null,
      postalCode: 'EC1A 1AA',
      countryCode: 'GB',
      phone: null,
    })
  })
})

describe('amazon normalizer · inventory and listings', () => {
  it('reports the MFN quantity at its fulfillment channel, without a marketplace', () => {
    const level = only(
      normalizeFixture('LISTINGS_ITEM_MFN_QUANTITY_CHANGE/in-stock-sns'),
      'inventory-level',
    )
    expect(level).toEqual({
      kind: 'inventory-level',
      occurredAt: '2026-11-22T09:13:02.194Z',
      data: {
        listing: {
          sellerSku: 'TSHIRT-BLK-M',
          productId: null,
          unitId: null,
          locationId: 'DEFAULT',
          marketplaceId: null,
        },
        available: 17,
        onHand: null,
        stockStatus: 'in_stock',
        channelStatus: { FulfillmentChannelCode: 'DEFAULT' },
      },
    })
    const zero = amazon.normalize(
      input(MFN_TYPE, notification(MFN_TYPE, mfnPayload({ Quantity: 0 }))),
    )
    expect(only(zero, 'inventory-level').data).toMatchObject({
      available: 0,
      stockStatus: 'out_of_stock',
    })
    const negative = amazon.normalize(
      input(MFN_TYPE, notification(MFN_TYPE, mfnPayload({ Quantity: -1 }))),
    )
    expect(negative).toEqual({
      kind: 'invalid',
      issues: ['Payload.Quantity: Too small: expected number to be >=0'],
    })
  })

  it('reports FBA inventory per marketplace, with what Amazon holds as onHand', () => {
    const result = normalizeFixture('FBA_INVENTORY_AVAILABILITY_CHANGES/two-marketplaces-bare')
    expect(observations(result).map((o) => o.kind === 'inventory-level' && o.data)).toEqual([
      {
        listing: {
          sellerSku: 'MUG-CER-WHT-FBA',
          productId: 'B0FEXAMPL03',
          unitId: 'X00EXAMPL3',
          locationId: 'AMAZON',
          marketplaceId: 'ATVPDKIKX0DER',
        },
        available: 48,
        // 48 fulfillable + 2 unfulfillable + 1 researching + 3 + 5 + 4 reserved; inbound left out.
        onHand: 63,
        stockStatus: 'in_stock',
        channelStatus: { Unfulfillable: '2', Researching: '1', Reserved: '12', Inbound: '18' },
      },
      {
        listing: {
          sellerSku: 'MUG-CER-WHT-FBA',
          productId: 'B0FEXAMPL03',
          unitId: 'X00EXAMPL3',
          locationId: 'AMAZON',
          marketplaceId: 'A2EUQ1WTGCTBG2',
        },
        available: 0,
        onHand: 0,
        stockStatus: 'out_of_stock',
        channelStatus: { Unfulfillable: '0', Researching: '0', Reserved: '0', Inbound: '0' },
      },
    ])
  })

  it('counts absent FBA breakdowns as 0, as the schema defaults them', () => {
    const type = 'FBA_INVENTORY_AVAILABILITY_CHANGES'
    const sparse = notification(type, {
      SellerId: 'A1B2C3D4E5F6G7',
      FNSKU: 'X00EXAMPL3',
      ASIN: 'B0FEXAMPL03',
      SKU: 'MUG',
      FulfillmentInventoryByMarketplace: [
        {
          MarketplaceId: 'ATVPDKIKX0DER',
          FulfillmentInventory: { Fulfillable: 5, Unfulfillable: 1 },
        },
      ],
    })
    expect(only(amazon.normalize(input(type, sparse)), 'inventory-level').data).toMatchObject({
      available: 5,
      onHand: 6,
    })
  })

  it.each([
    [['BUYABLE', 'DISCOVERABLE'], 'active'],
    [['BUYABLE'], 'active'],
    [['DISCOVERABLE'], 'inactive'],
    [[], 'inactive'],
    [['DELETED'], 'deleted'],
    [['BUYABLE', 'DELETED'], 'deleted'],
    [['SOMETHING_NEW'], 'inactive'],
  ] as const)('Status %j → %s', (statuses, status) => {
    expect(listingStatus(statuses)).toBe(status)
    const type = 'LISTINGS_ITEM_STATUS_CHANGE'
    const body = notification(type, { SellerId: 'A1B2C3D4E5F6G7', Sku: 'TEE', Status: statuses })
    const listing = only(amazon.normalize(input(type, body)), 'listing-status')
    expect(listing.data).toEqual({
      listing: {
        sellerSku: 'TEE',
        productId: null,
        unitId: null,
        locationId: null,
        marketplaceId: null,
      },
      status,
      channelStatus: { Status: statuses.join(',') },
      reason: null,
      changedFields: [],
    })
  })

  it('reads the buyable fixture with its ASIN and marketplace, and the schema enum spelling too', () => {
    const listing = only(
      normalizeFixture('LISTINGS_ITEM_STATUS_CHANGE/buyable-eventbridge'),
      'listing-status',
    )
    expect(listing.occurredAt).toBe('2026-11-22T10:05:44.930Z')
    expect(listing.data.listing).toEqual({
      sellerSku: 'TSHIRT-BLK-M',
      productId: 'B0FEXAMPL01',
      unitId: null,
      locationId: null,
      marketplaceId: 'ATVPDKIKX0DER',
    })
    const type = 'LISTINGS_ITEM_STATUS_CHANGED'
    const body = notification(type, { Sku: 'TEE', Status: ['BUYABLE'] })
    expect(only(amazon.normalize(input(type, body)), 'listing-status').data.status).toBe('active')
  })
})

describe('amazon normalizer · SNS subscriptions', () => {
  const CONFIRMATION = loadFixture('amazon', 'SNS_SUBSCRIPTION_CONFIRMATION/basic-sns')
  const message = () => parseJsonBody(CONFIRMATION.body) as Json
  const confirm = (body: Json, hydrated?: Record<string, unknown>) =>
    amazon.normalize(input('SNS_SUBSCRIPTION_CONFIRMATION', body, hydrated))
  const url = String(message().SubscribeURL)
  const key = `confirm-subscription:${url}`

  it('asks to confirm by the SubscribeURL, then reports the subscription', () => {
    expect(confirm(message())).toEqual({
      kind: 'hydrate',
      needs: [{ kind: 'confirm-subscription', id: url }],
    })
    expect(normalizeFixture('SNS_SUBSCRIPTION_CONFIRMATION/basic-sns')).toEqual({
      kind: 'observations',
      observations: [
        {
          kind: 'subscription-confirmed',
          occurredAt: '2026-11-22T08:00:03.417Z',
          topic: TOPIC_ARN,
          subscriptionId: `${TOPIC_ARN}:5f0a7c3e-1b2d-4e6f-8a9b-0c1d2e3f4a5b`,
        },
      ],
    })
  })

  it.each([
    'https://sns.us-east-1.amazonaws.com.attacker.example/?Action=ConfirmSubscription',
    'http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
    'https://sqs.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
    'https://sns.us-east-1.amazonaws.com:8443/?Action=ConfirmSubscription',
    'not a url',
  ])('never asks to follow %s', (SubscribeURL) => {
    expect(confirm({ ...message(), SubscribeURL })).toEqual({
      kind: 'invalid',
      issues: ['SubscribeURL: not an https URL on an SNS service host; it is never followed'],
    })
  })

  it('refuses the recorded foreign SubscribeURL', () => {
    expect(
      normalizeFixture('SNS_SUBSCRIPTION_CONFIRMATION/invalid-foreign-subscribe-url-sns'),
    ).toEqual({
      kind: 'invalid',
      issues: ['SubscribeURL: not an https URL on an SNS service host; it is never followed'],
    })
  })

  it('reports no subscription id when the answer has none, and refuses a non-text answer', () => {
    expect(confirm(message(), { [key]: '<ConfirmSubscriptionResponse/>' })).toMatchObject({
      kind: 'observations',
      observations: [{ kind: 'subscription-confirmed', subscriptionId: null }],
    })
    expect(confirm(message(), { [key]: { SubscriptionArn: 'x' } })).toEqual({
      kind: 'invalid',
      issues: [`hydrated.${key}: expected the confirmation's response body as text`],
    })
    expect(
      subscriptionArn('<SubscriptionArn>\n  arn:aws:sns:eu-west-1:1:t:abc\n</SubscriptionArn>'),
    ).toBe('arn:aws:sns:eu-west-1:1:t:abc')
  })

  it('refuses a confirmation that is not an SNS SubscriptionConfirmation', () => {
    expect(confirm(notification(MFN_TYPE, mfnPayload()))).toEqual({
      kind: 'invalid',
      issues: ['(body): not an SNS message'],
    })
    const { Token: _token, ...withoutToken } = message()
    expect(confirm(withoutToken)).toEqual({
      kind: 'invalid',
      issues: ['Token: Invalid input: expected string, received undefined'],
    })
  })

  it('ignores an UnsubscribeConfirmation', () => {
    const body = { ...message(), Type: 'UnsubscribeConfirmation' }
    expect(amazon.normalize(input('SNS_UNSUBSCRIBE_CONFIRMATION', body))).toEqual({
      kind: 'ignored',
      reason:
        'SNS UnsubscribeConfirmation: the subscription has ended; resubscribing is left to an operator',
    })
  })
})
