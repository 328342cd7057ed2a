// De-risks log sampling of refusals: the first of a kind in each interval is logged with how many
// were passed over, and a flood of distinct keys cannot grow the table without bound.
import { describe, expect, it } from 'vitest'
import { createLogSampler } from './log-sampler.js'

describe('createLogSampler', () => {
  it('logs the first per key per interval, then says how many it skipped', () => {
    const sampler = createLogSampler(1_000)
    expect(sampler.first('a', 0)).toEqual({ log: true, skipped: 0 })
    expect(sampler.first('a', 10)).toEqual({ log: false, skipped: 1 })
    expect(sampler.first('a', 20)).toEqual({ log: false, skipped: 2 })
    expect(sampler.first('b', 20)).toEqual({ log: true, skipped: 0 })
    expect(sampler.first('a', 1_000)).toEqual({ log: true, skipped: 2 })
    expect(sampler.first('a', 1_001)).toEqual({ log: false, skipped: 1 })
  })

  it('forgets the oldest key beyond its size', () => {
    const sampler = createLogSampler(60_000, 2)
    sampler.first('a', 0)
    sampler.first('b', 0)
    sampler.first('c', 0)
    expect(sampler.first('a', 1).log).toBe(true)
    expect(sampler.first('c', 1).log).toBe(false)
  })
})
