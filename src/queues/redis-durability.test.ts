// De-risks the start-up warning about Redis settings that would lose queued jobs: eviction
// policies other than noeviction and a Redis with no persistence are reported, a durable one is not.
import { describe, expect, it } from 'vitest'
import { redisDurabilityProblems } from './redis-durability.js'

const durable = { maxmemoryPolicy: 'noeviction', appendonly: 'yes', save: '' }

describe('redisDurabilityProblems', () => {
  it('says nothing about a non-evicting Redis that persists (AOF, or RDB snapshots)', () => {
    expect(redisDurabilityProblems(durable)).toEqual([])
    expect(
      redisDurabilityProblems({ ...durable, appendonly: 'no', save: '3600 1 300 100' }),
    ).toEqual([])
  })

  it('reports an evicting policy', () => {
    for (const policy of ['allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-ttl']) {
      expect(redisDurabilityProblems({ ...durable, maxmemoryPolicy: policy })).toEqual([
        expect.stringContaining(`maxmemory-policy is ${policy}, not noeviction`),
      ])
    }
  })

  it('reports a Redis that keeps nothing on disk, and both problems together', () => {
    const forgetful = { maxmemoryPolicy: 'allkeys-lru', appendonly: 'no', save: ' ' }
    expect(redisDurabilityProblems(forgetful)).toEqual([
      expect.stringContaining('not noeviction'),
      expect.stringContaining('keeps nothing on disk'),
    ])
  })
})
