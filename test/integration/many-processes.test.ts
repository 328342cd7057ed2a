// De-risks DESIGN.md §9's scaled layout: two api and three worker processes of the real entry
// point (`hub start --role api|worker`) on one PostgreSQL database and one queue prefix on the
// local Redis Cluster (this file runs in the `integration-cluster` project only: see vitest.config.ts).
// Webhooks go to both api processes (the same webhook to both, an order's updates in order);
// stock pushes to one Walmart account come from all three workers; the relay leader is killed
// with SIGKILL while events are being published. Checked: every webhook processed once in
// effect, each order's events in channel-time order, the account's API budget held across
// processes at the channel, and a feed without gap, repeat or reordering, as a consumer read it
// live through the failover and as it stands after everything drained.
import { Hono } from 'hono'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatedChannels } from '../../src/sandbox/channels.js'
import { channelApp, newChannelState } from '../../src/sandbox/emulator.js'
import { RELAY_LEADER_RETRY_MS } from '../../workers/index.js'
import { listen, type Listening } from '../helpers/emulated-channel.js'
import { loadFixture, type RecordedWebhook } from '../helpers/fixtures.js'
import { freePort, spawnHub, waitForLine, type HubProcess } from '../helpers/hub-process.js'
import { ADMIN, TEST_ADMIN_TOKEN, useTestHub } from '../helpers/hub.js'
import { orderWebhook, reportFault } from '../helpers/load.js'
import {
  SANDBOX_SHOPIFY_SECRET,
  shopifyRequestHeaders,
  withBody,
} from '../helpers/shopify-webhooks.js'
import { TEST_REDIS_URL } from '../services.js'

// This file's database and queue prefix; the test reads them directly for its checks.
const hub = useTestHub()

/** The Walmart account's plan for `PUT /v3/inventory` (connectors/shared/per-api-buckets.ts). */
const INVENTORY_PLAN = { perSecond: 5, burst: 5 }
const SKUS = Array.from({ length: 30 }, (_, i) => `PROCS-${i}`)
const REVISED_ORDERS = 6
const REVISIONS = 4
/** Distinct orders/create webhooks sent before the leader is killed, and after the takeover. */
const CREATES_BEFORE_KILL = 150
const CREATES_AFTER_TAKEOVER = 100
/** A new leader is in place within the followers' retry interval plus this (connect, lock, LISTEN). */
const TAKEOVER_MARGIN_MS = 8_000
/** Longest any one request to an api process may take (every wait in this file is bounded). */
const REQUEST_TIMEOUT_MS = 15_000

interface Api {
  readonly process: HubProcess
  readonly url: string
}
const apis: Api[] = []
const workers: HubProcess[] = []

// The Walmart seller the workers push to: the emulator's own routes, behind a note of when each
// inventory write arrived.
const walmartState = newChannelState('walmart', 'demo')
const inventoryWrites: number[] = []
let walmart: Listening | undefined

afterAll(async () => {
  const all = [...apis.map((a) => a.process), ...workers]
  for (const p of all) if (alive(p)) p.child.kill('SIGKILL')
  await Promise.all(all.map((p) => p.exited))
  await walmart?.close()
})

const alive = (p: HubProcess) => p.child.exitCode === null && p.child.signalCode === null

