// De-risks the Walmart mapping: every recorded delivery first asks for exactly the purchase order it
// needs, then normalizes to its reviewed golden output with exact minor-unit amounts (Walmart's
// JSON-number money never goes through float arithmetic) and contract-valid observations; the
// line-status table, the ORDER_UPDATES envelope variants and the refusals are pinned case by case; and
// an order read from the order list (hub.order-sync) must give the snapshot its hydrated webhook gives.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { parseJsonBody } from '../../src/json.js'
import { loadFixture } from '../../test/helpers/fixtures.js'
import {
  describeFixtures,
  fetchedRecord,
  fixtureInputs,
  inputBuilder,
  observations,
  only,
  snapshotOf,
  usd,
  type Json,
} from '../../test/helpers/normalizer-cases.js'
import { normalizers } from '../index.js'
import type { NormalizeResult } from '../types.js'
import { walmart } from './index.js'
import { countryCode } from './address.js'
import { orderStatus, paymentStatus, unitState, type UnitCounts } from './order.js'

const PARTNER_ID = '10000682332'

const input = inputBuilder('walmart', 'test-event')

/** The fixture as the pipeline hands it over: deduplicated by `source.eventId`. */
const fixtureInput = fixtureInputs(input, (body) =>
  String((body as { source?: { eventId?: string } }).source?.eventId),
)

function normalizeFixture(name: string): NormalizeResult {
  return walmart.normalize(fixtureInput(loadFixture('walmart', name), true))
}

const BASIC_FX = loadFixture('walmart', 'PO_CREATED/basic')
const PO = '1796277083101'
const ORDER_KEY = `order:${PO}`
/** The basic webhook's source.eventTime. */
const EVENT_TIME = '2026-11-22T08:14:33.118Z'

function envelope(eventType: string, payload: Json, eventTime = EVENT_TIME): Json {
  return {
    source: { eventType, eventTime, eventId: '9b1f5a40-c6a1-11f1-8d1e-000000000000' },
    payload: { partnerId: PARTNER_ID, ...payload },
  }
}

/** The basic fixture's fetched purchase order (2 lines: 2 × tee, 1 × mug), with overrides. */
function orderRecord(overrides: Json = {}): Json {
  return fetchedRecord(BASIC_FX, ORDER_KEY, overrides)
}

function basicLines(): Json[] {
  return (orderRecord().orderLines as { orderLine: Json[] }).orderLine
}

/** The basic order with its lines changed by `edit` (index, line) → line. */
function withLines(edit: (line: Json, index: number) => Json): Json {
  return orderRecord({ orderLines: { orderLine: basicLines().map((line, i) => edit(line, i)) } })
}

/** A PO_CREATED webhook about the basic order, with `order` fetched. */
function withOrder(order: Json, eventTime = EVENT_TIME): NormalizeResult {
  return walmart.normalize(
    input('PO_CREATED', envelope('PO_CREATED', { purchaseOrderId: PO }, eventTime), {
      [ORDER_KEY]: order,
    }),
  )
}

function charge(chargeType: string, amount: unknown, more: Json = {}): Json {
  return { chargeType, chargeName: 'ItemPrice', chargeAmount: { currency: 'USD', amount }, ...more }
}

/** The basic order with line 0's charges replaced (and its quantity, if given). */
function withCharges(charges: Json[], quantity?: string): Json {
  return withLines((line, i) =>
    i !== 0
      ? line
      : {
          ...line,
          charges: { charge: charges },
          ...(quantity
            ? { orderLineQuantity: { unitOfMeasurement: 'EACH', amount: quantity } }
            : {}),
          ...(quantity
            ? {
                orderLineStatuses: {
                  orderLineStatus: [{ status: 'Created', statusQuantity: { amount: quantity } }],
                },
              }
            : {}),
        },
  )
}

const LINE0 = `hydrated.${ORDER_KEY}.orderLines.orderLine.0`

describeFixtures({
  channel: 'walmart',
  normalizer: walmart,
  fixtureInput,
  outcome: (name) =>
    name.includes('/invalid-')
      ? 'invalid'
      : name.startsWith('BUY_BOX_CHANGED/')
        ? 'ignored'
        : 'observations',
  emits: ['order', 'inventory-level', 'listing-status'],
  // Walmart's prices never include tax.
  totalIsSumOfParts: true,
})

