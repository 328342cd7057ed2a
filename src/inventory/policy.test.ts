import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { availableToSell, effectivePolicy, listedQuantity, type StockPolicy } from './policy.js'

describe('listedQuantity', () => {
  it.each<[number, StockPolicy, number]>([
    [100, {}, 100],
    [100, { percentage: 50 }, 50],
    [7, { percentage: 50 }, 3], // rounded down
    [100, { buffer: 5 }, 95],
    [3, { buffer: 5 }, 0],
    [4, { zeroBelow: 5 }, 0],
    [5, { zeroBelow: 5 }, 5],
    [100, { maxListed: 20 }, 20],
    // percentage, then buffer, then zero-below, then maximum
    [100, { percentage: 80, buffer: 2, zeroBelow: 3, maxListed: 40 }, 40],
    [10, { percentage: 80, buffer: 2, zeroBelow: 3, maxListed: 40 }, 6],
    [5, { percentage: 80, buffer: 2, zeroBelow: 3, maxListed: 40 }, 0],
  ])('offers %i units under %j as %i', (ats, policy, want) => {
    expect(listedQuantity(ats, policy)).toBe(want)
  })

  const policy = fc.record(
    {
      percentage: fc.integer({ min: 0, max: 100 }),
      buffer: fc.nat(50),
      zeroBelow: fc.nat(50),
      maxListed: fc.nat(500),
    },
    { requiredKeys: [] },
  )

  it('never offers more than ats, nor less than 0, and more ats never offers less', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(100), policy, (ats, more, p) => {
        const q = listedQuantity(ats, p)
        expect(q).toBeGreaterThanOrEqual(0)
        expect(q).toBeLessThanOrEqual(ats)
        expect(Number.isInteger(q)).toBe(true)
        expect(listedQuantity(ats + more, p)).toBeGreaterThanOrEqual(q)
      }),
    )
  })
})

describe('effectivePolicy', () => {
  it('takes the listing’s fields over the account’s', () => {
    expect(effectivePolicy({ buffer: 2, maxListed: 10 }, { maxListed: 5 })).toEqual({
      buffer: 2,
      maxListed: 5,
    })
  })
})

describe('availableToSell', () => {
  it('is on-hand less reserved and safety stock, never below 0', () => {
    expect(availableToSell(10, 3, 2)).toBe(5)
    expect(availableToSell(2, 3, 2)).toBe(0)
    expect(availableToSell(-4, 0, 0)).toBe(0)
  })
})
