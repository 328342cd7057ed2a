// De-risks the operator surface: no admin route answers without the token (Bearer for the API,
// Basic for a browser on Bull Board only), subscriptions are validated and their secret shown once, Bull Board is
// reachable only when authenticated, and readiness reflects Postgres and Redis.
import { describe, expect, it } from 'vitest'
import { closeDeps, createDeps } from '../../src/deps.js'
import { createApp } from '../../src/http/app.js'
import { ADMIN, TEST_ADMIN_TOKEN, testConfig, useTestHub } from '../helpers/hub.js'

// The first tests send some 20 wrong credentials from one address on purpose: more than the
// lockout allows (that limit has its own test, hostile/guessing-limits.test.ts).
const hub = useTestHub({ env: { AUTH_FAILURE_LIMIT: '1000' } })
const json = { 'content-type': 'application/json' }
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('admin authentication', () => {
  it.each([
    ['GET', '/v1/subscriptions'],
    ['POST', '/v1/subscriptions'],
    ['GET', '/v1/events'],
    ['GET', '/admin/queues'],
    ['GET', '/admin/queues/api/queues'],
  ])('%s %s refuses anonymous and wrong credentials', async (method, path) => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token',
      basic('admin', 'wrong'),
      'Bearer',
      TEST_ADMIN_TOKEN,
    ]) {
      const res = await hub.app.request(path, {
        method,
        headers: authorization ? { authorization } : {},
      })
      expect(res.status, `${authorization}`).toBe(401)
      // Only Bull Board invites a browser to send (and cache) Basic credentials.
      expect(res.headers.get('www-authenticate')).toMatch(
        path.startsWith('/admin/queues') ? /^Basic / : /^Bearer /,
      )
    }
  })

  it('accepts Bearer everywhere, and Basic (any user, token as password) on Bull Board only', async () => {
    expect((await hub.app.request('/v1/subscriptions', { headers: ADMIN })).status).toBe(200)
    const viaBasic = await hub.app.request('/v1/subscriptions', {
      headers: { authorization: basic('ops', TEST_ADMIN_TOKEN) },
    })
    expect(viaBasic.status).toBe(401)
    expect(((await viaBasic.json()) as { error: string }).error).toMatch(
      /HTTP Basic is accepted only by Bull Board/,
    )
    const board = await hub.app.request('/admin/queues/api/queues', {
      headers: { authorization: basic('ops', TEST_ADMIN_TOKEN) },
    })
    expect(board.status).toBe(200)
  })

  it('serves Bull Board to an authenticated browser, listing every queue', async () => {
    const page = await hub.app.request('/admin/queues', {
      headers: { authorization: basic('ops', TEST_ADMIN_TOKEN) },
    })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<!DOCTYPE html>')
    const api = await hub.app.request('/admin/queues/api/queues', { headers: ADMIN })
    expect(api.status).toBe(200)
    const names = ((await api.json()) as { queues: Array<{ name: string }> }).queues
      .map((q) => q.name)
      .sort()
    // One stock queue per account (the sandbox's demo accounts here).
    expect(names).toEqual([
      'deliver',
      'inbound',
      'order-sync',
      'replay',
      'stock.amazon.demo',
      'stock.shopify.demo',
      'stock.tiktok-shop.demo',
      'stock.walmart.demo',
    ])
  })
})