describe('walmart normalizer · registry', () => {
  it('is the registered Walmart normalizer', () => {
    expect(normalizers.walmart).toBe(walmart)
  })
})

describe('walmart normalizer · hydration', () => {
  it('asks for the purchase order a PO_CREATED names, by its hydration key', () => {
    expect(walmart.normalize(fixtureInput(BASIC_FX, false))).toEqual({
      kind: 'hydrate',
      needs: [{ kind: 'order', id: PO }],
    })
  })

  it.each(['PO_CREATED', 'PO_LINE_AUTOCANCELLED', 'INTENT_TO_CANCEL'])(
    'reads the standalone %s event the same way',
    (eventType) => {
      const body = envelope(eventType, { purchaseOrderId: PO })
      expect(walmart.normalize(input(eventType, body))).toEqual({
        kind: 'hydrate',
        needs: [{ kind: 'order', id: PO }],
      })
      const flagged = eventType === 'INTENT_TO_CANCEL' ? { order_update: eventType } : {}
      const snapshot = snapshotOf(
        walmart.normalize(input(eventType, body, { [ORDER_KEY]: orderRecord() })),
      )
      expect(snapshot.channelStatus).toEqual({ line_statuses: '1:Created,2:Created', ...flagged })
    },
  )

  const updates = (payload: Json, hydrated?: Record<string, unknown>) =>
    walmart.normalize(input('ORDER_UPDATES', envelope('ORDER_UPDATES', payload), hydrated))

  it.each(['PO_CREATED', 'PO_LINE_AUTOCANCELLED', 'INTENT_TO_CANCEL', 'FRAUD_CANCEL'])(
    'consumes the ORDER_UPDATES sub-event %s',
    (subEventType) => {
      expect(updates({ subEventType, order: { purchaseOrderId: PO } })).toEqual({
        kind: 'hydrate',
        needs: [{ kind: 'order', id: PO }],
      })
    },
  )

  it('reads the sub-event from payload.meta and the PO id from payload.purchaseOrderId too', () => {
    const need = { kind: 'hydrate', needs: [{ kind: 'order', id: PO }] }
    expect(
      updates({ meta: { subEventType: 'PO_CREATED' }, order: { purchaseOrderId: PO } }),
    ).toEqual(need)
    expect(updates({ subEventType: 'PO_CREATED', purchaseOrderId: PO })).toEqual(need)
    expect(
      updates({
        subEventType: 'FRAUD_CANCEL',
        meta: { subEventType: 'FRAUD_CANCEL' },
        purchaseOrderId: PO,
      }),
    ).toEqual(need)
  })

  it('refuses a sub-event given twice, differently, and one given nowhere', () => {
    expect(
      updates({
        subEventType: 'PO_CREATED',
        meta: { subEventType: 'FRAUD_CANCEL' },
        purchaseOrderId: PO,
      }),
    ).toEqual({
      kind: 'invalid',
      issues: ['payload.meta.subEventType: is FRAUD_CANCEL, payload.subEventType is PO_CREATED'],
    })
    expect(updates({ order: { purchaseOrderId: PO } })).toEqual({
      kind: 'invalid',
      issues: [
        'payload.subEventType: expected a string (nor is there a payload.meta.subEventType)',
      ],
    })
  })

  it('ignores sub-events it does not consume, even without a PO id, and refuses a consumed one without', () => {
    expect(updates({ subEventType: 'PO_SHIPPED' })).toEqual({
      kind: 'ignored',
      reason: 'ORDER_UPDATES sub-event PO_SHIPPED is not consumed',
    })
    expect(updates({ subEventType: 'INTENT_TO_CANCEL', order: {} })).toEqual({
      kind: 'invalid',
      issues: [
        'payload.order.purchaseOrderId: expected a string (nor is there a payload.purchaseOrderId)',
      ],
    })
  })

  it('refuses a fetched order that is not the one the webhook names', () => {
    expect(withOrder(orderRecord({ purchaseOrderId: '42' }))).toEqual({
      kind: 'invalid',
      issues: [`hydrated.${ORDER_KEY}.purchaseOrderId: is 42, the webhook names ${PO}`],
    })
  })

  it('locates a bad fetched record under its hydration key, one issue per path', () => {
    const result = withOrder(orderRecord({ orderDate: 'yesterday', orderLines: { orderLine: [] } }))
    expect(result.kind === 'invalid' && result.issues).toEqual([
      `hydrated.${ORDER_KEY}.orderDate: Invalid input`,
      `hydrated.${ORDER_KEY}.orderLines.orderLine: a purchase order has at least one line`,
    ])
  })

  it('stringifies a PO id sent as a safe integer, and refuses one that lost digits', () => {
    expect(
      walmart.normalize(
        input('PO_CREATED', envelope('PO_CREATED', { purchaseOrderId: 1796277083101 })),
      ),
    ).toEqual({
      kind: 'hydrate',
      needs: [{ kind: 'order', id: PO }],
    })
    const rounded = walmart.normalize(
      input('PO_CREATED', envelope('PO_CREATED', { purchaseOrderId: 2 ** 60 })),
    )
    expect(rounded).toEqual({
      kind: 'invalid',
      issues: [
        'payload.purchaseOrderId: expected an integer id within 2^53; larger ids must be parsed with parseJsonBody',
      ],
    })
  })
})

