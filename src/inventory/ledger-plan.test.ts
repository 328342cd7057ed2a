import { describe, expect, it } from 'vitest'
import type { InventoryItem } from '../db/schema.js'
import { planLedger, type LedgerCommand } from './ledger-plan.js'

const NOW = new Date('2026-12-02T10:00:00.000Z')
// The level is already stored, so each command changes only the safety stock.
const AS_OF = new Date('2026-12-01T00:00:00Z')

function item(safetyStock: number): InventoryItem {
  return {
    sku: 'TEE-1',
    on_hand: 10,
    on_hand_as_of: AS_OF,
    safety_stock: safetyStock,
    reserved: 0,
    ats: 10 - safetyStock,
    ats_changed_at: NOW,
    updated_at: NOW,
    on_hand_known: true,
  }
}

const setSafety = (safetyStock: number): LedgerCommand => ({
  kind: 'level',
  level: { sku: 'TEE-1', onHand: 10, asOf: AS_OF, safetyStock },
})

function eventIdParts(before: number, after: number) {
  const plan = planLedger(new Map([['TEE-1', item(before)]]), [setSafety(after)], new Map(), NOW)
  return plan.last.get('TEE-1')?.idParts
}

describe('planLedger', () => {
  it('gives two safety-stock changes of one SKU in the same millisecond different event ids', () => {
    const down = eventIdParts(5, 3)
    const up = eventIdParts(3, 5)
    expect(down?.[0]).toBe('safety-stock')
    expect(down).not.toEqual(up)
  })

  it('gives the same safety-stock change planned twice the same event id', () => {
    expect(eventIdParts(5, 3)).toEqual(eventIdParts(5, 3))
  })
})
