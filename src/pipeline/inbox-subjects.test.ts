// Pins what the inbox search indexes a message under: order ids and seller SKUs from every kind of
// observation that names them, once each.
import { describe, expect, it } from 'vitest'
import { subjectsOf } from './inbox-subjects.js'
import type { Observation } from '../../normalizers/index.js'

const listing = (sellerSku: string | null) => ({
  sellerSku,
  productId: 'p1',
  unitId: 'u1',
  locationId: null,
  marketplaceId: null,
})

describe('subjectsOf', () => {
  it('names order ids and SKUs of orders, returns, stock reports and listing changes', () => {
    const observations = [
      {
        kind: 'order',
        snapshot: { externalId: 'o-1', lines: [{ sku: 'A' }, { sku: null }, { sku: 'A' }] },
      },
      {
        kind: 'order-return',
        occurredAt: '2026-01-01T00:00:00Z',
        data: { externalOrderId: 'o-1', lines: [{ sku: 'B' }] },
      },
      {
        kind: 'inventory-level',
        occurredAt: '2026-01-01T00:00:00Z',
        data: { listing: listing('C') },
      },
      {
        kind: 'listing-status',
        occurredAt: '2026-01-01T00:00:00Z',
        data: { listing: listing(null) },
      },
      { kind: 'account-authorization', state: 'revoked', occurredAt: '', message: '' },
    ] as unknown as Observation[]
    expect(subjectsOf(observations)).toEqual([
      { kind: 'order', value: 'o-1' },
      { kind: 'sku', value: 'A' },
      { kind: 'sku', value: 'B' },
      { kind: 'sku', value: 'C' },
    ])
  })
})