describe('walmart normalizer · order status', () => {
  type Entry = readonly [status: string, units?: number]
  /** Line 0 orders 2 units, line 1 orders 1. */
  const statuses = (line0: readonly Entry[], line1: readonly Entry[]) =>
    withLines((line, i) => ({
      ...line,
      orderLineStatuses: {
        orderLineStatus: (i === 0 ? line0 : line1).map(([status, units]) => ({
          status,
          ...(units === undefined
            ? {}
            : { statusQuantity: { unitOfMeasurement: 'EACH', amount: String(units) } }),
        })),
      },
    }))

  it.each([
    // line 1 (2 units), line 2 (1 unit) → status, payment, units shipped per line, line_statuses
    [[['Created']], [['Created']], 'awaiting_fulfillment', 'paid', [0, 0], '1:Created,2:Created'],
    [
      [['Acknowledged']],
      [['Created']],
      'awaiting_fulfillment',
      'paid',
      [0, 0],
      '1:Acknowledged,2:Created',
    ],
    [
      [['Shipped']],
      [['Acknowledged']],
      'partially_fulfilled',
      'paid',
      [2, 0],
      '1:Shipped,2:Acknowledged',
    ],
    [
      [
        ['Shipped', 1],
        ['Acknowledged', 1],
      ],
      [['Acknowledged']],
      'partially_fulfilled',
      'paid',
      [1, 0],
      '1:Shipped*1+Acknowledged*1,2:Acknowledged',
    ],
    [[['Shipped']], [['Delivered']], 'fulfilled', 'paid', [2, 1], '1:Shipped,2:Delivered'],
    [[['Delivered']], [['Delivered']], 'delivered', 'paid', [2, 1], '1:Delivered,2:Delivered'],
    [[['Delivered']], [['Cancelled']], 'delivered', 'paid', [2, 0], '1:Delivered,2:Cancelled'],
    [
      [
        ['Shipped', 1],
        ['Cancelled', 1],
      ],
      [['Shipped']],
      'fulfilled',
      'paid',
      [1, 1],
      '1:Shipped*1+Cancelled*1,2:Shipped',
    ],
    [
      [['Acknowledged']],
      [['Cancelled']],
      'awaiting_fulfillment',
      'paid',
      [0, 0],
      '1:Acknowledged,2:Cancelled',
    ],
    [[['Cancelled']], [['Cancelled']], 'cancelled', 'voided', [0, 0], '1:Cancelled,2:Cancelled'],
    [
      [['Refund']],
      [['Delivered']],
      'fulfilled',
      'partially_refunded',
      [2, 1],
      '1:Refund,2:Delivered',
    ],
    [[['Refund']], [['Refund']], 'fulfilled', 'refunded', [2, 1], '1:Refund,2:Refund'],
    [[['SHIPPED']], [['CANCELED']], 'fulfilled', 'paid', [2, 0], '1:SHIPPED,2:CANCELED'],
  ] as const)('lines %j + %j → %s / %s', (line0, line1, status, payment, shipped, lineStatuses) => {
    const snapshot = snapshotOf(withOrder(statuses(line0, line1)))
    expect([snapshot.status, snapshot.paymentStatus]).toEqual([status, payment])
    expect(snapshot.lines.map((line) => line.quantityFulfilled)).toEqual(shipped)
    expect(snapshot.channelStatus).toEqual({ line_statuses: lineStatuses })
  })

  it('pins the exported tables to the same answers', () => {
    const units = (counts: Partial<UnitCounts>): UnitCounts => ({
      open: 0,
      shipped: 0,
      delivered: 0,
      cancelled: 0,
      refunded: 0,
      ...counts,
    })
    expect(unitState('Acknowledged')).toBe('open')
    expect(unitState('cancelled')).toBe('cancelled')
    expect(unitState('OnHold')).toBeUndefined()
    expect(orderStatus(units({}))).toBe('cancelled')
    expect(orderStatus(units({ open: 1, delivered: 1 }))).toBe('partially_fulfilled')
    expect(paymentStatus(units({ cancelled: 3 }))).toBe('voided')
    expect(paymentStatus(units({ open: 1 }))).toBe('paid')
  })

  it('refuses a line status it does not know rather than guessing', () => {
    expect(withOrder(statuses([['OnHold']], [['Created']]))).toEqual({
      kind: 'invalid',
      issues: [`${LINE0}.orderLineStatuses.orderLineStatus.0.status: unknown line status "OnHold"`],
    })
  })

  it('needs statusQuantity where a line has more than one status', () => {
    expect(withOrder(statuses([['Shipped'], ['Cancelled', 1]], [['Created']]))).toEqual({
      kind: 'invalid',
      issues: [
        `${LINE0}.orderLineStatuses.orderLineStatus.0.statusQuantity: required when a line has more than one status`,
      ],
    })
  })

  it('keeps the cancellation reasons, once each', () => {
    const snapshot = snapshotOf(normalizeFixture('ORDER_UPDATES/fraud-cancel'))
    expect(snapshot.cancelReason).toBe('Cancelled by Walmart fraud review')
    expect(snapshot.channelStatus).toEqual({
      line_statuses: '1:Cancelled,2:Cancelled',
      order_update: 'FRAUD_CANCEL',
    })
    const partial = snapshotOf(normalizeFixture('PO_LINE_AUTOCANCELLED/one-line'))
    expect([partial.status, partial.cancelReason]).toEqual([
      'awaiting_fulfillment',
      'Auto-cancelled due to expired ship date',
    ])
  })

  it('flags an intent to cancel, which changes no line, and times it by the webhook', () => {
    const snapshot = snapshotOf(normalizeFixture('ORDER_UPDATES/intent-to-cancel'))
    expect(snapshot.status).toBe('awaiting_fulfillment')
    expect(snapshot.channelStatus).toEqual({
      line_statuses: '1:Acknowledged',
      order_update: 'INTENT_TO_CANCEL',
    })
    expect(snapshot.updatedAt).toBe('2026-11-22T10:12:45.000Z')
  })
})

