// De-risks the two README commands' runtime half: `hub start` with no configuration creates its
// database, migrates, comes up in sandbox mode saying so, accepts a signed webhook with the
// published demo secret, and shuts down cleanly on SIGTERM, an open event stream included. Runs
// the real entry point in a child process.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin } from '../global-setup.js'
import { signShopify } from '../../src/sandbox/shopify/sign.js'
import { openEventStream } from '../helpers/event-stream.js'
import { loadFixture } from '../helpers/fixtures.js'
import { deleteKeys } from '../helpers/hub.js'
import { SANDBOX_SHOPIFY_SECRET } from '../helpers/shopify-webhooks.js'
import { TEST_REDIS_URL, databaseUrl } from '../services.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const database = `hub_t_start_${randomBytes(4).toString('hex')}`
const prefix = `hubt-start-${randomBytes(4).toString('hex')}`

afterAll(async () => {
  await admin((c) => c.query(`drop database if exists ${database} with (force)`))
  await deleteKeys(prefix)
})

interface Hub {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<number | null>
}

function startHub(args: readonly string[], env: Record<string, string>): Hub {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    // eslint-disable-next-line no-restricted-properties -- the child needs PATH etc.; no HUB_CONFIG
    env: { ...process.env, HUB_CONFIG: '', ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

async function waitForLine(hub: Hub, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const line = hub
      .output()
      .split('\n')
      .find((l) => pattern.test(l))
    if (line) return line
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no line matching ${pattern} in:\n${hub.output()}`)
}

/** A port nothing listens on now (another test file's sandbox may hold the default 3001). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

let emulatorPort: number
beforeAll(async () => {
  emulatorPort = await freePort()
})

describe('hub start', () => {
  it('with no configuration: creates the database, runs in sandbox mode, stops cleanly on SIGTERM', async () => {
    const hub = startHub(['start'], {
      DATABASE_URL: databaseUrl(database),
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      PORT: '0',
      SANDBOX_EMULATOR_PORT: String(emulatorPort),
      LOG_LEVEL: 'info',
    })
    try {
      const started = JSON.parse(await waitForLine(hub, /marketplace-hub started/)) as {
        port: number
        mode: string
      }
      expect(started.mode).toBe('sandbox')
      expect(hub.output()).toMatch(/"msg":"created database"/)
      // Written right after the "started" line, but through another stream: it may come later.
      await waitForLine(hub, /SANDBOX MODE/)
      const token = /admin token \(this run only\): (\S+)/.exec(
        await waitForLine(hub, /admin token/),
      )?.[1]
      expect(token).toMatch(/^hub_admin_/)

      const base = `http://127.0.0.1:${started.port}`
      expect((await fetch(`${base}/readyz`)).status).toBe(200)
      // The demo accounts' channel APIs: the emulator answers, in the channel's own terms.
      expect(hub.output()).toContain(
        `marketplace emulator (the demo accounts' channel APIs): http://127.0.0.1:${emulatorPort}`,
      )
      const token401 = await fetch(`http://127.0.0.1:${emulatorPort}/walmart/v3/orders/1`, {
        headers: { accept: 'application/json', 'wm_svc.name': 'x', 'wm_qos.correlation_id': 'y' },
      })
      expect(token401.status).toBe(401)
      expect(
        (await fetch(`${base}/v1/subscriptions`, { headers: { authorization: `Bearer ${token}` } }))
          .status,
      ).toBe(200)
      const fx = loadFixture('shopify', 'orders-create/basic')
      const res = await fetch(`${base}/webhooks/shopify/demo`, {
        method: 'POST',
        headers: {
          ...fx.headers,
          'x-shopify-hmac-sha256': signShopify(fx.body, SANDBOX_SHOPIFY_SECRET),
        },
        body: fx.body,
      })
      expect(res.status).toBe(200)
      await waitForLine(hub, /relay leader/)
      // An open stream is a request in flight: shutdown must end it, not wait for it.
      const stream = await openEventStream(base, '/v1/events/stream', {
        authorization: `Bearer ${token}`,
      })
      expect(stream.status).toBe(200)

      hub.child.kill('SIGTERM')
      expect(await hub.exited).toBe(0)
      expect(hub.output()).toMatch(/shutdown complete/)
      expect(await stream.ended).toBe('closed')
    } finally {
      hub.child.kill('SIGKILL')
    }
  })

  it('refuses a bad configuration, naming each problem, and exits 1', async () => {
    const hub = startHub(['start'], { PORT: 'eighty', QUEUE_PREFIX: 'a:b' })
    expect(await hub.exited).toBe(1)
    expect(hub.output()).toMatch(/invalid configuration:\n {2}- PORT: .*\n {2}- QUEUE_PREFIX: /)
  })

  it('refuses a retention shorter than the replay window, in one message, and exits 1', async () => {
    const hub = startHub(['start'], {
      RETENTION_INBOX_DAYS: '5',
      RETENTION_OUTBOX_DAYS: '30',
      REPLAY_WINDOW_DAYS: '7',
    })
    expect(await hub.exited).toBe(1)
    expect(hub.output()).toMatch(
      /invalid configuration:\n {2}- RETENTION_INBOX_DAYS: 5 days is shorter than REPLAY_WINDOW_DAYS \(7\)/,
    )
    expect(hub.output()).not.toMatch(/RETENTION_OUTBOX_DAYS/)
  })

  it('refuses a Redis Cluster named twice and a prefix that cannot hash-tag, one line each', async () => {
    const hub = startHub(['start'], {
      REDIS_URL: 'redis://10.0.0.1:6379',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000',
      QUEUE_PREFIX: '{}',
    })
    expect(await hub.exited).toBe(1)
    expect(hub.output()).toMatch(
      /invalid configuration:\n {2}- QUEUE_PREFIX: "\{\}" cannot hash-tag: .*\n {2}- REDIS_CLUSTER_NODES: set either REDIS_URL .* not both\n/,
    )
  })

  it('refuses an unknown role as a usage error', async () => {
    const hub = startHub(['start', '--role', 'both'], {})
    expect(await hub.exited).toBe(2)
    expect(hub.output()).toMatch(/--role must be api, worker or all/)
  })
})
