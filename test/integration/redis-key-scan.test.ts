// De-risks listing and deleting keys by pattern (src/redis-client.ts `deleteMatching`, used by the
// simulations' clean-up and the tests' own): on a Redis Cluster a SCAN sees one node's keys, and
// a multi-key UNLINK across slots is refused, so it must scan every master and unlink key by key.
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { deleteMatching } from '../../src/redis-client.js'
import { testRedis } from '../helpers/redis.js'

const prefix = `hubt-${inject('runId')}-${randomBytes(4).toString('hex')}`
const redis = testRedis({ maxRetriesPerRequest: 1 })
afterAll(() => redis.disconnect())

describe('deleteMatching', () => {
  it('deletes every matching key, wherever it is, and nothing else', async () => {
    // Different names hash to slots all over a cluster's masters.
    const keys = Array.from({ length: 60 }, (_, i) => `${prefix}:scan:${i}`)
    const other = `${prefix}-other:kept`
    await Promise.all([...keys, other].map((k) => redis.set(k, '1', 'EX', 60)))

    expect(await deleteMatching(redis, `${prefix}:*`)).toBe(keys.length)

    const left = await Promise.all(keys.map((k) => redis.exists(k)))
    expect(left.filter((n) => n > 0)).toEqual([])
    expect(await redis.exists(other)).toBe(1)
    await redis.unlink(other)
  })
})