describe('walmart normalizer · times', () => {
  it('reads epoch milliseconds and times the snapshot by the later of statusDate and the webhook', () => {
    const basic = snapshotOf(normalizeFixture('PO_CREATED/basic'))
    expect(basic.placedAt).toBe('2026-11-22T08:14:05.000Z')
    expect(basic.updatedAt).toBe(EVENT_TIME)
    const fetchedLater = snapshotOf(normalizeFixture('ORDER_UPDATES/po-created'))
    expect(fetchedLater.updatedAt).toBe('2026-11-22T09:20:00.000Z')
    const early = snapshotOf(withOrder(orderRecord(), '2026-11-22T08:00:00Z'))
    expect(early.updatedAt).toBe('2026-11-22T08:14:31.000Z')
  })

  it('normalizes ISO times, with an offset or none (UTC), and epoch digits', () => {
    const at = (orderDate: unknown) => snapshotOf(withOrder(orderRecord({ orderDate }))).placedAt
    expect(at('2026-11-22T03:14:05-05:00')).toBe('2026-11-22T08:14:05.000Z')
    expect(at('2026-11-22T08:14:05')).toBe('2026-11-22T08:14:05.000Z')
    expect(at('1795335245000')).toBe('2026-11-22T08:14:05.000Z')
    const webhook = envelope('PO_CREATED', { purchaseOrderId: PO }, '2026-11-22T14:00:00+05:30')
    const snapshot = snapshotOf(
      walmart.normalize(input('PO_CREATED', webhook, { [ORDER_KEY]: orderRecord() })),
    )
    expect(snapshot.updatedAt).toBe('2026-11-22T08:30:00.000Z')
  })
})

