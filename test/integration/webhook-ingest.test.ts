// De-risks the ingress contract: only a correctly signed webhook is stored and queued, exactly
// once however often it arrives, with the right status for every kind of bad request, and an
// accepted webhook survives Postgres or Redis trouble as DESIGN.md §4 says.
import { sql } from 'kysely'
import { describe, expect, it, beforeEach } from 'vitest'
import { createDeps, closeDeps } from '../../src/deps.js'
import { createApp } from '../../src/http/app.js'
import { createSweeper } from '../../src/pipeline/sweep.js'
import { normalizeInboxItem } from '../../src/pipeline/normalize-inbox-item.js'
import { jobIds } from '../../src/queues/index.js'
import { request } from 'node:http'
import { signShopify } from '../../src/sandbox/shopify/sign.js'
import { loadFixture } from '../helpers/fixtures.js'
import { testConfig, useTestHub } from '../helpers/hub.js'
import {
  postShopify,
  withBody,
  SANDBOX_SHOPIFY_SECRET,
  shopifyRequestHeaders,
} from '../helpers/shopify-webhooks.js'

const hub = useTestHub({
  listen: true,
  accounts: [
    { channel: 'shopify', id: 'demo', credentials: { webhookSecrets: [SANDBOX_SHOPIFY_SECRET] } },
    {
      channel: 'shopify',
      id: 'rotating',
      credentials: { webhookSecrets: ['new-secret', 'old-secret'] },
    },
  ],
})
const fx = loadFixture('shopify', 'orders-create/basic')

async function traces() {
  const db = hub.deps.db
  const count = async (table: 'inbox_message' | 'sales_order' | 'outbox_event') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select(sql<string>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    inbox: await count('inbox_message'),
    orders: await count('sales_order'),
    outbox: await count('outbox_event'),
    jobs: await hub.deps.queues.inbound.count(),
  }
}

beforeEach(async () => {
  await sql`truncate inbox_message, inbox_dedupe, sales_order, outbox_event, outbox_event_key cascade`.execute(
    hub.deps.db,
  )
  await hub.deps.queues.inbound.obliterate({ force: true })
})

describe('accepted webhooks', () => {
  it('stores the exact bytes and enqueues the raw payload', async () => {
    const res = await postShopify(hub.app, fx)
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    const row = await hub.deps.db
      .selectFrom('inbox_message')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.raw_body.equals(Buffer.from(fx.body, 'utf8'))).toBe(true)
    expect(row).toMatchObject({
      channel: 'shopify',
      account_id: 'demo',
      topic: 'orders/create',
      status: 'received',
    })
    expect(row.dedupe_key).toBe(fx.headers['x-shopify-webhook-id'])
    expect(row.headers['x-shopify-hmac-sha256']).toBe('[masked]')
    const job = await hub.deps.queues.inbound.getJob(jobIds.inbound(id))
    expect(job?.data).toMatchObject({ inboxId: id, topic: 'orders/create', body: fx.body })
  })

  it('answers a duplicate 200 and stores and enqueues nothing more', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => postShopify(hub.app, fx)))
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200])
    const bodies = await Promise.all(answers.map((r) => r.json() as Promise<{ status: string }>))
    expect(bodies.map((b) => b.status).sort()).toEqual(['accepted', 'duplicate', 'duplicate'])
    expect(await traces()).toMatchObject({ inbox: 1, jobs: 1 })
  })

  it('accepts the newer shopify-* header family', async () => {
    const res = await postShopify(hub.app, fx, {
      headers: {
        'x-shopify-hmac-sha256': undefined,
        'x-shopify-topic': undefined,
        'shopify-hmac-sha256': signShopify(fx.body, SANDBOX_SHOPIFY_SECRET),
        'shopify-topic': 'orders/create',
      },
    })
    expect(res.status).toBe(200)
  })

  it('accepts any secret of a rotating account, newest or previous', async () => {
    const older = withBody(fx, fx.body, 'rotation-old')
    expect(
      (await postShopify(hub.app, older, { account: 'rotating', secret: 'old-secret' })).status,
    ).toBe(200)
    const newer = withBody(fx, fx.body, 'rotation-new')
    expect(
      (await postShopify(hub.app, newer, { account: 'rotating', secret: 'new-secret' })).status,
    ).toBe(200)
    expect(await traces()).toMatchObject({ inbox: 2, jobs: 2 })
  })
})

describe('refused webhooks leave no trace', () => {
  const cases: Array<[string, () => Promise<Response>, number]> = [
    ['a forged signature', () => postShopify(hub.app, fx, { secret: 'forged' }), 401],
    [
      'a flipped body byte',
      () => {
        const flipped = Buffer.from(fx.body)
        flipped[10] = flipped[10]! ^ 0x01
        return Promise.resolve(
          hub.app.request('/webhooks/shopify/demo', {
            method: 'POST',
            headers: {
              ...fx.headers,
              'x-shopify-hmac-sha256': signShopify(fx.body, SANDBOX_SHOPIFY_SECRET),
            },
            body: flipped,
          }),
        )
      },
      401,
    ],
    [
      'a missing signature header',
      () => postShopify(hub.app, fx, { headers: { 'x-shopify-hmac-sha256': undefined } }),
      401,
    ],
    [
      'a missing topic header',
      () => postShopify(hub.app, fx, { headers: { 'x-shopify-topic': undefined } }),
      401,
    ],
    [
      'an oversized body',
      () => {
        const big = withBody(
          fx,
          `{"pad":"${'x'.repeat(hub.config.http.maxBodyBytes)}"}`,
          'oversized',
        )
        return postShopify(hub.app, big)
      },
      413,
    ],
    ['an unknown account', () => postShopify(hub.app, fx, { account: 'nobody' }), 404],
    [
      'a channel without a connector yet',
      () =>
        Promise.resolve(hub.app.request('/webhooks/amazon/demo', { method: 'POST', body: '{}' })),
      404,
    ],
    [
      'an unknown channel',
      () => Promise.resolve(hub.app.request('/webhooks/ebay/demo', { method: 'POST', body: '{}' })),
      404,
    ],
  ]
  it.each(cases)('%s', async (_name, send, status) => {
    const res = await send()
    expect(res.status).toBe(status)
    expect(await traces()).toEqual({ inbox: 0, orders: 0, outbox: 0, jobs: 0 })
  })

  it('an oversized body without Content-Length is still refused', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > hub.config.http.maxBodyBytes) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const res = await hub.app.request('/webhooks/shopify/demo', {
      method: 'POST',
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': 'AAAA' },
      body: stream,
      duplex: 'half',
    })
    expect(res.status).toBe(413)
    expect(await traces()).toEqual({ inbox: 0, orders: 0, outbox: 0, jobs: 0 })
  })
})

