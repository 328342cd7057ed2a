// Issue #7's operator surface: every admin action is in the audit log, and Bull Board shows each
// queue's failed jobs with their error and payload and can retry them, for every queue the hub has.
import { UnrecoverableError, Worker, type Queue } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { ADMIN, TEST_ADMIN_TOKEN, useTestHub } from '../helpers/hub.js'

const hub = useTestHub()

const basic = (user: string) =>
  `Basic ${Buffer.from(`${user}:${TEST_ADMIN_TOKEN}`).toString('base64')}`

interface AuditEntry {
  actor: string
  method: string
  path: string
  body: string | null
  status: number
  details: Record<string, unknown> | null
}

async function audit(): Promise<AuditEntry[]> {
  const res = await hub.app.request('/v1/admin/audit', { headers: ADMIN })
  expect(res.status).toBe(200)
  return ((await res.json()) as { entries: AuditEntry[] }).entries
}

describe('the audit log', () => {
  it('records each mutating admin request with who, what, effect and outcome; never reads or refusals', async () => {
    const before = (await audit()).length
    const post = (headers: Record<string, string>, body: unknown) =>
      hub.app.request('/v1/subscriptions', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const good = { url: 'http://127.0.0.1:9/hook', eventTypes: ['order.*'] }
    expect((await post({ ...ADMIN, 'x-admin-actor': 'ops-anna' }, good)).status).toBe(201)
    expect((await post({ ...ADMIN, 'x-admin-actor': 'deploy-bot' }, { url: 'nope' })).status).toBe(
      400,
    )
    expect((await post({ authorization: 'Bearer not-the-admin-token!' }, good)).status).toBe(401)
    await hub.app.request('/v1/subscriptions', { headers: ADMIN })
    const listings = await hub.app.request('/v1/listings', {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ listings: [{ sku: 'A-1', channel: 'walmart', account: 'demo' }] }),
    })
    expect(listings.status).toBe(200)

    const entries = (await audit()).slice(0, 3).reverse()
    expect((await audit()).length).toBe(before + 3)
    expect(entries[0]).toMatchObject({
      actor: 'ops-anna',
      method: 'POST',
      path: '/v1/subscriptions',
      status: 201,
    })
    expect(entries[0]!.body).toContain('http://127.0.0.1:9/hook')
    expect(entries[1]).toMatchObject({ actor: 'deploy-bot', status: 400 })
    expect(entries[2]).toMatchObject({
      actor: 'admin',
      method: 'PUT',
      path: '/v1/listings',
      details: { listings: 1, ok: true },
    })
    // The token itself is never written down.
    const all = JSON.stringify(await audit())
    expect(all).not.toContain(TEST_ADMIN_TOKEN)
  })
})

describe('Bull Board', () => {
  it('stores every one of a burst of admin writes before answering it (entries written in batches)', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `audit-burst-${i}`)
    const answers = await Promise.all(
      keys.map((idempotencyKey) =>
        Promise.resolve(
          hub.app.request('/v1/inventory/adjustments', {
            method: 'POST',
            headers: { ...ADMIN, 'x-admin-actor': 'recount', 'content-type': 'application/json' },
            body: JSON.stringify({ idempotencyKey, sku: 'AUDIT-BURST', delta: -1 }),
          }),
        ),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(keys.map(() => 201))
    // Answered means stored: read straight after the last answer, with nothing waited for.
    const rows = await hub.deps.db
      .selectFrom('audit_log')
      .select(['actor', 'body', 'status'])
      .where('actor', '=', 'recount')
      .execute()
    expect(
      rows.map((r) => (JSON.parse(r.body!) as { idempotencyKey: string }).idempotencyKey).sort(),
    ).toEqual([...keys].sort())
    expect(rows.every((r) => r.status === 201)).toBe(true)
  })

  it('shows every queue’s failed jobs with error and payload, and retries them', async () => {
    const queues = hub.deps.queues.all
    expect(queues.length).toBeGreaterThanOrEqual(6) // inbound, deliver, one stock queue per demo account
    for (const queue of queues) {
      const job = await failOneJob(queue)
      const res = await hub.app.request(
        `/admin/queues/api/queues?activeQueue=${encodeURIComponent(queue.name)}&status=failed`,
        { headers: ADMIN },
      )
      expect(res.status).toBe(200)
      const body = (await res.json()) as {
        queues: Array<{
          name: string
          jobs: Array<{ id: string; failedReason: string; data: unknown }>
        }>
      }
      const shown = body.queues.find((q) => q.name === queue.name)?.jobs.find((j) => j.id === job)
      expect(shown?.failedReason).toBe(`test failure in ${queue.name}`)
      expect(shown?.data).toEqual({ probe: queue.name })

      // As Bull Board's page sends it: a same-origin XHR carrying the browser's Basic credentials.
      const retry = await hub.app.request(
        `/admin/queues/api/queues/${encodeURIComponent(queue.name)}/${job}/retry`,
        {
          method: 'PUT',
          headers: { authorization: basic('ops-anna'), origin: 'http://localhost' },
        },
      )
      expect(retry.status).toBe(204)
      expect(await queue.getJobState(job)).toBe('waiting')
      await queue.remove(job)
    }
    const retries = (await audit()).filter((e) => e.method === 'PUT' && e.path.endsWith('/retry'))
    expect(retries).toHaveLength(queues.length)
    expect(retries.every((e) => e.actor === 'ops-anna')).toBe(true)
  })
})

/** Adds a job and has a real BullMQ worker fail it for good; returns its id. */
async function failOneJob(queue: Queue): Promise<string> {
  const job = await queue.add('probe', { probe: queue.name }, { attempts: 1 })
  const worker = new Worker(
    queue.name,
    () => Promise.reject(new UnrecoverableError(`test failure in ${queue.name}`)),
    // The queue's own prefix: on a cluster each queue has its own hash tag.
    { connection: hub.deps.redis.worker, prefix: queue.opts.prefix },
  )
  try {
    await expect.poll(() => queue.getJobState(job.id!), { timeout: 10_000 }).toBe('failed')
  } finally {
    await worker.close()
  }
  return job.id!
}
