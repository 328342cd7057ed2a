// De-risks Redis going away under a running hub: /readyz must say "not ready" at once rather than
// hang, Bull Board must answer 503 at once, webhooks must still be stored, the log must say it in
// a few lines (not a line per reconnect of every connection: ~1,300 in 40 s before), and all of it
// must recover when Redis is back. Redis is reached through a local proxy the test stops and
// starts, so the shared Redis is never touched.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../../global-setup.js'
import { signShopify } from '../../../src/sandbox/shopify/sign.js'
import { loadFixture } from '../../helpers/fixtures.js'
import { deleteKeys } from '../../helpers/hub.js'
import {
  STACK_TRACE,
  freePort,
  spawnHub,
  startTcpProxy,
  waitForLine,
  type HubProcess,
  type TcpProxy,
} from '../../helpers/hub-process.js'
import { SANDBOX_SHOPIFY_SECRET } from '../../helpers/shopify-webhooks.js'
import { TEST_REDIS_URL, databaseUrl } from '../../services.js'

const suffix = randomBytes(4).toString('hex')
const database = `hub_t_redis_away_${suffix}`
const prefix = `hubt-redis-away-${suffix}`
const ADMIN_TOKEN = `redis-away-admin-token-${suffix}`
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

let proxy: TcpProxy
let hub: HubProcess
let base: string

beforeAll(async () => {
  const redis = new URL(TEST_REDIS_URL)
  proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) })
  hub = spawnHub(['start'], {
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    SANDBOX_EMULATOR_PORT: String(await freePort()),
    ADMIN_TOKEN,
    LOG_LEVEL: 'info',
    STARTUP_RETRY_SECONDS: '5',
    // Sweeps need Redis: every second, so a sweep failing per pass would show in the line count.
    SWEEP_INTERVAL_MS: '1000',
    // Within the test's timeout, so a stuck shutdown shows its own "timed out waiting for" line.
    SHUTDOWN_TIMEOUT_MS: '15000',
  })
  const started = JSON.parse(await waitForLine(hub, /marketplace-hub started/)) as { port: number }
  base = `http://127.0.0.1:${started.port}`
}, 40_000)

afterAll(async () => {
  hub.child.kill('SIGKILL')
  await proxy.close()
  await admin((c) => c.query(`drop database if exists ${database} with (force)`))
  await deleteKeys(prefix)
})

/** Fetches, failing the test if the answer takes longer than `ms` (a hang is the bug). */
async function promptly(url: string, init: RequestInit = {}, ms = 1_500): Promise<Response> {
  const started = Date.now()
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ms) })
  expect(Date.now() - started).toBeLessThan(ms)
  return res
}

async function sendWebhook(): Promise<Response> {
  const fx = loadFixture('shopify', 'orders-create/basic')
  const headers = {
    ...fx.headers,
    'x-shopify-webhook-id': `redis-away-${randomBytes(6).toString('hex')}`,
    'x-shopify-hmac-sha256': signShopify(fx.body, SANDBOX_SHOPIFY_SECRET),
  }
  return fetch(`${base}/webhooks/shopify/demo`, { method: 'POST', headers, body: fx.body })
}

// One story: Redis there, away, back, then shutdown; each step starts where the last left the hub.
describe('Redis goes away while the hub runs, then comes back', { shuffle: false }, () => {
  it('is ready, and Bull Board answers, while Redis is there', async () => {
    expect((await promptly(`${base}/readyz`)).status).toBe(200)
    expect((await promptly(`${base}/admin/queues/api/queues`, { headers: auth })).status).toBe(200)
  })

  it('while away: /readyz 503 naming Redis, Bull Board 503, webhooks still stored, a few log lines', async () => {
    const before = hub.output().length
    await proxy.stop()
    await waitForLine(hub, /Redis \(REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\) is unreachable/, {
      from: before,
      timeoutMs: 5_000,
    })

    const ready = await promptly(`${base}/readyz`)
    expect(ready.status).toBe(503)
    const body = (await ready.json()) as { status: string; checks: Record<string, string> }
    expect(body.status).toBe('not ready')
    expect(body.checks.postgres).toBe('ok')
    expect(body.checks.redis).toMatch(/^unreachable/)

    const board = await promptly(`${base}/admin/queues/api/queues`, { headers: auth })
    expect(board.status).toBe(503)
    expect(board.headers.get('retry-after')).toBe('5')
    expect(await board.json()).toMatchObject({
      error: expect.stringMatching(/Redis is unreachable/),
    })

    // PostgreSQL is the record: a webhook is still accepted (the sweeper queues it later).
    expect((await sendWebhook()).status).toBe(200)

    // Four seconds of reconnect attempts by every connection, sweeps every second: before the
    // watch, ~300 lines (912 were counted in 12 s).
    await new Promise((r) => setTimeout(r, 4_000))
    const lines = hub.output().slice(before).trim().split('\n')
    expect(lines.filter((l) => /is unreachable/.test(l))).toHaveLength(1)
    expect(hub.output().slice(before)).not.toMatch(STACK_TRACE)
    // The down line, the webhook's intake warning, at most a reminder: nowhere near hundreds.
    expect(lines.length).toBeLessThanOrEqual(8)
  }, 20_000)

  it('when back: one line saying so, ready again, Bull Board answers again', async () => {
    const before = hub.output().length
    await proxy.start()
    await waitForLine(hub, /Redis \(REDIS_URL=.*\) is reachable again after \d+s/, {
      from: before,
      timeoutMs: 10_000,
    })
    await expect
      .poll(async () => (await promptly(`${base}/readyz`)).status, { timeout: 5_000 })
      .toBe(200)
    expect((await promptly(`${base}/admin/queues/api/queues`, { headers: auth })).status).toBe(200)
    expect((await sendWebhook()).status).toBe(200)
  })

  it('still shuts down cleanly afterwards', async () => {
    hub.child.kill('SIGTERM')
    expect(await hub.exited, hub.output().slice(-2_000)).toBe(0)
    expect(hub.output()).toMatch(/shutdown complete/)
  })
})