describe('walmart normalizer · order amounts', () => {
  it('maps the basic order to exact minor units; a 2-unit line charges for both units', () => {
    const snapshot = snapshotOf(normalizeFixture('PO_CREATED/basic'))
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
      ['1', 'TSHIRT-BLK-M', 'Organic Cotton Tee, Black, M', 2, usd(1999), usd(0), usd(3998)],
      ['2', 'MUG-CER-WHT', 'Ceramic Mug, White, 12 oz', 1, usd(1250), usd(0), usd(1250)],
    ])
    expect(snapshot.totals).toEqual({
      subtotal: usd(5248),
      discount: usd(0),
      shipping: usd(599),
      // 3.30 + 1.03 on the products, 0.49 on shipping.
      tax: usd(482),
      total: usd(6329),
      taxesIncluded: false,
    })
    expect([snapshot.number, snapshot.currency]).toEqual(['5221883468101', 'USD'])
  })

  it('takes a subscription discount off the line, and its tax off the tax', () => {
    const snapshot = snapshotOf(normalizeFixture('ORDER_UPDATES/po-created'))
    expect(snapshot.lines[0]).toMatchObject({
      quantity: 2,
      unitPrice: usd(1500),
      discount: usd(150),
      total: usd(2850),
    })
    expect(snapshot.totals).toMatchObject({
      subtotal: usd(3275),
      discount: usd(150),
      total: usd(3742),
    })
    const taxedDiscount = withCharges([
      charge('PRODUCT', 20, { tax: { taxAmount: { currency: 'USD', amount: 1.6 } } }),
      charge('PRODUCT', 2, {
        chargeName: 'SubscriptionDiscount',
        isDiscount: true,
        tax: { taxAmount: { currency: 'USD', amount: 0.16 } },
      }),
    ])
    const discounted = snapshotOf(withOrder(taxedDiscount))
    expect(discounted.lines[0]).toMatchObject({
      unitPrice: usd(1000),
      discount: usd(200),
      total: usd(1800),
    })
    // 1.60 − 0.16 on line 1, 1.03 on line 2.
    expect(discounted.totals.tax).toEqual(usd(247))
  })

  it('counts JSON-number amounts without float error', () => {
    // 1.1 + 2.2 is 3.3000000000000003 in floats.
    const snapshot = snapshotOf(
      withOrder(
        withCharges(
          [charge('PRODUCT', 1.1), charge('SHIPPING', 2.2, { chargeName: 'Shipping' })],
          '1',
        ),
      ),
    )
    expect(snapshot.lines[0]?.total).toEqual(usd(110))
    expect(snapshot.totals.shipping).toEqual(usd(220))
    expect(snapshot.totals.subtotal).toEqual(usd(110 + 1250))
    const asText = snapshotOf(withOrder(withCharges([charge('PRODUCT', '0.30')], '1')))
    expect(asText.lines[0]?.unitPrice).toEqual(usd(30))
  })

  it('takes a shipping discount off shipping, not off the goods', () => {
    const snapshot = snapshotOf(
      withOrder(
        withCharges([
          charge('PRODUCT', 39.98),
          charge('SHIPPING', 5.99, { chargeName: 'Shipping' }),
          charge('SHIPPING', -2, { chargeName: 'ShippingDiscount' }),
        ]),
      ),
    )
    expect(snapshot.totals).toMatchObject({ shipping: usd(399), discount: usd(0) })
  })

  it.each([
    [
      9.999,
      `${LINE0}.charges.charge.0.chargeAmount.amount: "9.999" has more fraction digits than USD allows (2)`,
    ],
    [1e21, `${LINE0}.charges.charge.0.chargeAmount.amount: expected a decimal amount such as 9.99`],
    [
      '12,50',
      `${LINE0}.charges.charge.0.chargeAmount.amount: expected a decimal amount such as 9.99`,
    ],
  ])('refuses the amount %j, naming the path', (amount, issue) => {
    expect(withOrder(withCharges([charge('PRODUCT', amount)]))).toEqual({
      kind: 'invalid',
      issues: [issue],
    })
  })

  it('refuses a line amount that does not divide into its units', () => {
    expect(withOrder(withCharges([charge('PRODUCT', 10)], '3'))).toEqual({
      kind: 'invalid',
      issues: [
        `${LINE0}.charges: the PRODUCT amount 10.00 USD does not divide into 3 units of whole minor units`,
      ],
    })
  })

  it('refuses a second currency, an unknown charge type, and an order without charges', () => {
    const eur = withCharges([
      charge('PRODUCT', 39.98, { tax: { taxAmount: { currency: 'EUR', amount: 1 } } }),
    ])
    expect(withOrder(eur)).toEqual({
      kind: 'invalid',
      issues: [
        `${LINE0}.charges.charge.0.tax.taxAmount.currency: currency EUR differs from the order currency USD`,
      ],
    })
    expect(withOrder(withCharges([charge('PRODUCT', 39.98), charge('GIFT_WRAP', 3)]))).toEqual({
      kind: 'invalid',
      issues: [`${LINE0}.charges.charge.1.chargeType: unknown chargeType "GIFT_WRAP"`],
    })
    const bare = withLines((line) => ({ ...line, charges: null }))
    expect(withOrder(bare)).toEqual({
      kind: 'invalid',
      issues: [`hydrated.${ORDER_KEY}.orderLines.orderLine: no charge names the order currency`],
    })
  })

  it('refuses a discount larger than the line through the contract', () => {
    const result = withOrder(
      withCharges([charge('PRODUCT', 39.98), charge('PRODUCT', -50, { isDiscount: true })]),
    )
    expect(result.kind === 'invalid' && result.issues).toEqual([
      'snapshot.lines.0.total.amountMinor: Too small: expected number to be >=0',
    ])
  })
})

