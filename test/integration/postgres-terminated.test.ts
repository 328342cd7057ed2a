// De-risks the hub when PostgreSQL drops its connections under load (pg_terminate_backend, as a
// failover or an operator would): intake answers 503 while it cannot write and never 2xx without
// a stored row, workers retry, and once every 503 is retried (as channels do) each webhook is
// stored and normalized exactly once in effect.
import pg from 'pg'
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
import { TEST_PG_ADMIN_URL } from '../services.js'

const hub = useTestHub({ workers: true })
const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL })
let adminConnected = false
afterAll(() => (adminConnected ? admin.end() : undefined))

const TOTAL = 400

/** Ends every connection the hub holds to its database. */
async function terminateHubConnections(): Promise<number> {
  if (!adminConnected) {
    await admin.connect()
    adminConnected = true
  }
  const database = new URL(hub.config.db.url).pathname.slice(1)
  const { rows } = await admin.query<{ terminated: boolean }>(
    'select pg_terminate_backend(pid) as terminated from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  )
  return rows.filter((r) => r.terminated).length
}

describe('PostgreSQL connections terminated under load', () => {
  it('never acknowledges without a stored row, and loses nothing once channels retry', async () => {
    const acknowledged = new Map<number, string>()
    const statuses = new Map<number, number>()
    const send = async (n: number) => {
      const res = await postShopify(hub.app, orderWebhook('pgkill', n))
      statuses.set(n, res.status)
      if (res.status === 503) unavailable++
      const body = (await res.json()) as { id?: string; status?: string }
      if (res.status === 200 && body.id) acknowledged.set(n, body.id)
    }

    let terminated = 0
    let lastTerminationAt = 0
    let unavailable = 0
    for (let i = 0; i < TOTAL; i += 40) {
      const batch = Array.from({ length: 40 }, (_, k) => send(i + k))
      if (i === 120 || i === 280) {
        terminated += await terminateHubConnections()
        lastTerminationAt = Date.now()
      }
      await Promise.all(batch)
    }
    expect(terminated).toBeGreaterThan(0)
    // Only success or "try again": a dropped connection is never a 4xx or a crash.
    expect(new Set(statuses.values())).toSatisfy((s: Set<number>) =>
      [...s].every((status) => status === 200 || status === 503),
    )
    // Every acknowledgement names a row that exists.
    const ids = [...acknowledged.values()]
    const stored = await hub.deps.db
      .selectFrom('inbox_message')
      .select('id')
      .where('id', 'in', ids)
      .execute()
    expect(stored.length).toBe(ids.length)

    // The channel retries what got 503 until it is stored (accepted or, if it committed late, duplicate).
    await vi.waitFor(
      async () => {
        const retry = [...statuses].filter(([, status]) => status !== 200).map(([n]) => n)
        await Promise.all(retry.map(send))
        expect([...statuses.values()].every((status) => status === 200)).toBe(true)
      },
      { timeout: 30_000, interval: 200 },
    )
    await waitUntilAllNormalized(hub.deps.db)
    expect(await inboxCount(hub.deps.db)).toBe(TOTAL)
    await expectEachOrderOnce(hub.deps.db, TOTAL)
    await reportFault(hub.deps.db, 'pg_terminate_backend twice under load', {
      accepted: acknowledged.size,
      connectionsTerminated: terminated,
      answered503: unavailable,
      recoveryMs: Date.now() - lastTerminationAt,
    })
  })
})
