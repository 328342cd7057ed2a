// De-risks the Shopify mapping: every recorded delivery in fixtures/shopify must normalize to its
// reviewed golden output, with exact minor-unit amounts, ids beyond 2^53 intact and valid contract data;
// and an order read from the order list (hub.order-sync) must give the snapshot its webhook gives.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ORDER_SYNC_TOPIC } from '../../connectors/index.js'
import { loadFixture } from '../../test/helpers/fixtures.js'
import {
  describeFixtures,
  fixtureInputs,
  inputBuilder,
  only,
  snapshotOf,
  type Json,
} from '../../test/helpers/normalizer-cases.js'
import { parseJsonBody } from '../../src/json.js'
import { shopify } from './index.js'
import type { NormalizeResult } from '../types.js'

const BIG_ORDER_ID = '9007199254740993123'

const input = inputBuilder('shopify', 'test-delivery', new Date('2025-03-15T12:00:00.000Z'))

/** The fixture as the pipeline hands it over: deduplicated by its webhook id. */
const fixtureInput = fixtureInputs(
  input,
  (_body, fx) => fx.headers['x-shopify-webhook-id'] ?? fx.name,
)

const returnOf = (result: NormalizeResult) => only(result, 'order-return')

function fixtureBody(name: string): Json {
  return parseJsonBody(loadFixture('shopify', name).body) as Json
}

/** The basic order with top-level fields replaced, and the first line's fields merged. */
function orderWith(overrides: Json, line: Json = {}): Json {
  const base = fixtureBody('orders-create/basic')
  const [first] = base.line_items as Json[]
  return { ...base, line_items: [{ ...first, ...line }], ...overrides }
}

function normalizeFixture(name: string): NormalizeResult {
  return shopify.normalize(fixtureInput(loadFixture('shopify', name), false))
}

function normalizeOrder(body: Json): NormalizeResult {
  return shopify.normalize(input('orders/updated', body))
}

describeFixtures({
  channel: 'shopify',
  normalizer: shopify,
  fixtureInput,
  outcome: (name) =>
    name.includes('/invalid-')
      ? 'invalid'
      : name.startsWith('products-')
        ? 'ignored'
        : 'observations',
  emits: ['order', 'order-return', 'inventory-level'],
  observationsEach: 1,
  // Shopify states total_price, which holds tips too.
  totalIsSumOfParts: false,
})

describe('shopify normalizer · ids', () => {
  it('keeps an order id beyond 2^53 as its exact digits', () => {
    const fx = loadFixture('shopify', 'orders-paid/large-id')
    expect(String((JSON.parse(fx.body) as Json).id)).not.toBe(BIG_ORDER_ID)
    expect(snapshotOf(shopify.normalize(fixtureInput(fx, false))).externalId).toBe(BIG_ORDER_ID)
  })

  it('refuses an id that was already rounded by JSON.parse', () => {
    const result = normalizeOrder({ ...orderWith({}), id: 2 ** 60 })
    expect(result.kind).toBe('invalid')
    expect(result.kind === 'invalid' && result.issues[0]).toMatch(
      /^id: expected an integer id within 2\^53/,
    )
  })

  it('maps every id to a string', () => {
    const snapshot = snapshotOf(
      normalizeOrder(orderWith({ id: '5940139491234' }, { id: 14022110001 })),
    )
    expect(snapshot.externalId).toBe('5940139491234')
    expect(snapshot.lines[0]?.externalLineId).toBe('14022110001')
  })
})

