// De-risks the shared API budget's bucket in Redis (src/budget/): that it never lets more calls go than burst + rate × time, refills, serves urgent lanes before lower ones, holds everyone after a 429, refuses with the wait as TokenBucket does, and counts per account and lane.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ChannelApiError, inLane, LANES, type Lane } from '../../connectors/index.js'
import { TokenBucket } from '../../connectors/shared/rate-limit.js'
import type { RateGate } from '../../connectors/types.js'
import { bucketKey, createBudget, type BudgetOptions } from '../../src/budget/index.js'
import { readApiBudgetUse, registerApiBudgetMetrics } from '../../src/metrics/api-budget.js'
import type { RedisClient } from '../../src/redis-client.js'
import { freePort } from '../helpers/hub-process.js'
import { deleteKeys } from '../helpers/hub.js'
import { testRedis } from '../helpers/redis.js'
import { seededRandom } from '../helpers/seeded-random.js'

const prefix = `hubt-${inject('runId')}-${randomBytes(4).toString('hex')}`
const redis = testRedis({ maxRetriesPerRequest: 1 })
const other = testRedis({ maxRetriesPerRequest: 1 })
afterAll(async () => {
  redis.disconnect()
  other.disconnect()
  await deleteKeys(prefix)
})

const T0 = 1_800_000_000_000
const BUCKET = 'GET /v3/orders/{purchaseOrderId}'

/**
 * A budget on a clock the test moves; `slept` lists each wait a caller was made to sleep. A sleep
 * returns at once, and moves the clock on only with `sleepMovesClock` (callers one at a time).
 */
function budgetAt(
  opts: BudgetOptions & {
    readonly connection?: RedisClient
    readonly sleepMovesClock?: boolean
  } = {},
) {
  const time = { now: T0 }
  const slept: number[] = []
  const { connection, sleepMovesClock, ...options } = opts
  const budget = createBudget(connection ?? redis, prefix, {
    now: () => time.now,
    sleep: (ms) => {
      slept.push(ms)
      if (sleepMovesClock) time.now += ms
      return Promise.resolve()
    },
    ...options,
  })
  return { budget, time, slept }
}

/** An account no other test uses, so its buckets start full. */
const freshAccount = () => `acct-${randomBytes(4).toString('hex')}`

type Outcome = { ok: true } | { ok: false; error: ChannelApiError }

/** One take in `lane`: granted, or the ChannelApiError it was refused with. */
async function take(gate: RateGate, lane: Lane): Promise<Outcome> {
  try {
    await inLane(lane, () => gate.take(`Walmart get order (${lane})`))
    return { ok: true }
  } catch (err) {
    if (!(err instanceof ChannelApiError)) throw err
    return { ok: false, error: err }
  }
}

/** How many takes in `lane` succeed in a row before the first refusal (at most `limit`). */
async function takesUntilRefused(gate: RateGate, lane: Lane, limit = 50): Promise<number> {
  for (let n = 0; n < limit; n++) if (!(await take(gate, lane)).ok) return n
  return limit
}