describe('subscriptions API', () => {
  // Other tests in this file create subscriptions: each test compares with what was there before it.
  const listed = async () =>
    (
      (await (await hub.app.request('/v1/subscriptions', { headers: ADMIN })).json()) as {
        subscriptions: Array<Record<string, unknown>>
      }
    ).subscriptions
  const storedRows = () =>
    hub.deps.db.selectFrom('subscription').selectAll().orderBy('id').execute()

  it('creates, lists, shows and deletes; the secret appears only at creation', async () => {
    const before = await listed()
    const created = await hub.app.request('/v1/subscriptions', {
      method: 'POST',
      headers: { ...ADMIN, ...json },
      body: JSON.stringify({
        url: 'https://oms.example.com/hooks',
        eventTypes: ['order.*'],
        description: 'OMS',
      }),
    })
    expect(created.status).toBe(201)
    const sub = (await created.json()) as { id: string; secret: string }
    expect(sub).toMatchObject({
      id: expect.stringMatching(/^sub_/),
      secret: expect.stringMatching(/^whsec_/),
      status: 'active',
      contentMode: 'structured',
    })

    const list = await listed()
    // Newest first.
    expect(list).toEqual([
      expect.objectContaining({ id: sub.id, eventTypes: ['order.*'] }),
      ...before,
    ])
    expect(JSON.stringify(list)).not.toContain(sub.secret)
    const shown = await hub.app.request(`/v1/subscriptions/${sub.id}`, { headers: ADMIN })
    expect(await shown.json()).not.toHaveProperty('secret')

    expect(
      (await hub.app.request(`/v1/subscriptions/${sub.id}`, { method: 'DELETE', headers: ADMIN }))
        .status,
    ).toBe(204)
    expect((await hub.app.request(`/v1/subscriptions/${sub.id}`, { headers: ADMIN })).status).toBe(
      404,
    )
    expect(
      (await hub.app.request(`/v1/subscriptions/${sub.id}`, { method: 'DELETE', headers: ADMIN }))
        .status,
    ).toBe(404)
  })

  it.each([
    ['not JSON', '{', /body: not valid JSON/],
    ['no url', JSON.stringify({ eventTypes: ['order.*'] }), /body\.url/],
    [
      'a non-http url',
      JSON.stringify({ url: 'ftp://x.example.com', eventTypes: ['order.*'] }),
      /body\.url: must be an http\(s\) URL/,
    ],
    [
      'no event types',
      JSON.stringify({ url: 'https://x.example.com', eventTypes: [] }),
      /body\.eventTypes: list at least one/,
    ],
    [
      'a typo in a type',
      JSON.stringify({ url: 'https://x.example.com', eventTypes: ['order.craeted.v1'] }),
      /matches no event type/,
    ],
    [
      'an unknown content mode',
      JSON.stringify({ url: 'https://x.example.com', eventTypes: ['*'], contentMode: 'batched' }),
      /body\.contentMode: .*"structured"\|"binary"/,
    ],
    [
      'an unknown field',
      JSON.stringify({ url: 'https://x.example.com', eventTypes: ['*'], secret: 'mine' }),
      /Unrecognized key/,
    ],
  ])('refuses %s with a 400 naming the field, creating nothing', async (_name, body, problem) => {
    const before = await storedRows()
    const res = await hub.app.request('/v1/subscriptions', {
      method: 'POST',
      headers: { ...ADMIN, ...json },
      body,
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { problems: string[] }).problems.join('\n')).toMatch(problem)
    expect(await storedRows()).toEqual(before)
  })
})

describe('subscription destinations (SSRF guard)', () => {
  const create = (app: typeof hub.app, url: string) =>
    app.request('/v1/subscriptions', {
      method: 'POST',
      headers: { ...ADMIN, ...json },
      body: JSON.stringify({ url, eventTypes: ['order.*'] }),
    })
  const stored = async () =>
    (await hub.deps.db.selectFrom('subscription').select('url').execute()).map((r) => r.url)

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]:8080/hook',
    'http://100.100.100.200/',
    'http://[::ffff:169.254.169.254]/',
  ])('refuses %s, storing nothing', async (url) => {
    const res = await create(hub.app, url)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { problems: string[] }).problems.join()).toMatch(
      /rule: (link-local|metadata)/,
    )
    expect(await stored()).not.toContain(url)
  })

  it('accepts them when OUTBOUND_ALLOW_LINK_LOCAL=true, and ordinary hosts always', async () => {
    const config = testConfig({
      DATABASE_URL: hub.config.db.url,
      QUEUE_PREFIX: hub.config.queues.prefix,
      OUTBOUND_ALLOW_LINK_LOCAL: 'true',
    })
    const deps = createDeps(config, { log: hub.deps.log })
    try {
      expect((await create(createApp(deps), 'http://169.254.10.20/hook')).status).toBe(201)
    } finally {
      await closeDeps(deps)
    }
    expect((await create(hub.app, 'http://127.0.0.1:9/hook')).status).toBe(201)
  })
})

describe('health', () => {
  it('is live and ready with Postgres and Redis up', async () => {
    expect((await hub.app.request('/healthz')).status).toBe(200)
    const ready = await hub.app.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok' },
      accounts: [],
    })
  })

  it('is not ready, saying why, when Postgres and Redis are unreachable', async () => {
    const config = testConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
      DB_CONNECT_TIMEOUT_MS: '300',
    })
    const deps = createDeps(config, { log: hub.deps.log })
    try {
      const res = await createApp(deps).request('/readyz')
      expect(res.status).toBe(503)
      const body = (await res.json()) as { checks: Record<string, string> }
      expect(body.checks.postgres).not.toBe('ok')
      expect(body.checks.redis).not.toBe('ok')
    } finally {
      await closeDeps(deps)
    }
  })
})
