// De-risks what a new user sees when a dependency is missing at start-up: PostgreSQL or Redis not
// there, a role PostgreSQL or Redis refuses, the emulator's port taken. Each ends in exit code 1
// with one line naming the dependency, the variable to fix (password redacted) and the cause; no
// stack trace, no "running" banner, a bounded number of lines, and no retrying what cannot heal.
import { randomBytes } from 'node:crypto'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { admin } from '../../global-setup.js'
import { deleteKeys } from '../../helpers/hub.js'
import { STACK_TRACE, freePort, spawnHub, type HubProcess } from '../../helpers/hub-process.js'
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL, databaseUrl } from '../../services.js'

const suffix = randomBytes(4).toString('hex')
const database = `hub_t_startup_${suffix}`
const prefix = `hubt-startup-${suffix}`
const noCreateRole = `hub_t_nocreate_${suffix}`

afterAll(async () => {
  await admin(async (c) => {
    await c.query(`drop database if exists ${database} with (force)`)
    await c.query(`drop role if exists ${noCreateRole}`)
  })
  await deleteKeys(prefix)
})

/** A hub started with working defaults for everything but what the test breaks. */
function start(env: Record<string, string>): HubProcess {
  return spawnHub(['start'], {
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'info',
    STARTUP_RETRY_SECONDS: '2',
    ...env,
  })
}

/** `base` with another user (and optionally password and database), for a start refused for good. */
function withUser(base: string, user: string, opts: { password?: string; database?: string } = {}) {
  const url = new URL(base)
  url.username = user
  if (opts.password !== undefined) url.password = opts.password
  if (opts.database !== undefined) url.pathname = `/${opts.database}`
  return url.toString()
}

/** A start whose credentials can never work: a long retry allowance it must not use. */
async function startRefused(env: Record<string, string>): Promise<HubProcess> {
  return start({
    ...env,
    STARTUP_RETRY_SECONDS: '60',
    SANDBOX_EMULATOR_PORT: String(await freePort()),
  })
}

/** What every failed start must look like. */
async function expectCleanFailure(hub: HubProcess, finalLine: RegExp): Promise<void> {
  expect(await hub.exited).toBe(1)
  const lines = hub.stderr().trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(finalLine)
  expect(hub.output()).not.toMatch(STACK_TRACE)
  expect(hub.output()).not.toMatch(/marketplace-hub started|running in SANDBOX MODE/)
  expect(hub.output().trim().split('\n').length).toBeLessThanOrEqual(12)
}

function closedPortUrl(scheme: string, port: number, auth: string, path = ''): string {
  return `${scheme}://${auth}@127.0.0.1:${port}${path}`
}

describe.concurrent('PostgreSQL missing or refusing', () => {
  it('not listening: one line per attempt naming DATABASE_URL (password redacted), then exit 1', async () => {
    const port = await freePort()
    const started = Date.now()
    const hub = start({
      DATABASE_URL: closedPortUrl('postgres', port, 'postgres:hunter2-secret', '/hub'),
      SANDBOX_EMULATOR_PORT: String(await freePort()),
    })
    await expectCleanFailure(
      hub,
      /^PostgreSQL \(DATABASE_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/hub\) could not be reached within 2s: connection refused.*STARTUP_RETRY_SECONDS/,
    )
    // Most of this is starting a TypeScript process on a loaded machine (over 15 s seen in a full
    // run); the retries themselves stop after 2 s, which the attempt count below bounds.
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(hub.output()).not.toContain('hunter2-secret')
    const attempts = hub
      .stdout()
      .split('\n')
      .filter((l) => /PostgreSQL \(DATABASE_URL=.*\) is not reachable: connection refused/.test(l))
    expect(attempts.length).toBeGreaterThanOrEqual(2)
    expect(attempts.length).toBeLessThanOrEqual(6)
  })

  it('an unknown role is not retried: it fails at once, saying authentication failed', async () => {
    const started = Date.now()
    const hub = await startRefused({
      DATABASE_URL: withUser(TEST_PG_ADMIN_URL, `no_such_role_${suffix}`, { database }),
    })
    await expectCleanFailure(
      hub,
      new RegExp(
        `^PostgreSQL \\(DATABASE_URL=.*no_such_role_${suffix}.*\\) refused the connection: authentication failed: .*role "no_such_role_${suffix}" does not exist\\. Fix DATABASE_URL`,
      ),
    )
    // Well under the 60 s (STARTUP_RETRY_SECONDS) a retried refusal would take.
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(hub.stdout()).not.toMatch(/retrying/)
  })

  it('a database the role may not create is not retried: permission denied, exit 1', async () => {
    await admin((c) => c.query(`create role ${noCreateRole} login nocreatedb`))
    const hub = await startRefused({
      DATABASE_URL: withUser(TEST_PG_ADMIN_URL, noCreateRole, {
        database: `hub_t_missing_${suffix}`,
      }),
    })
    await expectCleanFailure(
      hub,
      /^PostgreSQL \(DATABASE_URL=.*\) refused the connection: permission denied: permission denied to create database\. Fix DATABASE_URL/,
    )
  })
})

describe('Redis missing or refusing', () => {
  it('not listening: no banner, one line per attempt naming REDIS_URL, then exit 1', async () => {
    const port = await freePort()
    const hub = start({
      REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}`,
      SANDBOX_EMULATOR_PORT: String(await freePort()),
    })
    await expectCleanFailure(
      hub,
      /^Redis \(REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\) could not be reached within 2s: connection refused/,
    )
    expect(hub.output()).not.toContain('s3cret-pass')
    const attempts = hub
      .stdout()
      .split('\n')
      .filter((l) => /Redis \(REDIS_URL=.*\) is not reachable/.test(l))
    expect(attempts.length).toBeGreaterThanOrEqual(2)
    expect(attempts.length).toBeLessThanOrEqual(6)
  })

  it('a user Redis refuses is not retried: authentication failed, exit 1', async () => {
    const hub = await startRefused({
      REDIS_URL: withUser(TEST_REDIS_URL, `nobody_${suffix}`, { password: 'wrong' }),
    })
    await expectCleanFailure(
      hub,
      /^Redis \(REDIS_URL=redis:\/\/nobody_\w+:\*\*\*@.*\) refused the connection: authentication failed: WRONGPASS/,
    )
  })
})

describe("the sandbox emulator's port", () => {
  it('held by another program: the hub does not run on; it names the port and SANDBOX_EMULATOR_PORT', async () => {
    const holder: Server = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as AddressInfo).port
    try {
      const hub = start({ SANDBOX_EMULATOR_PORT: String(port) })
      await expectCleanFailure(
        hub,
        new RegExp(
          `^the marketplace emulator cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use \\(EADDRINUSE\\)\\. Set SANDBOX_EMULATOR_PORT to a free port\\.$`,
        ),
      )
    } finally {
      await new Promise((resolve) => holder.close(resolve))
    }
  })
})