beforeAll(async () => {
  const app = new Hono()
  app.use('/walmart/v3/inventory', async (c, next) => {
    if (c.req.method === 'PUT') inventoryWrites.push(Date.now())
    await next()
  })
  app.route('/', channelApp(emulatedChannels.walmart, walmartState))
  walmart = await listen((req) => app.fetch(req))

  const env = {
    DATABASE_URL: hub.config.db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: hub.config.queues.prefix,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // Info: the "started" line, with the api process's port.
    LOG_LEVEL: 'info',
    // Five processes on one test database, beside other test files.
    DB_POOL_MAX: '4',
    DB_WORKER_POOL_MAX: '6',
    NORMALIZE_CONCURRENCY: '16',
    // The killed leader's jobs are taken over in seconds rather than BullMQ's default minute.
    JOB_LOCK_MS: '3000',
    JOB_STALLED_INTERVAL_MS: '500',
    // A request not served in time (no pool connection, not stored) gets 503 for the caller to
    // retry; on a machine busy with other test files that would be a retry this test does not
    // make, not a finding.
    INGRESS_DEADLINE_MS: '10000',
    DB_CONNECT_TIMEOUT_MS: '10000',
    // A batch the killed leader published but whose stock pushes it never queued is the
    // sweeper's to find: sooner than the default 30 s, yet not before the 30 pushes' own wait
    // behind the account's rate (5 s and more), or it would queue them again.
    SWEEP_INTERVAL_MS: '1000',
    SWEEP_GRACE_MS: '15000',
    RECONCILE_INTERVAL_MS: '0',
    ORDER_SYNC_INTERVAL_MS: '0',
  }
  // Each api process runs a sandbox emulator of its own (unused here); the workers' demo
  // accounts call the seller above.
  for (let i = 0; i < 2; i++) {
    const emulatorPort = String(await freePort())
    const p = spawnHub(['start', '--role', 'api'], {
      ...env,
      PORT: '0',
      SANDBOX_EMULATOR_PORT: emulatorPort,
    })
    apis.push({ process: p, url: '' })
  }
  const walmartPort = new URL(walmart.url).port
  for (let i = 0; i < 3; i++)
    workers.push(
      spawnHub(['start', '--role', 'worker'], { ...env, SANDBOX_EMULATOR_PORT: walmartPort }),
    )
  for (const [i, api] of apis.entries()) {
    const line = await waitForLine(api.process, /marketplace-hub started/, { timeoutMs: 60_000 })
    const { port } = JSON.parse(line) as { port: number }
    apis[i] = { ...api, url: `http://127.0.0.1:${port}` }
  }
  for (const w of workers) await waitForLine(w, /marketplace-hub started/, { timeoutMs: 60_000 })
}, 90_000)

/** Polls `check` until it returns a value other than undefined, for at most `timeoutMs`. */
async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

interface Answer {
  readonly status: 'accepted' | 'duplicate'
  readonly id?: string
}