describe('shopify normalizer · amounts', () => {
  it('reads JPY as a zero-decimal currency', () => {
    const snapshot = snapshotOf(normalizeFixture('orders-create/jpy-zero-decimal'))
    const yen = (amountMinor: number) => ({ amountMinor, currency: 'JPY' })
    expect(snapshot.currency).toBe('JPY')
    expect(snapshot.lines.map((line) => [line.unitPrice, line.discount, line.total])).toEqual([
      [yen(1200), yen(0), yen(3600)],
      [yen(2800), yen(500), yen(2300)],
    ])
    expect(snapshot.totals).toEqual({
      subtotal: yen(5900),
      discount: yen(500),
      shipping: yen(800),
      tax: yen(609),
      total: yen(6700),
      // Tax is inside the prices: total = subtotal + shipping, and tax is informational.
      taxesIncluded: true,
    })
  })

  it('computes line totals as price × quantity − Σ discount allocations', () => {
    const snapshot = snapshotOf(normalizeFixture('orders-create/multi-line-discounts'))
    expect(
      snapshot.lines.map((line) => [
        line.quantity,
        line.unitPrice.amountMinor,
        line.discount.amountMinor,
        line.total.amountMinor,
      ]),
    ).toEqual([
      [2, 2995, 599, 5391],
      [2, 1450, 740, 2160],
      [1, 300, 30, 270],
    ])
    expect(snapshot.totals.subtotal.amountMinor).toBe(7821)
    expect(snapshot.totals.discount.amountMinor).toBe(1369)
    expect(snapshot.totals.total.amountMinor).toBe(7821 + 850 + 626)
  })

  it.each([
    [
      'allocations win over total_discount',
      { total_discount: '9.99', discount_allocations: [{ amount: '1.10' }, { amount: '0.20' }] },
      130,
    ],
    [
      'empty allocations fall back to total_discount',
      { total_discount: '2.50', discount_allocations: [] },
      250,
    ],
    ['neither gives 0', { total_discount: undefined, discount_allocations: undefined }, 0],
  ])('line discount: %s', (_, line, expected) => {
    const snapshot = snapshotOf(
      normalizeOrder(orderWith({}, { quantity: 3, price: '10.00', ...line })),
    )
    expect(snapshot.lines[0]?.discount.amountMinor).toBe(expected)
    expect(snapshot.lines[0]?.total.amountMinor).toBe(3000 - expected)
  })

  it('accepts amounts sent as JSON numbers', () => {
    const snapshot = snapshotOf(normalizeOrder(orderWith({ total_price: 31.32 }, { price: 24 })))
    expect(snapshot.totals.total.amountMinor).toBe(3132)
    expect(snapshot.lines[0]?.unitPrice.amountMinor).toBe(2400)
  })

  it.each([
    ['total_shipping_price_set', {}, 500],
    [
      'Σ shipping_lines when the set is absent',
      {
        total_shipping_price_set: undefined,
        shipping_lines: [{ price: '4.10' }, { price: '0.20' }],
      },
      430,
    ],
    [
      '0 when neither is present',
      { total_shipping_price_set: undefined, shipping_lines: undefined },
      0,
    ],
  ])('shipping from %s', (_, overrides, expected) => {
    expect(snapshotOf(normalizeOrder(orderWith(overrides))).totals.shipping.amountMinor).toBe(
      expected,
    )
  })

  it('refuses more precision than the currency has, naming the path', () => {
    expect(normalizeOrder(orderWith({}, { price: '24.005' }))).toEqual({
      kind: 'invalid',
      issues: ['line_items.0.price: "24.005" has more fraction digits than USD allows (2)'],
    })
  })

  it('refuses a discount larger than the line', () => {
    const result = normalizeOrder(orderWith({}, { discount_allocations: [{ amount: '30.00' }] }))
    expect(result).toEqual({
      kind: 'invalid',
      issues: ['line_items.0: discount exceeds price × quantity'],
    })
  })

  it('refuses a line total beyond 2^53 minor units', () => {
    const result = normalizeOrder(orderWith({}, { price: '90071992547409.91', quantity: 2 }))
    expect(result).toEqual({
      kind: 'invalid',
      issues: ['line_items.0: price × quantity is too large to count in minor units'],
    })
  })
})

describe('shopify normalizer · status', () => {
  const CANCELLED_AT = '2025-03-08T11:20:01-05:00'
  it.each([
    // financial_status, fulfillment_status, cancelled_at → status, paymentStatus
    ['paid', 'fulfilled', CANCELLED_AT, 'cancelled', 'paid'],
    ['refunded', null, CANCELLED_AT, 'cancelled', 'refunded'],
    ['paid', 'fulfilled', null, 'fulfilled', 'paid'],
    ['pending', 'fulfilled', null, 'fulfilled', 'pending'],
    ['paid', 'partial', null, 'partially_fulfilled', 'paid'],
    ['authorized', null, null, 'awaiting_fulfillment', 'authorized'],
    ['paid', null, null, 'awaiting_fulfillment', 'paid'],
    ['partially_paid', null, null, 'awaiting_fulfillment', 'partially_paid'],
    ['partially_refunded', null, null, 'awaiting_fulfillment', 'partially_refunded'],
    ['refunded', null, null, 'awaiting_fulfillment', 'refunded'],
    ['paid', 'restocked', null, 'awaiting_fulfillment', 'paid'],
    ['pending', null, null, 'pending', 'pending'],
    ['voided', null, null, 'pending', 'voided'],
    [null, null, null, 'pending', 'unknown'],
    [undefined, null, null, 'pending', 'unknown'],
    ['expired', null, null, 'pending', 'expired'],
    ['something_new', null, null, 'pending', 'unknown'],
  ] as const)(
    '(%s, %s, cancelled_at %s) → %s / %s',
    (financial, fulfillment, cancelledAt, status, payment) => {
      const snapshot = snapshotOf(
        normalizeOrder(
          orderWith({
            financial_status: financial,
            fulfillment_status: fulfillment,
            cancelled_at: cancelledAt,
          }),
        ),
      )
      expect([snapshot.status, snapshot.paymentStatus]).toEqual([status, payment])
      expect(snapshot.channelStatus).toEqual({
        financial_status: financial ?? null,
        fulfillment_status: fulfillment,
      })
    },
  )

  it('counts shipped units from successful fulfillments only, capped at the quantity', () => {
    const split = snapshotOf(normalizeFixture('orders-partially_fulfilled/split-shipment'))
    expect(split.lines.map((line) => [line.quantity, line.quantityFulfilled])).toEqual([
      [1, 1],
      [3, 1],
    ])
    const over = orderWith(
      { fulfillments: [{ status: 'success', line_items: [{ id: 14022110001, quantity: 5 }] }] },
      { quantity: 2 },
    )
    expect(snapshotOf(normalizeOrder(over)).lines[0]?.quantityFulfilled).toBe(2)
  })
})

