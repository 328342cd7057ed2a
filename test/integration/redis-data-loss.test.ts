// De-risks DESIGN §2's promise that no accepted webhook depends on Redis durability: Redis loses
// all of the hub's data while 1,000 webhooks are being accepted and processed, and every webhook
// answered 200 is still normalized exactly once, because the sweeper re-enqueues from PostgreSQL.
// The hub gets a Redis database of its own and FLUSHDB empties it (FLUSHALL would also empty the
// other test files' queues on the shared server); for the hub the effect is the same.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadFixture } from '../helpers/fixtures.js'
import { useTestHub } from '../helpers/hub.js'
import { postShopify, withBody } from '../helpers/shopify-webhooks.js'
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

const stillReceived = async () =>
  Number(
    (
      await hub.deps.db
        .selectFrom('inbox_message')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', '=', 'received')
        .executeTakeFirstOrThrow()
    ).n,
  )

const fx = loadFixture('shopify', 'orders-create/basic')
const order = JSON.parse(fx.body) as { id: number }
const TOTAL = 1_000

describe('Redis loses every job mid-load', () => {
  it('still normalizes every accepted webhook exactly once', async () => {
    const accepted: string[] = []
    let flushed = false
    let waitingAtFlush = 0
    for (let i = 0; i < TOTAL; i += 50) {
      const batch = Array.from({ length: 50 }, (_, k) => {
        const n = i + k
        // Distinct orders: a new id and webhook id for each.
        const body = fx.body.replace(`"id":${order.id}`, `"id":${order.id + 1 + n}`)
        return postShopify(hub.app, withBody(fx, body, `flush-${n}`)).then(async (res) => {
          if (res.status === 200) accepted.push(((await res.json()) as { id: string }).id)
        })
      })
      await Promise.all(batch)
      if (!flushed && i >= TOTAL / 2) {
        waitingAtFlush = await stillReceived()
        await admin.flushdb()
        flushed = true
      }
    }
    expect(accepted.length).toBe(TOTAL) // Redis never went away, only its data
    // Jobs were really lost: messages were still waiting when their jobs vanished.
    expect(waitingAtFlush).toBeGreaterThan(0)

    await vi.waitFor(
      async () => {
        const open = await hub.deps.db
          .selectFrom('inbox_message')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '!=', 'normalized')
          .executeTakeFirstOrThrow()
        expect(Number(open.n)).toBe(0)
      },
      { timeout: 60_000, interval: 250 },
    )
    const orders = await hub.deps.db
      .selectFrom('sales_order')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(orders.n)).toBe(TOTAL)
    // Exactly once in effect: one order.created.v1 per order, however often a job ran.
    const created = await hub.deps.db
      .selectFrom('outbox_event')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('type', '=', 'order.created.v1')
      .executeTakeFirstOrThrow()
    expect(Number(created.n)).toBe(TOTAL)
  })
})
