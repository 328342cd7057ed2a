// De-risks the start-up probe's mode check (issue 19): a hub configured for one Redis but pointed
// at a Redis Cluster node, or configured for a cluster but pointed at a plain Redis, would start
// and then fail on every other key (MOVED) or never become ready. Either stops start-up at once
// with one line naming what to set, exit 1, and no retrying. Runs in the integration-cluster
// project, where both a cluster and the plain Redis are there.
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { admin } from '../../global-setup.js'
import { STACK_TRACE, freePort, spawnHub, type HubProcess } from '../../helpers/hub-process.js'
import { TEST_REDIS_CLUSTER_URL, TEST_REDIS_NODE_URL, databaseUrl } from '../../services.js'

const database = `hub_t_redis_mode_${randomBytes(4).toString('hex')}`
afterAll(() => admin((c) => c.query(`drop database if exists ${database} with (force)`)))

/** A hub with working defaults but for Redis; a long retry allowance it must not use. */
async function start(env: Record<string, string>): Promise<HubProcess> {
  return spawnHub(['start'], {
    DATABASE_URL: databaseUrl(database),
    QUEUE_PREFIX: `hubt-redis-mode-${randomBytes(4).toString('hex')}`,
    PORT: '0',
    LOG_LEVEL: 'info',
    STARTUP_RETRY_SECONDS: '60',
    SANDBOX_EMULATOR_PORT: String(await freePort()),
    ...env,
  })
}

async function expectOneLine(hub: HubProcess, line: RegExp): Promise<void> {
  expect(await hub.exited).toBe(1)
  const lines = hub.stderr().trim().split('\n')
  expect(lines).toEqual([expect.stringMatching(line)])
  expect(hub.output()).not.toMatch(STACK_TRACE)
  expect(hub.output()).not.toMatch(/is not reachable|retrying/)
  expect(hub.output()).not.toMatch(/marketplace-hub started|running in SANDBOX MODE/)
}

describe.concurrent('Redis configured as one kind and found the other', () => {
  it('REDIS_URL at a cluster node: exit 1, telling to list the nodes in REDIS_CLUSTER_NODES', async () => {
    const node = TEST_REDIS_CLUSTER_URL.split(',')[0] as string
    const hub = await start({ REDIS_URL: node })
    await expectOneLine(
      hub,
      /^Redis \(REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\) is a Redis Cluster node \(cluster_enabled:1\): .* List the cluster's nodes in REDIS_CLUSTER_NODES/,
    )
  })

  it('REDIS_CLUSTER_NODES at a plain Redis: exit 1, telling to set REDIS_URL instead', async () => {
    const url = new URL(TEST_REDIS_NODE_URL)
    const hub = await start({ REDIS_CLUSTER_NODES: `${url.hostname}:${url.port || 6379}` })
    await expectOneLine(
      hub,
      /^Redis \(REDIS_CLUSTER_NODES=redis:\/\/.*\) is not a Redis Cluster: .* answers cluster_enabled:0\. Set REDIS_URL to that one node/,
    )
  })
})