describe('shopify normalizer · people and places', () => {
  it('falls back from email to contact_email, and blank to null', () => {
    const email = (overrides: Json) =>
      snapshotOf(normalizeOrder(orderWith(overrides))).customerEmail
    expect(email({ email: '', contact_email: 'b@example.com' })).toBe('b@example.com')
    expect(email({ email: null, contact_email: undefined })).toBeNull()
  })

  it('maps the shipping address, with fallbacks and blanks as null', () => {
    const address = snapshotOf(
      normalizeOrder(
        orderWith({
          shipping_address: {
            name: '',
            first_name: 'Ava',
            last_name: 'Reed',
            company: '',
            address1: '42 Example Street',
            address2: '',
            city: 'Springfield',
            province: 'New York',
            province_code: null,
            zip: '10001',
            country_code: 'US',
          },
        }),
      ),
    ).shippingAddress
    expect(address).toEqual({
      name: 'Ava Reed',
      company: null,
      line1: '42 Example Street',
      line2: null,
      city: 'Springfield',
      region: 'New York',
      postalCode: '10001',
      countryCode: 'US',
      phone: null,
    })
  })

  it('gives null for an absent shipping address', () => {
    expect(
      snapshotOf(normalizeOrder(orderWith({ shipping_address: null }))).shippingAddress,
    ).toBeNull()
    expect(
      snapshotOf(normalizeOrder(orderWith({ shipping_address: undefined }))).shippingAddress,
    ).toBeNull()
  })
})

describe('shopify normalizer · refunds', () => {
  it('maps restocked and non-restocked lines and sums successful refund transactions', () => {
    const observation = returnOf(normalizeFixture('refunds-create/restocked-line'))
    expect(observation.occurredAt).toBe('2025-03-12T10:31:07-05:00')
    expect(observation.data).toEqual({
      externalOrderId: '5940139491250',
      returnId: '923456789010',
      lines: [
        { externalLineId: '14022110101', sku: 'TEE-BLK-M', quantity: 1, restock: true },
        { externalLineId: '14022110103', sku: null, quantity: 1, restock: false },
      ],
      refunded: { amountMinor: 3204, currency: 'USD' },
      note: 'Wrong size & colour, exchanged in store',
    })
  })

  it('maps a money-only refund to no lines', () => {
    const observation = returnOf(normalizeFixture('refunds-create/money-only'))
    expect(observation.data.lines).toEqual([])
    expect(observation.data.refunded).toEqual({ amountMinor: 540, currency: 'USD' })
    expect(observation.data.note).toBeNull()
  })

  const refundWith = (overrides: Json) => ({
    ...fixtureBody('refunds-create/restocked-line'),
    ...overrides,
  })
  const tx = (kind: string, status: string, amount: string, currency = 'USD') => ({
    kind,
    status,
    amount,
    currency,
  })

  it('ignores zero-quantity lines and transactions that are not successful refunds', () => {
    const body = refundWith({
      refund_line_items: [{ line_item_id: 1, quantity: 0, restock_type: 'return' }],
      transactions: [
        tx('refund', 'failure', '5.00'),
        tx('refund', 'success', '1.10'),
        tx('refund', 'success', '2.20'),
        tx('void', 'success', '9.00'),
      ],
    })
    const data = returnOf(shopify.normalize(input('refunds/create', body))).data
    expect(data.lines).toEqual([])
    expect(data.refunded).toEqual({ amountMinor: 330, currency: 'USD' })
  })

  it('gives null when no money moved', () => {
    const body = refundWith({ transactions: [tx('refund', 'pending', '5.00')] })
    expect(returnOf(shopify.normalize(input('refunds/create', body))).data.refunded).toBeNull()
  })

  it('refuses refund transactions in mixed currencies', () => {
    const body = refundWith({
      transactions: [tx('refund', 'success', '1.00'), tx('refund', 'success', '1.00', 'EUR')],
    })
    expect(shopify.normalize(input('refunds/create', body))).toEqual({
      kind: 'invalid',
      issues: ['transactions.1.currency: refund transactions mix USD and EUR'],
    })
  })
})

