// De-risks DESIGN §2's promise that no accepted webhook depends on Redis durability: Redis loses
// all of the hub's data while 1,000 webhooks are being accepted and processed, and every webhook
// answered 200 is still normalized exactly once, because the sweeper re-enqueues from PostgreSQL.
// The hub gets a Redis database of its own and FLUSHDB empties it (FLUSHALL would also empty the
// other test files' queues on the shared server); for the hub the effect is the same.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestHub } from '../helpers/hub.js'
import {
  expectEachOrderOnce,
  reportFault,
  inboxCount,
  orderWebhook,
  waitUntilAllNormalized,
} from '../helpers/load.js'
import { postShopify } from '../helpers/shopify-webhooks.js'
import { TEST_REDIS_URL } from '../services.js'

const REDIS_DB = 11
const redisUrl = (() => {
  const url = new URL(TEST_REDIS_URL)
  url.pathname = `/${REDIS_DB}`
  return url.toString()
})()
const hub = useTestHub({
  workers: true,
  env: { REDIS_URL: redisUrl, SWEEP_GRACE_MS: '300', SWEEP_INTERVAL_MS: '200' },
})
const admin = new Redis(redisUrl)
// The database is this file's alone: leftovers of an earlier run go first, this run's last.
beforeAll(() => admin.flushdb())
afterAll(async () => {
  await admin.flushdb()
  await admin.quit()
})

const TOTAL = 1_000

describe('Redis loses every job mid-load', () => {
  it('still normalizes every accepted webhook exactly once', async () => {
    const accepted: string[] = []
    let flushed = false
    let waitingAtFlush = 0
    let flushedAt = 0
    for (let i = 0; i < TOTAL; i += 50) {
      const batch = Array.from({ length: 50 }, (_, k) => {
        return postShopify(hub.app, orderWebhook('flush', i + k)).then(async (res) => {
          if (res.status === 200) accepted.push(((await res.json()) as { id: string }).id)
        })
      })
      await Promise.all(batch)
      if (!flushed && i >= TOTAL / 2) {
        waitingAtFlush = await inboxCount(hub.deps.db, 'received')
        await admin.flushdb()
        flushedAt = Date.now()
        flushed = true
      }
    }
    expect(accepted.length).toBe(TOTAL) // Redis never went away, only its data
    // Jobs were really lost: messages were still waiting when their jobs vanished.
    expect(waitingAtFlush).toBeGreaterThan(0)

    await waitUntilAllNormalized(hub.deps.db)
    await expectEachOrderOnce(hub.deps.db, TOTAL)
    await reportFault(hub.deps.db, 'Redis FLUSHDB mid-load', {
      accepted: accepted.length,
      waitingAtFlush,
      recoveryMs: Date.now() - flushedAt,
    })
  })
})