describe('walmart normalizer · people and places', () => {
  it('maps the shipping address, phone and e-mail; the country becomes alpha-2', () => {
    const snapshot = snapshotOf(normalizeFixture('PO_CREATED/basic'))
    expect(snapshot.customerEmail).toBe('ava.reed@example.com')
    expect(snapshot.shippingAddress).toEqual({
      name: 'Ava Reed',
      company: null,
      line1: '42 Example Street',
      line2: 'Apt 3',
      city: 'Denver',
      region: 'CO',
      postalCode: '80202',
      countryCode: 'US',
      phone: '3035550142',
    })
  })

  it("reads Walmart's placeholder e-mail and missing shipping info as null", () => {
    expect(snapshotOf(normalizeFixture('ORDER_UPDATES/fraud-cancel')).customerEmail).toBeNull()
    const bare = snapshotOf(withOrder(orderRecord({ shippingInfo: null, customerEmailId: '' })))
    expect([bare.shippingAddress, bare.customerEmail]).toEqual([null, null])
  })

  it.each([
    ['USA', 'US'],
    ['us', 'US'],
    ['PRI', 'PR'],
    ['Narnia', null],
    [null, null],
  ])('country %j → %j', (country, code) => {
    expect(countryCode(country)).toBe(code)
  })
})

