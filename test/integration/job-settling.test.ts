// De-risks the one place step outcomes become BullMQ behaviour (workers/settle.ts), on a real
// Redis: `done` completes the job; `permanent` fails it at once with attempts left; `retry` spends
// an attempt and waits at least Retry-After; `later` waits without spending one, the job alone or,
// when the limit is the whole queue's, the queue.
import { randomBytes } from 'node:crypto'
import { Queue, Worker, type Job } from 'bullmq'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { StepResult } from '../../src/pipeline/step-result.js'
import { queuePrefix } from '../../src/queues/index.js'
import { hubBackoff } from '../../workers/attempts.js'
import { settle } from '../../workers/settle.js'
import { deleteKeys } from '../helpers/hub.js'
import { testRedis } from '../helpers/redis.js'
import { TEST_REDIS_IS_CLUSTER } from '../services.js'

const prefix = `hubt-${inject('runId')}-${randomBytes(4).toString('hex')}`
const connection = testRedis({ maxRetriesPerRequest: null })
// Each queue in a slot of its own on a cluster, as the hub's (src/queues/key-layout.ts).
const layout = { prefix, tagEachQueue: TEST_REDIS_IS_CLUSTER }
afterAll(async () => {
  connection.disconnect()
  await deleteKeys(prefix)
})

const MINUTE = 60_000

/** Runs one job (3 attempts allowed) whose first run ends with `result`; returns it after that run. */
async function settleOnce(result: StepResult, opts: { queueWide?: boolean } = {}) {
  const name = `settle-${result.kind}-${randomBytes(3).toString('hex')}`
  const queue = new Queue(name, { connection, prefix: queuePrefix(layout, name) })
  const added = await queue.add('probe', {}, { attempts: 3, backoff: { type: 'hub', delay: 1 } })
  let runs = 0
  const worker = new Worker(
    name,
    async (job, token) => {
      runs++
      await settle(result, { job, token, ...(opts.queueWide ? { queueWide: queue } : {}) })
    },
    {
      connection,
      prefix: queuePrefix(layout, name),
      settings: { backoffStrategy: hubBackoff(10 * MINUTE) },
      ...(opts.queueWide ? { limiter: { max: 100, duration: 1_000 } } : {}),
    },
  )
  // Closing a worker on a cluster can cut its blocking connection's slot-map refresh short, which
  // it reports as an error event; what is checked here is the job's outcome.
  worker.on('error', () => undefined)
  try {
    await expect.poll(() => runs, { timeout: 5_000 }).toBe(1)
    // The first run has ended once the job is no longer active.
    await expect.poll(() => queue.getJobState(added.id!), { timeout: 5_000 }).not.toBe('active')
    const job = (await queue.getJob(added.id!)) as Job
    // A delayed job's score is its due time × 0x1000 (BullMQ packs a counter below it).
    const score = await connection.zscore(`${queuePrefix(layout, name)}:${name}:delayed`, added.id!)
    return {
      state: await queue.getJobState(added.id!),
      attemptsMade: job.attemptsMade,
      failedReason: job.failedReason,
      dueInMs: score === null ? undefined : Math.floor(Number(score) / 0x1000) - Date.now(),
      // -2: no rate limit is set on the queue.
      rateLimitTtlMs: await queue.getRateLimitTtl(),
      runs,
    }
  } finally {
    await worker.close()
    await queue.close()
  }
}

describe('settling a step result', () => {
  it('done: completes the job', async () => {
    expect(await settleOnce({ kind: 'done' })).toMatchObject({ state: 'completed', runs: 1 })
  })

  it('permanent: fails it at once, although attempts remain', async () => {
    expect(await settleOnce({ kind: 'permanent', reason: 'bad payload' })).toMatchObject({
      state: 'failed',
      attemptsMade: 1,
      failedReason: 'bad payload',
    })
  })

  it('retry: spends an attempt and waits no less than Retry-After', async () => {
    const settled = await settleOnce({ kind: 'retry', reason: '503', retryAfterMs: 5 * MINUTE })
    expect(settled).toMatchObject({ state: 'delayed', attemptsMade: 1 })
    expect(settled.dueInMs).toBeGreaterThan(4 * MINUTE)
  })

  it('later: parks the job alone without spending an attempt', async () => {
    const settled = await settleOnce({ kind: 'later', reason: '429', delayMs: 5 * MINUTE })
    expect(settled).toMatchObject({ state: 'delayed', attemptsMade: 0, rateLimitTtlMs: -2 })
    expect(settled.dueInMs).toBeGreaterThan(4 * MINUTE)
  })

  it('later, queue-wide: holds the whole queue back without spending an attempt', async () => {
    const settled = await settleOnce(
      { kind: 'later', reason: '429', delayMs: 5 * MINUTE },
      { queueWide: true },
    )
    expect(settled).toMatchObject({ state: 'waiting', attemptsMade: 0, dueInMs: undefined })
    expect(settled.rateLimitTtlMs).toBeGreaterThan(4 * MINUTE)
  })
})