describe('over a real socket (the production body reader)', () => {
  /** Raw HTTP/1.1 so the test controls framing: Content-Length or chunked. */
  function send(
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${hub.url}/webhooks/shopify/demo`,
        { method: 'POST', headers },
        (res) => {
          let text = ''
          res.on('data', (d: Buffer) => (text += d.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  it('stores exactly the bytes sent, multi-byte characters included', async () => {
    const body = Buffer.from(fx.body.replace('Ava Reed', 'Zoë Ørsted 抹茶'), 'utf8')
    const res = await send(body, {
      ...fx.headers,
      'x-shopify-webhook-id': 'socket-exact-bytes',
      'x-shopify-hmac-sha256': signShopify(body, SANDBOX_SHOPIFY_SECRET),
    })
    expect(res.status).toBe(200)
    const { id } = JSON.parse(res.body) as { id: string }
    const row = await hub.deps.db
      .selectFrom('inbox_message')
      .select('raw_body')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.raw_body.equals(body)).toBe(true)
  })

  it.each([
    ['with Content-Length', {}],
    ['chunked, without Content-Length', { 'transfer-encoding': 'chunked' }],
  ])('refuses an oversized body %s with 413, and keeps serving', async (_name, framing) => {
    const big = Buffer.alloc(hub.config.http.maxBodyBytes + 1, 'x')
    const res = await send(big, {
      ...fx.headers,
      'x-shopify-hmac-sha256': signShopify(big, SANDBOX_SHOPIFY_SECRET),
      ...framing,
    })
    expect(res.status).toBe(413)
    expect(await traces()).toEqual({ inbox: 0, orders: 0, outbox: 0, jobs: 0 })
    const after = await send(
      Buffer.from(fx.body),
      shopifyRequestHeaders(fx, SANDBOX_SHOPIFY_SECRET),
    )
    expect(after.status).toBe(200)
  })
})

describe('signed but unparseable', () => {
  it('is answered 200, kept, marked failed with the reason, and left in the failed set', async () => {
    const broken = withBody(fx, '{"id": 1, "line_items": [', 'truncated-json')
    const res = await postShopify(hub.app, broken)
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    const result = await normalizeInboxItem(hub.deps, id, { finalAttempt: false })
    expect(result).toMatchObject({ kind: 'permanent' })
    const row = await hub.deps.db
      .selectFrom('inbox_message')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('failed')
    expect(row.outcome).toMatchObject({ issues: [expect.stringMatching(/not valid JSON/)] })
    expect(row.raw_body.toString()).toBe(broken.body)
    expect(await traces()).toMatchObject({ orders: 0, outbox: 0 })
  })
})

describe('when a dependency is down', () => {
  it('answers 503 while Postgres cannot be reached, storing nothing', async () => {
    const config = {
      ...hub.config,
      db: { ...hub.config.db, url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 500 },
    }
    const deps = createDeps(config, { log: hub.deps.log })
    try {
      const res = await postShopify(createApp(deps), fx)
      expect(res.status).toBe(503)
    } finally {
      await closeDeps(deps)
    }
    expect(await traces()).toEqual({ inbox: 0, orders: 0, outbox: 0, jobs: 0 })
  })

  it('answers 200 when Redis is away after the insert; the sweeper enqueues the row later', async () => {
    const config = testConfig({
      DATABASE_URL: hub.config.db.url,
      QUEUE_PREFIX: hub.config.queues.prefix,
      REDIS_URL: 'redis://127.0.0.1:1',
    })
    const deps = createDeps(config, { log: hub.deps.log })
    let id: string
    try {
      const res = await postShopify(createApp(deps), withBody(fx, fx.body, 'redis-down'))
      expect(res.status).toBe(200)
      id = ((await res.json()) as { id: string }).id
    } finally {
      await closeDeps(deps)
    }
    expect(await traces()).toMatchObject({ inbox: 1, jobs: 0 })

    const sweeper = createSweeper(hub.deps, { graceMs: 0, batch: 100 })
    expect(await sweeper.sweep()).toEqual({ inbox: 1, deliveries: 0, stockPushes: 0 })
    const job = await hub.deps.queues.inbound.getJob(jobIds.inbound(id))
    expect(job?.data.inboxId).toBe(id)
    // A second pass finds the job in place and adds nothing.
    expect(await sweeper.sweep()).toEqual({ inbox: 0, deliveries: 0, stockPushes: 0 })
  })
})
