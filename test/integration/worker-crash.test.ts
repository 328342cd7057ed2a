// De-risks invariant 1 (DESIGN §10) against the crudest failure: a worker process is killed with
// SIGKILL in the middle of a batch of 1,000 webhooks (transactions cut off, jobs left active and
// locked). After a new worker starts, every accepted webhook is normalized exactly once in effect:
// 1,000 orders and 1,000 order.created.v1 events, none missing, none twice. Runs the real entry
// point (`hub start --role worker`) in child processes; intake runs in this process.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
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

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const hub = useTestHub()
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

function startWorker(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'start', '--role', 'worker'],
    {
      cwd: ROOT,
      env: {
        // eslint-disable-next-line no-restricted-properties -- the child needs PATH etc.
        ...process.env,
        HUB_CONFIG: '',
        ADMIN_TOKEN: '',
        DATABASE_URL: hub.config.db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: hub.config.queues.prefix,
        LOG_LEVEL: 'warn',
        SWEEP_INTERVAL_MS: '500',
        SWEEP_GRACE_MS: '1000',
        // The killed worker's jobs stay locked this long, and are looked for this often, before
        // another takes them over (BullMQ's defaults: 30 s each, which made this test a minute).
        JOB_LOCK_MS: '3000',
        JOB_STALLED_INTERVAL_MS: '500',
      },
      stdio: 'ignore',
    },
  )
  children.push(child)
  return child
}

const TOTAL = 1_000

describe('a worker killed with SIGKILL mid-batch', () => {
  it('leaves nothing missing and nothing doubled once another worker takes over', async () => {
    for (let i = 0; i < TOTAL; i += 100) {
      const batch = Array.from({ length: 100 }, (_, k) => {
        return postShopify(hub.app, orderWebhook('sigkill', i + k)).then((res) =>
          expect(res.status).toBe(200),
        )
      })
      await Promise.all(batch)
    }
    expect(await inboxCount(hub.deps.db)).toBe(TOTAL)

    const first = startWorker()
    // Kill it while it is busy: some messages done, most not.
    await vi.waitFor(
      async () => expect(await inboxCount(hub.deps.db, 'normalized')).toBeGreaterThan(50),
      {
        timeout: 60_000,
        interval: 20,
      },
    )
    first.kill('SIGKILL')
    const killedAt = Date.now()
    await new Promise((resolve) => first.once('exit', resolve))
    const doneAtKill = await inboxCount(hub.deps.db, 'normalized')
    expect(doneAtKill).toBeLessThan(TOTAL)

    startWorker()
    // Jobs the dead worker held become "stalled" once their locks lapse and a stalled-job check
    // finds them (JOB_LOCK_MS, JOB_STALLED_INTERVAL_MS above), and run again; the rest continue.
    await waitUntilAllNormalized(hub.deps.db)
    expect(await inboxCount(hub.deps.db, 'normalized')).toBe(TOTAL)
    await expectEachOrderOnce(hub.deps.db, TOTAL)
    await reportFault(hub.deps.db, 'worker SIGKILL mid-batch', {
      accepted: TOTAL,
      normalizedAtKill: doneAtKill,
      recoveryMs: Date.now() - killedAt,
    })
  }, 240_000)
})