describe('walmart normalizer · inventory and listings', () => {
  it('reports an out-of-stock level per ship node', () => {
    const result = normalizeFixture('INVENTORY_OOS/two-nodes')
    expect(observations(result)).toEqual(
      ['7891234', '7891235'].map((node, i) => ({
        kind: 'inventory-level',
        occurredAt: '2026-11-22T11:02:44.726Z',
        data: {
          listing: {
            sellerSku: 'TSHIRT-BLK-M',
            productId: '286687472',
            unitId: null,
            locationId: node,
            marketplaceId: null,
          },
          available: 0,
          onHand: null,
          stockStatus: 'out_of_stock',
          channelStatus: { shipNodeName: ['Main DC', 'West DC'][i] },
        },
      })),
    )
  })

  it('reports one level without a location when Walmart lists no ship node', () => {
    for (const shipNodes of [undefined, []]) {
      const body = envelope('INVENTORY_OOS', {
        sku: 'TSHIRT-BLK-M',
        ...(shipNodes ? { shipNodes } : {}),
      })
      const level = only(walmart.normalize(input('INVENTORY_OOS', body)), 'inventory-level')
      expect(level.data).toMatchObject({
        listing: { sellerSku: 'TSHIRT-BLK-M', productId: null, locationId: null },
        available: 0,
        channelStatus: { shipNodeName: null },
      })
    }
    const noQty = envelope('INVENTORY_OOS', { sku: 'A', shipNodes: [{ shipNode: 7891234 }] })
    const level = only(walmart.normalize(input('INVENTORY_OOS', noQty)), 'inventory-level')
    expect([level.data.listing.locationId, level.data.available]).toEqual(['7891234', 0])
  })

  it('reports an unpublished offer as inactive with every reason, a published one as active', () => {
    const unpublished = only(normalizeFixture('OFFER_UNPUBLISHED/basic'), 'listing-status')
    expect(unpublished).toEqual({
      kind: 'listing-status',
      occurredAt: '2026-11-22T11:15:20.000Z',
      data: {
        listing: {
          sellerSku: 'MUG-CER-WHT',
          productId: '286687473',
          unitId: null,
          locationId: null,
          marketplaceId: null,
        },
        status: 'inactive',
        channelStatus: { publishStatus: 'UNPUBLISHED', lifecycleStatus: 'ACTIVE' },
        reason: 'REASONABLE_PRICE_NOT_SATISFIED: Offer price is above the reference price',
        changedFields: [],
      },
    })
    const published = only(normalizeFixture('OFFER_PUBLISHED/basic'), 'listing-status')
    expect(published.data).toMatchObject({ status: 'active', reason: null })
  })

  const unpublished = (payload: Json) =>
    only(
      walmart.normalize(
        input('OFFER_UNPUBLISHED', envelope('OFFER_UNPUBLISHED', { sku: 'A', ...payload })),
      ),
      'listing-status',
    ).data

  it.each([
    [{ END_DATE: 'End date passed', NO_PRICE: null }, 'END_DATE: End date passed; NO_PRICE'],
    ['NO_PRIMARY_IMAGE', 'NO_PRIMARY_IMAGE'],
    [{}, null],
    [undefined, null],
  ])('unpublished reasons %j → %j', (statusChangeReasons, reason) => {
    const data = unpublished(statusChangeReasons === undefined ? {} : { statusChangeReasons })
    expect(data.reason).toBe(reason)
    expect(data.listing.productId).toBeNull()
    expect(data.channelStatus).toEqual({ publishStatus: null, lifecycleStatus: null })
  })
})