describe('the shared bucket', () => {
  it('never lets more calls go than burst + rate × time, and leaves none of the rate unused under load', async () => {
    const random = seededRandom()
    const plan = { perSecond: 4, burst: 6 }
    const { budget, time, slept } = budgetAt({ lowerMaxWaitMs: 0 })
    const gate = budget.forAccount('walmart', freshAccount())(BUCKET, plan)
    // A call goes when its take returns plus the wait it was made to sleep.
    const sent: number[] = []
    let first: number | undefined
    for (let i = 0; i < 400; i++) {
      time.now += Math.floor(random() * 120) // about 16 calls a second asked for, four times the rate
      first ??= time.now
      const lane = LANES[Math.floor(random() * LANES.length)]!
      slept.length = 0
      if ((await take(gate, lane)).ok) sent.push(time.now + slept.reduce((a, b) => a + b, 0))
    }
    sent.sort((a, b) => a - b)
    sent.forEach((at, i) => {
      const allowed = plan.burst + (plan.perSecond * (at - first!)) / 1000
      expect(i + 1, `call ${i + 1} went at +${at - first!} ms`).toBeLessThanOrEqual(allowed + 1e-9)
    })
    const end = time.now
    const sentByEnd = sent.filter((at) => at <= end).length
    expect(sentByEnd).toBeGreaterThanOrEqual(0.9 * ((plan.perSecond * (end - first!)) / 1000))
  })

  it('refills at its rate up to its burst', async () => {
    const { budget, time, slept } = budgetAt({ lowerMaxWaitMs: 0 })
    const gate = budget.forAccount('walmart', freshAccount())(BUCKET, { perSecond: 5, burst: 10 })
    for (let i = 0; i < 10; i++) expect(await take(gate, 'push')).toEqual({ ok: true })
    expect(slept).toEqual([])
    time.now += 1_000 // five tokens back
    for (let i = 0; i < 5; i++) expect(await take(gate, 'push')).toEqual({ ok: true })
    expect(slept).toEqual([])
    expect(await take(gate, 'push')).toEqual({ ok: true })
    expect(slept).toEqual([200])
    time.now += 60_000 // a long idle refills only up to the burst of 10
    // Poll leaves 2.25 of them: it takes seven.
    expect(await takesUntilRefused(gate, 'poll')).toBe(7)
  })

  it('keeps a reserve for urgent lanes that grows as the lane priority falls', async () => {
    const { budget, slept } = budgetAt({ lowerMaxWaitMs: 0 })
    // Burst 10: backfill leaves 6.75 tokens, reconcile 4.5, poll 2.25; push and hydrate none.
    const gate = budget.forAccount('walmart', freshAccount())(BUCKET, { perSecond: 1, burst: 10 })
    expect(await takesUntilRefused(gate, 'backfill')).toBe(3) // 10 → 7
    expect(await takesUntilRefused(gate, 'reconcile')).toBe(2) // 7 → 5
    expect(await takesUntilRefused(gate, 'poll')).toBe(2) // 5 → 3
    expect(slept).toEqual([])
    // Push takes the rest at once, then reserves ahead within its 2 s.
    expect(await takesUntilRefused(gate, 'push')).toBe(5)
    expect(slept).toEqual([1_000, 2_000])
  })

  it('refuses a lower lane while an urgent caller waits, though tokens are there, and serves it after', async () => {
    const { budget, time, slept } = budgetAt({ lowerMaxWaitMs: 0, urgentGraceMs: 1_000 })
    const gate = budget.forAccount('walmart', freshAccount())(BUCKET, { perSecond: 10, burst: 4 })
    for (let i = 0; i < 4; i++) expect(await take(gate, 'push')).toEqual({ ok: true })
    // The fifth push waits 100 ms for its token: lower lanes stay off until 1 s after that.
    expect(await take(gate, 'push')).toEqual({ ok: true })
    expect(slept).toEqual([100])

    time.now = T0 + 600 // the bucket is full again (4 tokens)
    const refused = await take(gate, 'poll')
    expect(refused.ok).toBe(false)
    const { error } = refused as { error: ChannelApiError }
    expect(error.kind).toBe('rate-limited')
    expect(error.details.retryAfterMs).toBe(500)
    expect(error.message).toContain('kept for stock pushes and order hydration waiting')
    // The tokens were there: an urgent caller gets one at once.
    slept.length = 0
    expect(await take(gate, 'hydrate')).toEqual({ ok: true })
    expect(slept).toEqual([])

    time.now = T0 + 1_100
    expect(await take(gate, 'poll')).toEqual({ ok: true })
  })

  it('lets a lower lane sleep through a short refusal inside take', async () => {
    const { budget, slept } = budgetAt({
      sleepMovesClock: true,
      urgentGraceMs: 300,
      lowerMaxWaitMs: 1_000,
    })
    const gate = budget.forAccount('walmart', freshAccount())(BUCKET, { perSecond: 10, burst: 1 })
    expect(await take(gate, 'push')).toEqual({ ok: true })
    expect(await take(gate, 'push')).toEqual({ ok: true }) // waits 100 ms; lower lanes off until +400
    expect(await take(gate, 'poll')).toEqual({ ok: true })
    expect(slept).toEqual([100, 300])
  })

  it('after a 429 refuses every lane of every process until the hold ends', async () => {
    const account = freshAccount()
    const plan = { perSecond: 1, burst: 10 }
    const a = budgetAt()
    const b = budgetAt({ connection: other })
    const gateA = a.budget.forAccount('amazon', account)('getOrder', plan)
    const gateB = b.budget.forAccount('amazon', account)('getOrder', plan)
    expect(await take(gateA, 'push')).toEqual({ ok: true })
    await inLane('hydrate', () => Promise.resolve(gateA.hold(5_000)))
    const key = bucketKey(prefix, 'amazon', account, 'getOrder')
    await expect.poll(() => redis.hget(key, 'hold')).toBe(String(T0 + 5_000))

    b.time.now = T0 + 1_000
    for (const lane of LANES) {
      const outcome = await take(gateB, lane)
      expect(outcome.ok, lane).toBe(false)
      const { error } = outcome as { error: ChannelApiError }
      expect(error.kind).toBe('rate-limited')
      expect(error.details.retryAfterMs).toBe(4_000)
      expect(error.message).toContain('answered 429')
    }
    // The channel's bucket was empty at the 429: five seconds later it holds five calls, not ten.
    b.time.now = T0 + 5_000
    expect(await takesUntilRefused(gateB, 'push', 6)).toBe(6)
    expect(b.slept).toEqual([1_000])
  })

  it('lets an urgent caller sleep through a hold shorter than its longest wait', async () => {
    const { budget, slept } = budgetAt({ sleepMovesClock: true })
    const account = freshAccount()
    const gate = budget.forAccount('walmart', account)(BUCKET, { perSecond: 5, burst: 5 })
    gate.hold(1_500)
    const key = bucketKey(prefix, 'walmart', account, BUCKET)
    await expect.poll(() => redis.hget(key, 'hold')).toBe(String(T0 + 1_500))
    expect(await take(gate, 'push')).toEqual({ ok: true })
    expect(slept).toEqual([1_500])
  })

  it('refuses an urgent caller whose wait is too long with a rate-limited error naming it, as TokenBucket does', async () => {
    const plan = { perSecond: 0.5, burst: 1 }
    const { budget, slept } = budgetAt()
    const account = freshAccount()
    const gate = budget.forAccount('walmart', account)(BUCKET, plan)
    const local = new TokenBucket(plan, { now: () => new Date(T0) }, 2_000, () => Promise.resolve())
    const shared: (number | undefined)[] = []
    const alone: (number | undefined)[] = []
    for (let i = 0; i < 3; i++) {
      const outcome = await take(gate, 'push')
      shared.push(outcome.ok ? undefined : outcome.error.details.retryAfterMs)
      alone.push(
        await local.take('x').then(
          () => undefined,
          (err: ChannelApiError) => err.details.retryAfterMs,
        ),
      )
    }
    expect(shared).toEqual([undefined, undefined, 4_000])
    expect(shared).toEqual(alone)
    expect(slept).toEqual([2_000])
    const refused = await take(gate, 'hydrate')
    const { error } = refused as { error: ChannelApiError }
    expect(error.retryable).toBe(true)
    expect(error.message).toBe(
      `Walmart get order (hydrate): rate limit reached, the shared API budget of walmart/${account} is used up (bucket "${BUCKET}", lane hydrate)`,
    )
  })

  it('uses Redis TIME when no clock is given, so every machine agrees', async () => {
    const budget = createBudget(redis, prefix)
    const account = freshAccount()
    const [s1, us1] = await redis.time()
    await inLane('push', () =>
      budget.forAccount('walmart', account)(BUCKET, { perSecond: 1, burst: 1 }).take('x'),
    )
    const [s2, us2] = await redis.time()
    const ts = Number(await redis.hget(bucketKey(prefix, 'walmart', account, BUCKET), 'ts'))
    expect(ts).toBeGreaterThanOrEqual(Math.floor(Number(s1) * 1000 + Number(us1) / 1000))
    expect(ts).toBeLessThanOrEqual(Number(s2) * 1000 + Number(us2) / 1000)
  })

  it('lets an idle bucket vanish once it would be full again, and keeps it through a hold', async () => {
    const { budget } = budgetAt({ idleMs: 5_000 })
    const account = freshAccount()
    const gate = budget.forAccount('walmart', account)(BUCKET, { perSecond: 2, burst: 10 })
    expect(await take(gate, 'push')).toEqual({ ok: true })
    const key = bucketKey(prefix, 'walmart', account, BUCKET)
    const ttl = await redis.pttl(key)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(500 + 5_000) // one token back at 2/s, plus idle
    gate.hold(60_000)
    await expect.poll(() => redis.pttl(key)).toBeGreaterThan(60_000)
    // Braces never reach the key, so a Redis Cluster hash tag stays the prefix's own.
    expect(key).not.toMatch(/\{|\}/)
  })

  it('fails transient, not parked, when Redis cannot be reached', async () => {
    const port = await freePort()
    const away = new Redis({ port, enableOfflineQueue: false, maxRetriesPerRequest: 0 })
    away.on('error', () => undefined)
    try {
      const gate = createBudget(away, prefix).forAccount('walmart', freshAccount())(BUCKET, {
        perSecond: 1,
        burst: 1,
      })
      const outcome = await take(gate, 'push')
      expect(outcome.ok).toBe(false)
      const { error } = outcome as { error: ChannelApiError }
      expect(error.kind).toBe('transient')
      expect(error.message).toContain('shared API budget in Redis could not be read')
    } finally {
      away.disconnect()
    }
  })

  it('refuses a plan or an option no bucket can keep, naming it', () => {
    const { budget } = budgetAt()
    const gates = budget.forAccount('walmart', 'acme')
    expect(() => gates('GET /v3/items', { perSecond: 0, burst: 5 })).toThrow(
      /bucket "GET \/v3\/items" of walmart\/acme .*perSecond must be a positive number/,
    )
    expect(() => gates('GET /v3/items', { perSecond: 1, burst: 0.5 })).toThrow(/burst at least 1/)
    expect(() => createBudget(redis, prefix, { maxWaitMs: -1 })).toThrow(/maxWaitMs must be/)
  })
})