describe('shopify normalizer · invalid and ignored', () => {
  it('names the path of a missing field', () => {
    const result = normalizeFixture('orders-create/invalid-missing-price')
    expect(result).toEqual({
      kind: 'invalid',
      issues: ['line_items.0.price: Invalid input: expected string, received undefined'],
    })
  })

  it('reports every bad path at once', () => {
    const result = normalizeOrder(
      orderWith({ currency: 'usd', created_at: 'yesterday' }, { quantity: -1 }),
    )
    expect(result.kind === 'invalid' && result.issues.map((issue) => issue.split(':')[0])).toEqual([
      'created_at',
      'currency',
      'line_items.0.quantity',
    ])
  })

  it('names the body when it is not an object', () => {
    expect(shopify.normalize(input('orders/create', null))).toEqual({
      kind: 'invalid',
      issues: ['(body): Invalid input: expected object, received null'],
    })
  })

  it.each(['products/update', 'orders/edited', 'orders/delete', 'app/uninstalled'])(
    'ignores %s',
    (topic) => {
      expect(shopify.normalize(input(topic, {}))).toEqual({
        kind: 'ignored',
        reason: `topic ${topic} is not consumed`,
      })
    },
  )
})

describe('shopify normalizer · inventory levels', () => {
  const level = (overrides: Json) =>
    shopify.normalize(
      input('inventory_levels/update', {
        ...fixtureBody('inventory_levels-update/basic'),
        ...overrides,
      }),
    )

  it('keeps an untracked level (available null) as null', () => {
    const observation = only(level({ available: null }), 'inventory-level')
    expect(observation.data.available).toBeNull()
    expect(observation.data.channelStatus).toEqual({})
  })

  it('keeps an inventory item id beyond 2^53 as its exact digits', () => {
    const observation = only(level({ inventory_item_id: '9007199254740993123' }), 'inventory-level')
    expect(observation.data.listing.unitId).toBe('9007199254740993123')
  })

  // The order path refuses a bad updated_at (its placedAt/updatedAt are checked as the contract's
  // times); the level's occurredAt is that same field and must be refused the same way.
  it.each([
    ['missing', undefined],
    ['null', null],
    ['without an offset', '2026-11-22T12:00:00'],
    ['a date only', '2026-11-22'],
    ['an impossible date', '2026-02-30T10:00:00Z'],
    ['Unix seconds', 1763812800],
  ])('refuses an updated_at that is %s, as an order with it is refused', (_, updatedAt) => {
    const order = normalizeOrder(orderWith({ updated_at: updatedAt }))
    expect(order).toMatchObject({
      kind: 'invalid',
      issues: [expect.stringMatching(/^updated_at: /)],
    })
    expect(level({ updated_at: updatedAt })).toEqual(order)
  })

  it('names each bad path', () => {
    const result = level({ location_id: 'gid://shopify/Location/1', updated_at: 'now' })
    expect(result.kind === 'invalid' && result.issues.map((i) => i.split(':')[0])).toEqual([
      'location_id',
      'updated_at',
    ])
  })
})

describe('shopify normalizer · orders read from the order list (hub.order-sync)', () => {
  // Shopify's own REST Order fixtures (test/samples/README.md): open, then cancelled.
  const sample = (name: string) =>
    parseJsonBody(
      readFileSync(new URL(`../../test/samples/shopify/${name}`, import.meta.url), 'utf8'),
    ) as Json

  it.each(['order.test_8.json', 'order.test_13.json'])(
    '%s listed maps exactly as orders/updated of the same order',
    (name) => {
      const order = sample(name)
      const listed = shopify.normalize(input(ORDER_SYNC_TOPIC, order))
      expect(listed).toEqual(shopify.normalize(input('orders/updated', order)))
      expect(snapshotOf(listed)).toMatchObject({
        externalId: String(order.id),
        updatedAt: order.updated_at,
        status: order.cancelled_at === null ? expect.any(String) : 'cancelled',
      })
    },
  )

  it('is invalid, naming each path, for a listed record that does not match', () => {
    const order = sample('order.test_8.json')
    const result = shopify.normalize(
      input(ORDER_SYNC_TOPIC, { ...order, updated_at: 'yesterday', currency: undefined }),
    )
    expect(result.kind).toBe('invalid')
    const issues = result.kind === 'invalid' ? result.issues : []
    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual(['currency', 'updated_at'])
  })
})
