// Risk: the split gives a channel more than its share or more than is available, a starved
// channel is raised before the units it needs are taken back from the others, a sale brings a
// write to the channel that is selling, `auto` partitions on the wrong side of its threshold, or a
// reconciliation read keeps stranded units on a quiet channel or counts a selling one's sales twice.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TEST_SEED } from '../../test/helpers/seeded-random.js'
import {
  believedOffer,
  channelReadBase,
  planAllocation,
  splitByWeight,
  type AllocationListing,
} from './allocation.js'
import type { StockPolicy } from './policy.js'

function listing(
  id: string,
  policy: StockPolicy = {},
  state: Partial<Omit<AllocationListing, 'id' | 'policy'>> = {},
): AllocationListing {
  return {
    id,
    policy,
    believed: 0,
    inflight: null,
    unheard: 0,
    cap: 1000,
    recentUnits: 0,
    ...state,
  }
}

describe('splitByWeight', () => {
  it('gives each listing its weight’s share', () => {
    const targets = splitByWeight(12, [listing('a', { weight: 1 }), listing('b', { weight: 2 })])
    expect(Object.fromEntries(targets)).toEqual({ a: 4, b: 8 })
  })

  it('gives the odd units by priority, then by id', () => {
    const split = (ats: number) =>
      Object.fromEntries(
        splitByWeight(ats, [listing('a'), listing('b', { priority: 1 }), listing('c')]),
      )
    expect(split(5)).toEqual({ a: 2, b: 2, c: 1 })
    expect(split(4)).toEqual({ a: 1, b: 2, c: 1 })
  })

  it('gives what a maximum leaves unused to the others', () => {
    const targets = splitByWeight(10, [listing('a', { maxListed: 2 }), listing('b'), listing('c')])
    expect(Object.fromEntries(targets)).toEqual({ a: 2, b: 4, c: 4 })
  })

  it('never gives out more than is available', () => {
    const policy = fc.record(
      {
        weight: fc.integer({ min: 1, max: 5 }),
        priority: fc.integer({ min: -2, max: 2 }),
        maxListed: fc.nat(20),
        percentage: fc.integer({ min: 0, max: 100 }),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(
        fc.nat(200),
        fc.array(fc.tuple(policy, fc.nat(30)), { minLength: 1, maxLength: 5 }),
        (ats, ls) => {
          const targets = splitByWeight(
            ats,
            ls.map(([p, recentUnits], n) => listing(`l${n}`, p, { recentUnits })),
          )
          const given = [...targets.values()]
          expect(given.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ats)
          for (const t of given) expect(Number.isInteger(t) && t >= 0).toBe(true)
        },
      ),
      { seed: TEST_SEED },
    )
  })
})

describe('planAllocation', () => {
  it('lowers the donors first and has the starved listing wait for the units', () => {
    // a took all 6 units earlier; b, with the same weight, has none.
    const plan = planAllocation(6, [listing('a', {}, { believed: 6 }), listing('b')], 4)
    expect(plan.targets).toEqual(
      new Map([
        ['a', 3],
        ['b', 3],
      ]),
    )
    expect(plan.donors).toEqual(['a'])
    expect(plan.decisions.get('a')).toEqual({ kind: 'write', quantity: 3, reason: 'lower' })
    expect(plan.decisions.get('b')).toEqual({ kind: 'wait', quantity: 3 })
  })

  it('raises the starved listing once the lowering is confirmed', () => {
    const plan = planAllocation(6, [listing('a', {}, { believed: 3 }), listing('b')], 4)
    expect(plan.decisions.get('b')).toEqual({ kind: 'write', quantity: 3, reason: 'raise' })
  })

  it('does not raise into units a write in flight may be offering', () => {
    const plan = planAllocation(
      6,
      [listing('a', {}, { believed: 6, inflight: 3 }), listing('b')],
      4,
    )
    // The lowering of a is not confirmed: a may still offer 6.
    expect(plan.decisions.get('b')).toEqual({ kind: 'wait', quantity: 3 })
  })

  it('sends nothing to a listing whose own sale took it below its target', () => {
    // Three listings at 3 of 9; a sold one unit, so ats is 8 and a offers 2.
    const plan = planAllocation(
      8,
      [
        listing('a', {}, { believed: 2, recentUnits: 1 }),
        listing('b', {}, { believed: 3 }),
        listing('c', {}, { believed: 3 }),
      ],
      6,
    )
    expect([...plan.decisions.values()].filter((d) => d.kind === 'write')).toEqual([])
    expect(plan.decisions.get('a')).toEqual({ kind: 'keep' })
  })

  it('auto: shared at or above autoBelow, partitioned below it', () => {
    const policy: StockPolicy = { allocation: 'auto', autoBelow: 10 }
    const at = (ats: number) => planAllocation(ats, [listing('a', policy), listing('b', policy)], 4)
    const shared = at(10)
    expect(shared.targets.size).toBe(0)
    expect(shared.decisions.get('a')).toEqual({ kind: 'write', quantity: 10, reason: 'shared' })
    expect(shared.decisions.get('b')).toEqual({ kind: 'write', quantity: 10, reason: 'shared' })
    const partitioned = at(9)
    expect(partitioned.targets).toEqual(
      new Map([
        ['a', 5],
        ['b', 4],
      ]),
    )
    expect(partitioned.decisions.get('a')).toEqual({ kind: 'write', quantity: 5, reason: 'raise' })
  })
})

describe('channelReadBase', () => {
  it('quiet: takes the read as the truth, releasing units the hub believed on the channel', () => {
    // The hub believes 3 (a sale counted inside the last base); the channel lists 2, 5 heard.
    const base = channelReadBase(3, 2, 5, true)
    expect(base).toEqual({ offeredBase: 2, committedAtBase: 5 })
    expect(believedOffer(base.offeredBase, 5, base.committedAtBase)).toBe(2)
  })

  it('selling: counts the shortfall as sales in flight, so their orders do not lower it again', () => {
    const base = channelReadBase(3, 2, 5, false)
    expect(base).toEqual({ offeredBase: 2, committedAtBase: 6 })
    // Until the order arrives the unit counts as offered; once it does, the belief is the read.
    expect(believedOffer(base.offeredBase, 5, base.committedAtBase)).toBe(3)
    expect(believedOffer(base.offeredBase, 6, base.committedAtBase)).toBe(2)
  })

  it('takes more than believed as offered, quiet or not', () => {
    for (const quiet of [true, false])
      expect(channelReadBase(2, 4, 1, quiet)).toEqual({ offeredBase: 4, committedAtBase: 1 })
  })
})