describe('budget metrics', () => {
  it('counts calls, waits, refusals and 429s per account and lane, and renders them', async () => {
    const { budget } = budgetAt({ lowerMaxWaitMs: 0 })
    const account = freshAccount()
    const gate = budget.forAccount('walmart', account)(BUCKET, { perSecond: 1, burst: 1 })
    expect(await take(gate, 'push')).toEqual({ ok: true })
    expect(await take(gate, 'push')).toEqual({ ok: true }) // waits 1 s
    expect((await take(gate, 'poll')).ok).toBe(false)
    await inLane('hydrate', () => Promise.resolve(gate.hold(1_000)))

    // Counted on the same connection, so a read after them sees them.
    const use = await readApiBudgetUse(redis, prefix, { accountId: account })
    const byLane = Object.fromEntries(use.map((u) => [u.lane, u]))
    const zero = { calls: 0, throttled: 0, refused: 0, waitSeconds: 0 }
    const of = { channel: 'walmart', account }
    expect(byLane).toEqual({
      push: { ...of, lane: 'push', ...zero, calls: 2, waitSeconds: 1 },
      poll: { ...of, lane: 'poll', ...zero, refused: 1 },
      hydrate: { ...of, lane: 'hydrate', ...zero, throttled: 1 },
    })
    expect(
      await readApiBudgetUse(redis, prefix, { channel: 'amazon', accountId: account }),
    ).toEqual([])

    const registry = new Registry()
    registerApiBudgetMetrics(registry, { redis, prefix })
    const text = await registry.metrics()
    const labels = (lane: string) => `{channel="walmart",account="${account}",lane="${lane}"}`
    for (const name of [
      'hub_api_calls_total',
      'hub_api_throttled_total',
      'hub_api_refused_total',
      'hub_api_wait_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} counter`)
      expect(text).toMatch(new RegExp(`# HELP ${name} \\S`))
    }
    expect(text).toContain(`hub_api_calls_total${labels('push')} 2`)
    expect(text).toContain(`hub_api_wait_seconds_total${labels('push')} 1`)
    expect(text).toContain(`hub_api_refused_total${labels('poll')} 1`)
    expect(text).toContain(`hub_api_throttled_total${labels('hydrate')} 1`)
  })
})
