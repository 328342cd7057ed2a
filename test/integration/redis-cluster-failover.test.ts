// De-risks the sweeper's guarantee on a Redis Cluster (issue 19): a master is killed with SIGKILL
// while webhooks arrive, its replica takes over its slots, and every webhook answered 200 is still
// normalized exactly once (one order and one order.created.v1 each, the feed without a gap). The
// cluster is this file's own (ports 7200-7205, scripts/redis-cluster.sh), so killing a node cannot
// disturb the other files. The API and the workers are separate hubs on one database, as in
// production: the API's webhooks then go through the inbound queue, whose master is the one killed.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDeps, createDeps, type Deps } from '../../src/deps.js'
import { createLogger } from '../../src/logger.js'
import { startWorkers, type RunningWorkers } from '../../workers/index.js'
import { useTestHub } from '../helpers/hub.js'
import {
  expectEachOrderOnce,
  inboxCount,
  orderWebhook,
  reportFault,
  waitUntilAllNormalized,
} from '../helpers/load.js'
import { postShopify } from '../helpers/shopify-webhooks.js'

const SCRIPT = fileURLToPath(new URL('../../scripts/redis-cluster.sh', import.meta.url))
const BASE_PORT = 7200
const SEEDS = [0, 1, 2].map((i) => `redis://127.0.0.1:${BASE_PORT + i}`).join(',')

function cluster(command: 'start' | 'stop'): void {
  const run = spawnSync(SCRIPT, [command, String(BASE_PORT)], { encoding: 'utf8', timeout: 60_000 })
  if (run.status !== 0) throw new Error(`redis-cluster.sh ${command}: ${run.stderr}${run.stdout}`)
}

// Registered before the hub's hooks: the cluster is up before the hub connects, and stopped after
// it has closed (afterAll hooks run in reverse).
beforeAll(() => cluster('start'))
afterAll(() => cluster('stop'))

const env = { REDIS_URL: SEEDS, SWEEP_GRACE_MS: '300', SWEEP_INTERVAL_MS: '200' }
const api = useTestHub({ env })
let workerDeps: Deps | undefined
let workers: RunningWorkers | undefined
beforeAll(() => {
  workerDeps = createDeps(api.config, { log: createLogger({ level: api.config.log.level }) })
  workers = startWorkers(workerDeps)
})
afterAll(async () => {
  // Bounded, as the process's own shutdown is (SHUTDOWN_TIMEOUT_MS): once in a full run a worker's
  // close waited past the hook's 60 s after the failover (a command queued for the dead master;
  // noted in the closing note), and the cluster was then left running.
  const closed = workers?.close()
  await Promise.race([closed, new Promise((done) => setTimeout(done, 15_000).unref())])
  if (workerDeps) await closeDeps(workerDeps)
}, 40_000)

/** The master serving `key`'s slot, as a node of the cluster says: its port. */
async function masterOf(node: Redis, key: string): Promise<number> {
  const slot = (await node.call('CLUSTER', 'KEYSLOT', key)) as number
  const ranges = (await node.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]
  const range = ranges.find(([from, to]) => slot >= from && slot <= to)
  if (!range) throw new Error(`no master serves slot ${slot}`)
  return range[2][1]
}

/** The node's process id, from the node itself. */
async function pidOf(port: number): Promise<number> {
  const node = new Redis({ port, lazyConnect: true })
  try {
    await node.connect()
    return Number(/^process_id:(\d+)/m.exec(await node.info('server'))?.[1])
  } finally {
    node.disconnect()
  }
}

const TOTAL = 600
const BATCH = 30

describe('a Redis Cluster master killed mid-load', () => {
  it('loses nothing: its replica takes over and every accepted webhook is normalized once', async () => {
    // Any key of the inbound queue names its slot (src/queues/key-layout.ts).
    const inboundKey = `${api.config.queues.prefix}:{inbound}:inbound:wait`
    const accepted: string[] = []
    let killedPort = 0
    let survivor: Redis | undefined
    let waitingAtKill = 0
    let killedAt = 0
    try {
      for (let i = 0; i < TOTAL; i += BATCH) {
        const batch = Array.from({ length: BATCH }, (_, k) =>
          postShopify(api.app, orderWebhook('failover', i + k)).then(async (res) => {
            if (res.status === 200) accepted.push(((await res.json()) as { id: string }).id)
          }),
        )
        await Promise.all(batch)
        if (killedPort === 0 && i >= TOTAL / 3) {
          const seed = new Redis({ port: BASE_PORT })
          killedPort = await masterOf(seed, inboundKey)
          seed.disconnect()
          survivor = new Redis({ port: killedPort === BASE_PORT ? BASE_PORT + 1 : BASE_PORT })
          waitingAtKill = await inboxCount(api.deps.db, 'received')
          process.kill(await pidOf(killedPort), 'SIGKILL')
          killedAt = Date.now()
        }
      }
      // The replica took the dead master's slots (cluster-node-timeout is 2 s).
      const node = survivor as Redis
      await expect
        .poll(() => masterOf(node, inboundKey), { timeout: 20_000, interval: 250 })
        .not.toBe(killedPort)
    } finally {
      survivor?.disconnect()
    }
    // Writing to PostgreSQL never waits for Redis: every webhook was answered 200.
    expect(accepted.length).toBe(TOTAL)
    // Work was in flight in Redis when the master died.
    expect(waitingAtKill).toBeGreaterThan(0)

    await waitUntilAllNormalized(api.deps.db)
    await expectEachOrderOnce(api.deps.db, TOTAL)
    const stored = await api.deps.db
      .selectFrom('inbox_message')
      .select('id')
      .where('status', '=', 'normalized')
      .execute()
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(accepted))
    // The feed: every event relayed, positions without a gap or a repeat.
    await expect
      .poll(
        async () =>
          (
            await api.deps.db
              .selectFrom('outbox_event')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('position', 'is', null)
              .executeTakeFirstOrThrow()
          ).n,
        { timeout: 30_000, interval: 250 },
      )
      .toBe('0')
    const feed = await api.deps.db
      .selectFrom('outbox_event')
      .select((eb) => [
        eb.fn.countAll().as('n'),
        eb.fn.count('position').distinct().as('distinct'),
        eb.fn.min('position').as('first'),
        eb.fn.max('position').as('last'),
      ])
      .executeTakeFirstOrThrow()
    expect(Number(feed.distinct)).toBe(Number(feed.n))
    expect(Number(feed.last) - Number(feed.first) + 1).toBe(Number(feed.n))

    await reportFault(api.deps.db, 'Redis Cluster master SIGKILL mid-load', {
      accepted: accepted.length,
      waitingAtKill,
      recoveryMs: Date.now() - killedAt,
    })
    // Each wait above is bounded; together they may take this long on a loaded machine.
  }, 180_000)
})
