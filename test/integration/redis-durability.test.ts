// De-risks reading Redis's durability settings from a real server (the start-up warning depends on
// it), and that an unreachable Redis reads as "unknown" instead of failing start-up.
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { readRedisDurabilitySettings } from '../../src/queues/redis-durability.js'
import { TEST_REDIS_URL } from '../services.js'

describe('readRedisDurabilitySettings', () => {
  it('reads what CONFIG GET says on a real Redis', async () => {
    const redis = new Redis(TEST_REDIS_URL)
    try {
      const get = async (name: string) => ((await redis.config('GET', name)) as string[])[1]
      expect(await readRedisDurabilitySettings(TEST_REDIS_URL)).toEqual({
        maxmemoryPolicy: await get('maxmemory-policy'),
        appendonly: await get('appendonly'),
        save: await get('save'),
      })
    } finally {
      redis.disconnect()
    }
  })

  it('answers undefined when Redis cannot be reached', async () => {
    expect(await readRedisDurabilitySettings('redis://127.0.0.1:1')).toBeUndefined()
  })
})
