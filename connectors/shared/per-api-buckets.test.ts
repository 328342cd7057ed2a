// De-risks per-API pacing: one bucket per API, created once, and a slow plan still lets one call through.
import { describe, expect, it } from 'vitest'
import { perApiBuckets } from './per-api-buckets.js'

const ctx = { clock: { now: () => new Date(0) } }

describe('perApiBuckets', () => {
  it('gives each API its own bucket and the same one on every use', () => {
    const bucketFor = perApiBuckets(5, ctx)
    expect(bucketFor('GET /a')).toBe(bucketFor('GET /a'))
    expect(bucketFor('GET /a')).not.toBe(bucketFor('PUT /a'))
  })

  it('lets the first call of a plan slower than 1/s through, then refuses the next', async () => {
    const bucketFor = perApiBuckets(0.2, ctx)
    await bucketFor('GET /a').take('a')
    await expect(bucketFor('GET /a').take('a')).rejects.toMatchObject({ kind: 'rate-limited' })
    await expect(bucketFor('GET /b').take('b')).resolves.toBeUndefined()
  })
})