describe('walmart normalizer · invalid and ignored', () => {
  it('names the missing purchase order id', () => {
    expect(normalizeFixture('PO_CREATED/invalid-missing-po-id')).toEqual({
      kind: 'invalid',
      issues: ['payload.purchaseOrderId: Invalid input: expected string, received undefined'],
    })
  })

  it('refuses a body whose eventType is not the topic it was filed under', () => {
    const result = walmart.normalize(
      input('PO_CREATED', envelope('OFFER_PUBLISHED', { purchaseOrderId: PO })),
    )
    expect(result).toEqual({
      kind: 'invalid',
      issues: ['source.eventType: Invalid input: expected "PO_CREATED"'],
    })
  })

  it('reports every bad path of the envelope at once', () => {
    const body = { source: { eventType: 'INVENTORY_OOS', eventTime: 'noon' }, payload: {} }
    const result = walmart.normalize(input('INVENTORY_OOS', body))
    expect(result.kind === 'invalid' && result.issues.map((issue) => issue.split(':')[0])).toEqual([
      'source.eventTime',
      'source.eventId',
      'payload.sku',
    ])
  })

  it('names the body when it is not an object, and reads an unreadable envelope', () => {
    expect(walmart.normalize(input('PO_CREATED', null))).toEqual({
      kind: 'invalid',
      issues: ['(body): Invalid input: expected object, received null'],
    })
    const unreadable = walmart.normalize(input('UNREADABLE', { source: { eventType: 7 } }))
    expect(unreadable.kind === 'invalid' && unreadable.issues[0]).toBe(
      'source.eventType: Invalid input: expected string, received number',
    )
    const readable = walmart.normalize(input('UNREADABLE', envelope('PO_CREATED', {})))
    expect(readable).toEqual({
      kind: 'invalid',
      issues: ['source.eventType: ingress could not read event type PO_CREATED'],
    })
  })

  it.each([
    'BUY_BOX_CHANGED',
    'REPORT_STATUS',
    'RETURN_NOTIFICATIONS',
    'SELLER_PERFORMANCE_NOTIFICATIONS',
  ])('ignores %s', (topic) => {
    expect(walmart.normalize(input(topic, {}))).toEqual({
      kind: 'ignored',
      reason: `topic ${topic} is not consumed`,
    })
  })
})

describe('walmart normalizer · orders read from the order list (hub.order-sync)', () => {
  // Walmart's own Get an order examples (test/samples/README.md): the record All orders lists.
  const sample = (name: string) =>
    (
      parseJsonBody(
        readFileSync(new URL(`../../test/samples/walmart/${name}`, import.meta.url), 'utf8'),
      ) as { order: Json }
    ).order
  /** When the order last changed: its latest line statusDate (epoch ms in the record). */
  const changedAt = (order: Json) =>
    new Date(
      Math.max(
        ...(order.orderLines as { orderLine: { statusDate: number }[] }).orderLine.map(
          (l) => l.statusDate,
        ),
      ),
    ).toISOString()

  it.each(['get-order.ORDER.response.json', 'get-order.ATTRIBUTES.response.json'])(
    '%s listed maps exactly as a webhook of that change, hydrated with the same record',
    (name) => {
      const order = sample(name)
      const id = String(order.purchaseOrderId)
      const listed = walmart.normalize(input(ORDER_SYNC_TOPIC, order))
      const webhook = envelope('PO_CREATED', { purchaseOrderId: id }, changedAt(order))
      expect(listed).toEqual(
        walmart.normalize(input('PO_CREATED', webhook, { [`order:${id}`]: order })),
      )
      expect(snapshotOf(listed)).toMatchObject({ externalId: id, updatedAt: changedAt(order) })
    },
  )

  it('dates a listed order by its latest line statusDate, else by its orderDate', () => {
    const order = sample('get-order.ORDER.response.json')
    const [line] = (order.orderLines as { orderLine: Json[] }).orderLine
    const undated = { ...order, orderLines: { orderLine: [{ ...line, statusDate: null }] } }
    expect(snapshotOf(walmart.normalize(input(ORDER_SYNC_TOPIC, undated))).updatedAt).toBe(
      new Date(order.orderDate as number).toISOString(),
    )
  })

  it('is invalid, naming each path from the body, for a listed record that does not match', () => {
    const order = sample('get-order.ORDER.response.json')
    const result = walmart.normalize(
      input(ORDER_SYNC_TOPIC, { ...order, orderDate: 'soon', orderLines: { orderLine: [] } }),
    )
    expect(result.kind).toBe('invalid')
    const issues = result.kind === 'invalid' ? result.issues : []
    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual([
      'orderDate',
      'orderLines.orderLine',
    ])
    expect(walmart.normalize(input(ORDER_SYNC_TOPIC, 'not an order'))).toMatchObject({
      kind: 'invalid',
      issues: [expect.stringMatching(/^\(body\): /)],
    })
  })
})
