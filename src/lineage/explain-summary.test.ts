// The sentence an operator reads for "why is TEE-1 at 7 on Walmart?": it must carry the same
// numbers as the structured parts beside it, name orders by id only, and say when the quantity
// computed is not the one the channel was last sent.
import { describe, expect, it } from 'vitest'
import { explanationSummary, type ExplanationParts } from './explain-summary.js'

const parts: ExplanationParts = {
  listing: { id: '4', channel: 'walmart', account: 'main', channelSku: 'TEE-1' },
  sku: 'TEE-1',
  onHand: 12,
  onHandAsOf: '2026-12-05T10:02:00.000Z',
  onHandSource: { kind: 'count', at: '2026-12-05T10:02:00.000Z', reference: null, reason: null },
  reserved: 3,
  reservingOrders: [
    {
      channel: 'shopify',
      account: 'demo',
      orderId: '1001',
      units: 2,
      changedAt: '2026-12-05T10:01:00.000Z',
    },
    {
      channel: 'walmart',
      account: 'main',
      orderId: '1002',
      units: 1,
      changedAt: '2026-12-05T10:01:30.000Z',
    },
  ],
  reservingOrdersMore: false,
  safetyStock: 0,
  ats: 9,
  policy: { buffer: 2, allocation: 'shared' },
  allocation: { mode: 'shared', share: 7, offered: 7, inflight: null },
  quantity: 7,
  notPushed: null,
  lastPushed: { quantity: 7, at: '2026-12-05T10:02:04.120Z', status: 'applied' },
  lastReported: { quantity: 7, at: '2026-12-05T10:02:09.000Z', echo: true },
  lastCheck: null,
}

describe('explanationSummary', () => {
  it('says the quantity, what it is computed from, and what the channel was sent and echoed', () => {
    expect(explanationSummary(parts)).toBe(
      'TEE-1 is 7 on walmart/main because: on-hand 12 at 2026-12-05T10:02:00Z from the recount, 3 reserved by orders shopify/demo 1001, walmart/main 1002, so 9 available to sell, buffer 2; pushed 7 at 2026-12-05T10:02:04Z, echoed at 2026-12-05T10:02:09Z.',
    )
  })

  it('names an adjustment, a partitioned share, safety stock, a drift, and a push not yet sent', () => {
    const summary = explanationSummary({
      ...parts,
      onHandSource: {
        kind: 'adjustment',
        at: '2026-12-05T11:00:00.000Z',
        reference: 'adj-7',
        reason: 'damaged',
      },
      reserved: 0,
      reservingOrders: [],
      safetyStock: 1,
      policy: { percentage: 50, maxListed: 5 },
      allocation: { mode: 'partitioned', share: 4, offered: 5, inflight: null },
      quantity: 4,
      lastReported: { quantity: 6, at: '2026-12-05T11:00:30.000Z', echo: false },
      lastCheck: { quantity: 6, at: '2026-12-05T11:01:00.000Z', drift: 1 },
    })
    expect(summary).toBe(
      'TEE-1 is 4 on walmart/main because: on-hand 12 at 2026-12-05T11:00:00Z from adjustment adj-7 (damaged), none reserved, safety stock 1, so 9 available to sell, 50% offered, at most 5, its partitioned share 4; pushed 7 at 2026-12-05T10:02:04Z, 4 not yet, the channel reported 6 at 2026-12-05T11:00:30Z, reconciliation found 6 at 2026-12-05T11:01:00Z (drift 1).',
    )
  })

  it('says why nothing is pushed, and shortens a long list of orders', () => {
    expect(
      explanationSummary({
        ...parts,
        quantity: null,
        notPushed: 'the on-hand of TEE-1 is not known yet',
        lastPushed: null,
        lastReported: null,
      }),
    ).toBe('TEE-1 is not pushed to walmart/main: the on-hand of TEE-1 is not known yet.')
    expect(
      explanationSummary({
        ...parts,
        reservingOrders: parts.reservingOrders.slice(0, 1),
        reservingOrdersMore: true,
      }),
    ).toContain('3 reserved by orders shopify/demo 1001 and others,')
  })
})
