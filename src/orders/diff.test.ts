// De-risks the rule that decides what an order snapshot changes and emits: stale loses, repeats
// emit nothing, same-second ties never move an order backwards, lifecycle changes get their type.
import { describe, expect, it } from 'vitest'
import type { OrderSnapshot, OrderStatus } from '../events/index.js'
import { decideOrderChange } from './diff.js'

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' })
const base: OrderSnapshot = {
  externalId: '1001',
  number: '#1001',
  status: 'awaiting_fulfillment',
  paymentStatus: 'paid',
  channelStatus: { financial_status: 'paid', fulfillment_status: null },
  placedAt: '2026-01-01T10:00:00Z',
  updatedAt: '2026-01-01T10:00:00Z',
  currency: 'USD',
  totals: {
    subtotal: usd(1000),
    discount: usd(0),
    shipping: usd(0),
    tax: usd(0),
    total: usd(1000),
    taxesIncluded: false,
  },
  lines: [],
  customerEmail: null,
  shippingAddress: null,
  cancelReason: null,
}
const at = (
  updatedAt: string,
  status: OrderStatus = base.status,
  more: Partial<OrderSnapshot> = {},
) => ({
  ...base,
  updatedAt,
  status,
  ...more,
})

describe('decideOrderChange', () => {
  it('first sight creates, timed at placement', () => {
    expect(decideOrderChange(undefined, base)).toEqual({
      kind: 'store',
      snapshot: base,
      events: [
        {
          type: 'order.created.v1',
          subject: 'order/1001',
          time: base.placedAt,
          data: { order: base },
        },
      ],
    })
  })

  it('an older snapshot changes nothing', () => {
    const stored = at('2026-01-01T11:00:00Z', 'fulfilled')
    expect(decideOrderChange(stored, at('2026-01-01T10:30:00Z', 'cancelled'))).toEqual({
      kind: 'keep',
    })
  })

  it('the same snapshot again changes nothing', () => {
    expect(decideOrderChange(base, structuredClone(base))).toEqual({ kind: 'keep' })
  })

  it('a newer snapshot with no visible change is stored silently', () => {
    expect(decideOrderChange(base, at('2026-01-01T10:05:00Z'))).toEqual({
      kind: 'store',
      snapshot: at('2026-01-01T10:05:00Z'),
      events: [],
    })
  })

  it('compares content, not key order', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as OrderSnapshot
    expect(decideOrderChange(base, reordered)).toEqual({ kind: 'keep' })
  })

  it.each([
    ['cancelled', 'order.cancelled.v1'],
    ['fulfilled', 'order.fulfilled.v1'],
    ['partially_fulfilled', 'order.updated.v1'],
    ['delivered', 'order.updated.v1'],
  ] as const)('a newer %s snapshot emits %s with the previous status', (status, type) => {
    const decision = decideOrderChange(base, at('2026-01-01T11:00:00Z', status))
    expect(decision).toMatchObject({
      kind: 'store',
      events: [
        {
          type,
          time: '2026-01-01T11:00:00Z',
          data: { previousStatus: 'awaiting_fulfillment', changedFields: ['status'] },
        },
      ],
    })
  })

  it('lists every changed field', () => {
    const incoming = at('2026-01-01T11:00:00Z', base.status, {
      paymentStatus: 'partially_refunded',
      totals: { ...base.totals, total: usd(900) },
    })
    expect(decideOrderChange(base, incoming)).toMatchObject({
      events: [{ type: 'order.updated.v1', data: { changedFields: ['paymentStatus', 'totals'] } }],
    })
  })

  it('with the same timestamp, the snapshot further along wins and the other is kept out', () => {
    const shipped = at(base.updatedAt, 'fulfilled')
    expect(decideOrderChange(shipped, base)).toEqual({ kind: 'keep' })
    expect(decideOrderChange(base, shipped)).toMatchObject({
      kind: 'store',
      events: [{ type: 'order.fulfilled.v1' }],
    })
  })

  it('a cancelled order cancelled again with a new reason is an update, not a second cancellation', () => {
    const cancelled = at('2026-01-01T11:00:00Z', 'cancelled', { cancelReason: 'customer' })
    const again = at('2026-01-01T12:00:00Z', 'cancelled', { cancelReason: 'fraud' })
    expect(decideOrderChange(cancelled, again)).toMatchObject({
      events: [
        {
          type: 'order.updated.v1',
          data: { previousStatus: 'cancelled', changedFields: ['cancelReason'] },
        },
      ],
    })
  })

  it('compares instants, not strings, across offsets', () => {
    const stored = at('2026-01-01T10:00:00-05:00') // 15:00Z
    expect(decideOrderChange(stored, at('2026-01-01T14:00:00Z', 'cancelled'))).toEqual({
      kind: 'keep',
    })
  })

  it('a channel status key the incoming snapshot lacks keeps its stored value', () => {
    const requested = at('2026-01-01T11:00:00Z', base.status, {
      channelStatus: { ...base.channelStatus, cancellation_status: 'CANCELLATION_REQUEST_PENDING' },
    })
    const later = at('2026-01-01T12:00:00Z', base.status, { cancelReason: 'late' })
    const decision = decideOrderChange(requested, later)
    expect(decision).toMatchObject({
      kind: 'store',
      snapshot: { channelStatus: requested.channelStatus, cancelReason: 'late' },
      events: [{ type: 'order.updated.v1', data: { changedFields: ['cancelReason'] } }],
    })
    // A key that the incoming snapshot does carry still replaces the stored value.
    const withdrawn = at('2026-01-01T13:00:00Z', base.status, {
      channelStatus: {
        ...base.channelStatus,
        cancellation_status: 'CANCELLATION_REQUEST_CANCELLED',
      },
    })
    expect(decideOrderChange(requested, withdrawn)).toMatchObject({
      events: [{ type: 'order.updated.v1', data: { changedFields: ['channelStatus'] } }],
    })
  })
})