async function postWebhook(api: Api, fx: RecordedWebhook): Promise<Answer> {
  const res = await fetch(`${api.url}/webhooks/shopify/demo`, {
    method: 'POST',
    headers: shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
    body: fx.body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Answer
}

function admin(api: Api, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

/**
 * The same webhook to both api processes at once (a channel's retry landing on another process):
 * one stores it, the other finds it stored. Returns the inbox row's id.
 */
async function postToBoth(fx: RecordedWebhook, first: number): Promise<string> {
  const answers = await Promise.all([
    postWebhook(apis[first % 2]!, fx),
    postWebhook(apis[(first + 1) % 2]!, fx),
  ])
  expect(answers.map((a) => a.status).sort()).toEqual(['accepted', 'duplicate'])
  return answers.find((a) => a.id !== undefined)!.id!
}

// -- an order's updates, in order -----------------------------------------------------------------

const updated = loadFixture('shopify', 'orders-updated/paid-first')
const updatedId = (JSON.parse(updated.body) as { id: number }).id

/** Revision `i` of revised order `j`, one minute after revision i-1 on the channel's clock. */
function revision(j: number, i: number): RecordedWebhook {
  const base = JSON.parse(
    updated.body.replace(`"id":${updatedId}`, `"id":${7_000_000 + j}`),
  ) as Record<string, unknown>
  const start = Date.parse('2025-03-06T14:30:12Z')
  const body = {
    ...base,
    updated_at: new Date(start + i * 60_000).toISOString().replace('.000Z', 'Z'),
    note: `revision ${i}`,
    total_tax: `${1 + i}.00`,
  }
  return withBody(updated, JSON.stringify(body), `procs-rev-${j}-${i}`)
}

async function inboxStatus(id: string): Promise<string | undefined> {
  const row = await hub.deps.db
    .selectFrom('inbox_message')
    .select('status')
    .where('id', '=', id)
    .executeTakeFirst()
  return row?.status
}

/** Each revision once it reached both api processes and the one before it was processed. */
async function sendRevisions(j: number): Promise<void> {
  for (let i = 0; i < REVISIONS; i++) {
    const id = await postToBoth(revision(j, i), i + j)
    await until(`revision ${i} of order ${j} processed`, 30_000, async () =>
      (await inboxStatus(id)) === 'normalized' ? true : undefined,
    )
  }
}

// -- distinct orders, as fast as a few callers send them --------------------------------------------

/** Sends orders/create webhooks numbered from `from` until `more()` says stop; every third to both. */
async function sendCreates(from: { next: number }, more: () => boolean): Promise<void> {
  const caller = async () => {
    while (more()) {
      const n = from.next++
      const fx = orderWebhook('procs', n)
      await (n % 3 === 0 ? postToBoth(fx, n) : postWebhook(apis[n % 2]!, fx))
    }
  }
  await Promise.all(Array.from({ length: 4 }, caller))
}

// -- the feed as a consumer reads it ------------------------------------------------------------------

interface FeedEvent {
  readonly id: string
  readonly position: number
}

/** Pages through `GET /v1/events` on `api` until `done()` and the feed has nothing more. */
async function readFeedLive(api: Api, done: () => boolean): Promise<FeedEvent[]> {
  const seen: FeedEvent[] = []
  let after = 0
  const deadline = Date.now() + 110_000
  while (Date.now() < deadline) {
    const res = await admin(api, 'GET', `/v1/events?after=${after}&limit=1000`)
    expect(res.status).toBe(200)
    const page = (await res.json()) as { events: FeedEvent[] }
    seen.push(...page.events.map((e) => ({ id: e.id, position: Number(e.position) })))
    if (page.events.length > 0) after = seen.at(-1)!.position
    else if (done()) return seen
    else await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the feed was still being read at the test's deadline, at position ${after}`)
}

// -- the relay leader -------------------------------------------------------------------------------

/**
 * The worker whose connection holds the relay's advisory lock in this file's database, if one
 * does, and that connection's backend pid: the lock connection is named after its process's pid
 * (src/outbox/leader.ts).
 */
async function currentLeader(): Promise<{ worker: HubProcess; backend: number } | undefined> {
  const { rows } = await sql<{ pid: number; application_name: string }>`
    select a.pid, a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
     where l.locktype = 'advisory' and l.granted and a.application_name like 'hub-relay-leader %'
       and l.database = (select oid from pg_database where datname = current_database())`.execute(
    hub.deps.db,
  )
  expect(rows.length).toBeLessThanOrEqual(1)
  const [holder] = rows
  if (!holder) return undefined
  const worker = workers.find((w) =>
    holder.application_name.startsWith(`hub-relay-leader pid=${w.child.pid} `),
  )
  expect(worker, `no worker of this test holds the lock: ${holder.application_name}`).toBeDefined()
  return { worker: worker!, backend: holder.pid }
}

/**
 * How far the inventory writes went beyond the plan at worst: for the k-th write to arrive, k
 * minus what the bucket can have let through since `from`, a moment before any write could be
 * let through. Each write was let through before it arrived, so a write that arrives late (a
 * process descheduled, this one busy) only loosens the check, and no slack is needed.
 */
function worstOverspend(from: number, times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b)
  let worst = -Infinity
  sorted.forEach((at, i) => {
    const allowed = INVENTORY_PLAN.burst + (INVENTORY_PLAN.perSecond * (at - from)) / 1000
    worst = Math.max(worst, i + 1 - allowed)
  })
  return worst
}

describe('two api and three worker processes on one database and one Redis', () => {
  it(
    'process every webhook once, keep each order in order, hold the API budget, and survive the relay leader’s SIGKILL without a gap in the feed',
    { timeout: 120_000 },
    async () => {
      const first = await until('a relay leader', 20_000, () => currentLeader())

      // Stock: one Walmart listing per SKU, levels set through both api processes.
      const pushesFrom = Date.now()
      const listings = SKUS.map((sku) => ({
        sku,
        channel: 'walmart',
        account: 'demo',
        unit: emulatedChannels.walmart.listingUnit(sku),
        policy: { allocation: 'shared' },
      }))
      expect((await admin(apis[0]!, 'PUT', '/v1/listings', { listings })).status).toBe(200)
      const levels = Promise.all(
        SKUS.map(async (sku, i) => {
          const level = { onHand: 10 + i, asOf: new Date().toISOString() }
          expect((await admin(apis[i % 2]!, 'PUT', `/v1/inventory/${sku}`, level)).status).toBe(200)
        }),
      )

      let loadDone = false
      const feed = readFeedLive(apis[1]!, () => loadDone)
      const revised = Promise.all(
        Array.from({ length: REVISED_ORDERS }, (_, j) => sendRevisions(j)),
      )
      const counter = { next: 0 }
      let stopCreates = false
      const creates = sendCreates(counter, () => !stopCreates)

      // Kill the leader while webhooks keep coming, the moment it is seen publishing a batch
      // (its call of hub_publish_events running), with more events waiting behind it.
      const atKill = await until('the leader publishing under load', 30_000, async () => {
        if (counter.next < CREATES_BEFORE_KILL) return undefined
        const { rows } = await sql<{ published: string; waiting: string; publishing: string }>`
          select count(position) as published, count(*) - count(position) as waiting,
                 (select count(*) from pg_stat_activity
                   where datname = current_database() and state = 'active'
                     and query like '%from hub_publish_events(%') as publishing
            from outbox_event`.execute(hub.deps.db)
        const { published, waiting, publishing } = rows[0]!
        return Number(publishing) > 0 && Number(published) > 0 && Number(waiting) > 0
          ? { published: Number(published), waiting: Number(waiting) }
          : undefined
      })
      first.worker.child.kill('SIGKILL')
      const killedAt = Date.now()
      const second = await until(
        'another process to take the lead',
        RELAY_LEADER_RETRY_MS + TAKEOVER_MARGIN_MS,
        async () => {
          const leader = await currentLeader()
          return leader?.worker === first.worker ? undefined : leader
        },
      )
      const takeoverMs = Date.now() - killedAt
      expect(alive(second.worker)).toBe(true)
      expect(second.backend).not.toBe(first.backend)

      const stopAt = counter.next + CREATES_AFTER_TAKEOVER
      await until('more webhooks after the takeover', 30_000, () =>
        counter.next >= stopAt ? true : undefined,
      )
      stopCreates = true
      await Promise.all([creates, revised, levels])
      const createsSent = counter.next

      // Drain: every webhook processed, every event published, every level at the channel.
      await until('everything processed and published', 60_000, async () => {
        const { rows } = await sql<{ pending: string; unpublished: string }>`
          select (select count(*) from inbox_message where status <> 'normalized') as pending,
                 (select count(*) from outbox_event where position is null) as unpublished`.execute(
          hub.deps.db,
        )
        return rows[0]!.pending === '0' && rows[0]!.unpublished === '0' ? true : undefined
      })
      await until('every level pushed to Walmart', 45_000, () =>
        SKUS.every((sku, i) => walmartState.stock.get(sku) === 10 + i) ? true : undefined,
      )
      loadDone = true
      const live = await feed

      // Once in effect: one inbox row per webhook (duplicates to the other process included),
      // each processed; one order per order id; one order.created.v1 per order.
      const inbox = await hub.deps.db
        .selectFrom('inbox_message')
        .select(['dedupe_key', 'status'])
        .execute()
      expect(inbox).toHaveLength(createsSent + REVISED_ORDERS * REVISIONS)
      expect(new Set(inbox.map((r) => r.dedupe_key)).size).toBe(inbox.length)
      expect(inbox.every((r) => r.status === 'normalized')).toBe(true)
      const events = await hub.deps.db
        .selectFrom('outbox_event')
        .select(['id', 'type', 'subject', 'position', 'envelope'])
        .orderBy('position')
        .execute()
      const orders = await hub.deps.db.selectFrom('sales_order').select('external_id').execute()
      expect(orders).toHaveLength(createsSent + REVISED_ORDERS)
      expect(events.filter((e) => e.type === 'order.created.v1')).toHaveLength(orders.length)

      // Each revised order: one event per revision, in the feed in the channel's time order.
      for (let j = 0; j < REVISED_ORDERS; j++) {
        const times = events
          .filter((e) => e.subject === `order/${7_000_000 + j}`)
          .map((e) => (e.envelope.data as { order: { updatedAt: string } }).order.updatedAt)
        const sent = Array.from(
          { length: REVISIONS },
          (_, i) => (JSON.parse(revision(j, i).body) as { updated_at: string }).updated_at,
        )
        expect(times).toEqual(sent)
      }

      // The feed: positions 1..n without a gap, every committed event once, and a consumer
      // reading through the failover saw exactly that sequence.
      const positions = events.map((e) => Number(e.position))
      expect(positions).toEqual(positions.map((_, i) => i + 1))
      expect(live).toEqual(events.map((e) => ({ id: e.id, position: Number(e.position) })))

      // The account's budget across three processes: no more writes reached the channel than
      // burst + rate × elapsed.
      expect(inventoryWrites.length).toBeGreaterThanOrEqual(SKUS.length)
      // (The stock queue's limiter holds the rate across processes too; the budget alone is
      // tested by api-budget-processes.test.ts.)
      const overspend = worstOverspend(pushesFrom, inventoryWrites)
      expect(overspend).toBeLessThanOrEqual(0)

      await reportFault(hub.deps.db, 'relay leader SIGKILL under load', {
        accepted: inbox.length,
        recoveryMs: takeoverMs,
        events: events.length,
        publishedAtKill: atKill.published,
        waitingAtKill: atKill.waiting,
        inventoryWrites: inventoryWrites.length,
        overspend,
      })
    },
  )
})
