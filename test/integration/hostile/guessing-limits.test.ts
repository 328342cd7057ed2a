// Issue 13 item 4: guessing credentials is throttled. After AUTH_FAILURE_LIMIT wrong admin tokens
// (or wrong client secrets at the hub's webhook OAuth token endpoint) from one address within
// the window, that address gets 429 with Retry-After and its credentials are not even checked;
// every failure is logged and counted, the lockout is logged once per window, other addresses are
// unaffected, the counters live in Redis (a second server sees them), and the address is let in
// again when the window ends. The sandbox emulator's Walmart token endpoint behaves the same way.
// Over real sockets, from addresses across 127.0.0.0/8 (all of it is the loopback interface).
import { request as httpRequest } from 'node:http'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../../src/http/app.js'
import { startHttp } from '../../../src/http/server.js'
import { startEmulator } from '../../../src/sandbox/emulator.js'
import { ADMIN, TEST_ADMIN_TOKEN, useTestHub } from '../../helpers/hub.js'
import { capturedLog } from '../../helpers/log-lines.js'

const WINDOW_MS = 5_000
const LIMIT = 10

const { log, lines } = capturedLog('info')
const hub = useTestHub({
  listen: true,
  log,
  env: { AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_MS: String(WINDOW_MS) },
})

/**
 * One request over a fresh connection, from 127.0.0.1 or, with `other`, from 127.0.0.2, or `from`
 * another loopback address (node's own client lets the source be chosen).
 */
function call(
  url: string,
  opts: {
    method?: string
    headers?: Record<string, string>
    body?: string
    other?: boolean
    from?: string
  },
): Promise<{ status: number; retryAfter: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
        localAddress: opts.from ?? (opts.other ? '127.0.0.2' : '127.0.0.1'),
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** Sends `n` requests one after another; returns their statuses and Retry-After values. */
/**
 * `n` calls: one at a time up to the first past the limit (where the order decides the answer),
 * then the rest 50 at a time, so the burst ends well inside the limiter's window on a loaded
 * machine (300 calls one by one took longer than the 5-s window there, and 401s came back).
 */
async function burst(n: number, send: (i: number) => ReturnType<typeof call>) {
  const answers: Awaited<ReturnType<typeof call>>[] = []
  for (let i = 0; i < Math.min(n, LIMIT + 1); i++) answers.push(await send(i))
  for (let from = answers.length; from < n; from += 50) {
    const upTo = Math.min(n, from + 50)
    answers.push(
      ...(await Promise.all(Array.from({ length: upTo - from }, (_, k) => send(from + k)))),
    )
  }
  return answers
}

const metrics = async () => (await call(`${hub.url}/metrics`, {})).text

/** A counter's value in a /metrics text; 0 while it has not been counted yet. */
function counted(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

/** The log lines written since `from` (an earlier `lines.length`). */
const linesSince = (from: number) => lines.slice(from)

// Every admin test locks out an address of its own: a lockout lasts the window, and would refuse
// whichever test came next from the same address. 127.0.0.1 and .2 are never locked out.
let lastHost = 10
const ownAddress = () => `127.0.0.${++lastHost}`

/** Spends `address`'s allowance of wrong admin tokens: each one a 401, the next request a 429. */
async function lockOut(address: string) {
  const answers = await burst(LIMIT + 1, (i) =>
    call(`${hub.url}/v1/subscriptions`, {
      headers: { authorization: `Bearer lockout-${i}` },
      from: address,
    }),
  )
  expectThrottled(answers, 401)
}

function expectThrottled(answers: Awaited<ReturnType<typeof burst>>, firstStatus: number) {
  expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual(Array(LIMIT).fill(firstStatus))
  const rest = answers.slice(LIMIT)
  expect(rest.map((a) => a.status)).toEqual(Array(rest.length).fill(429))
  for (const a of rest) {
    expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(Number(a.retryAfter)).toBeLessThanOrEqual(WINDOW_MS / 1000)
  }
}

// Without Redis the limit is not enforced (admins keep their access); wait for the connection.
beforeAll(async () => {
  await vi.waitFor(() => expect(hub.deps.redis.producer.status).toBe('ready'), { timeout: 5_000 })
})

describe('wrong admin tokens', () => {
  it('200 quick wrong tokens: 401s up to the limit, then 429 with Retry-After, counted and logged', async () => {
    const address = ownAddress()
    const metricsBefore = await metrics()
    const linesBefore = lines.length
    const answers = await burst(200, (i) =>
      call(`${hub.url}/v1/subscriptions`, {
        headers: { authorization: `Bearer guess-${i}` },
        from: address,
      }),
    )
    expectThrottled(answers, 401)
    expect(JSON.parse(answers[LIMIT]!.text)).toMatchObject({
      error: 'too many failed admin authentications from this address; retry later',
    })
    const text = await metrics()
    const added = (series: string) => counted(text, series) - counted(metricsBefore, series)
    expect(added('hub_admin_auth_failures_total{reason="wrong"}')).toBe(LIMIT)
    expect(added('hub_rate_limited_total{endpoint="admin-auth"}')).toBe(200 - LIMIT)
    const logged = linesSince(linesBefore)
    const failed = logged.filter((l) => l.msg === 'admin authentication failed')
    expect(failed).toHaveLength(LIMIT)
    expect(failed[0]).toMatchObject({ clientAddress: address, reason: 'wrong' })
    // The lockout is logged once for the window, not 190 times.
    expect(
      logged.filter((l) => l.msg?.toString().startsWith('admin authentication rate-limited')),
    ).toHaveLength(1)
    expect(JSON.stringify(lines)).not.toContain(TEST_ADMIN_TOKEN)
  })

  it('refuses even the right token from the locked-out address, without checking it', async () => {
    const address = ownAddress()
    await lockOut(address)
    const res = await call(`${hub.url}/v1/subscriptions`, { headers: ADMIN, from: address })
    expect(res.status).toBe(429)
  })

  it('lets the right token in from another address', async () => {
    await lockOut(ownAddress())
    const res = await call(`${hub.url}/v1/subscriptions`, { headers: ADMIN, from: ownAddress() })
    expect(res.status).toBe(200)
  })

  it('keeps the count in Redis: another server of the same hub refuses the address too', async () => {
    const address = ownAddress()
    await lockOut(address)
    const second = await startHttp(createApp(hub.deps), { host: '127.0.0.1', port: 0 })
    try {
      const res = await call(`http://127.0.0.1:${second.port}/v1/subscriptions`, {
        headers: ADMIN,
        from: address,
      })
      expect(res.status).toBe(429)
    } finally {
      await second.close()
    }
  })

  it('lets the address in again once its window has ended', async () => {
    const address = ownAddress()
    await lockOut(address)
    await vi.waitFor(
      async () =>
        expect(
          (await call(`${hub.url}/v1/subscriptions`, { headers: ADMIN, from: address })).status,
        ).toBe(200),
      { timeout: WINDOW_MS + 2_000, interval: 250 },
    )
  })
})

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
const tokenForm = {
  method: 'POST',
  body: 'grant_type=client_credentials',
  headers: {
    accept: 'application/json; charset=UTF-8',
    'content-type': 'application/x-www-form-urlencoded; charset=ISO-8859-1',
  },
}

describe("wrong client secrets at the hub's webhook OAuth token endpoint", () => {
  const url = () => `${hub.url}/webhooks/walmart/demo/oauth/token`
  const withSecret = (secret: string) => ({
    ...tokenForm,
    headers: { ...tokenForm.headers, authorization: basic('sandbox-walmart-client', secret) },
  })

  it('300 wrong secrets: 401 up to the limit, then 429 with Retry-After; the right one elsewhere works', async () => {
    const series = 'hub_rate_limited_total{endpoint="webhook-oauth-token"}'
    const limitedBefore = counted(await metrics(), series)
    const linesBefore = lines.length
    const answers = await burst(300, (i) => call(url(), withSecret(`guess-${i}`)))
    expectThrottled(answers, 401)
    expect(JSON.parse(answers[LIMIT]!.text)).toMatchObject({ error: 'temporarily_unavailable' })
    expect(counted(await metrics(), series) - limitedBefore).toBe(300 - LIMIT)
    const logged = linesSince(linesBefore)
    expect(
      logged.filter((l) => l.msg === 'token request with bad client credentials'),
    ).toHaveLength(LIMIT)
    expect(
      logged.filter((l) => l.msg?.toString().startsWith('OAuth token requests rate-limited')),
    ).toHaveLength(1)

    expect((await call(url(), withSecret('sandbox-walmart-secret'))).status).toBe(429)
    const elsewhere = await call(url(), { ...withSecret('sandbox-walmart-secret'), other: true })
    expect(elsewhere.status).toBe(200)
    expect(JSON.parse(elsewhere.text)).toMatchObject({ token_type: 'Bearer' })
    await vi.waitFor(
      async () =>
        expect((await call(url(), withSecret('sandbox-walmart-secret'))).status).toBe(200),
      { timeout: WINDOW_MS + 2_000, interval: 250 },
    )
  })
})

describe("wrong client secrets at the emulator's Walmart token endpoint", () => {
  it('300 wrong secrets: Walmart 401s up to the limit, then Walmart-shaped 429s with Retry-After', async () => {
    const linesBefore = lines.length
    const emulator = await startEmulator({
      port: 0,
      log,
      authFailures: { limit: LIMIT, windowMs: WINDOW_MS },
    })
    try {
      const url = `${emulator.url}/walmart/v3/token`
      const headers = (secret: string) => ({
        ...tokenForm.headers,
        accept: 'application/json',
        'wm_svc.name': 'Walmart Marketplace',
        'wm_qos.correlation_id': '5f0c1a4e-0000-4000-8000-000000000001',
        authorization: basic('sandbox-walmart-api-client', secret),
      })
      const answers = await burst(300, (i) =>
        call(url, { ...tokenForm, headers: headers(`guess-${i}`) }),
      )
      expectThrottled(answers, 401)
      expect(JSON.parse(answers[LIMIT]!.text)).toMatchObject({
        error: [{ code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API', severity: 'ERROR' }],
      })
      const stats = emulator.state('walmart').stats
      expect(stats).toMatchObject({ authFailures: LIMIT, authLockouts: 300 - LIMIT })
      expect(
        linesSince(linesBefore).filter((l) =>
          l.msg?.toString().startsWith('emulator: token requests rate-limited'),
        ),
      ).toHaveLength(1)

      // Another address gets its token (past the gateway's own 10/s allowance for the API).
      await new Promise((resolve) => setTimeout(resolve, 200))
      const right = { ...tokenForm, headers: headers('sandbox-walmart-api-secret') }
      const elsewhere = await call(url, { ...right, other: true })
      expect(elsewhere.status).toBe(200)
      expect(JSON.parse(elsewhere.text)).toMatchObject({ token_type: 'Bearer', expires_in: 900 })
      expect((await call(url, right)).status).toBe(429)
      await vi.waitFor(async () => expect((await call(url, right)).status).toBe(200), {
        timeout: WINDOW_MS + 2_000,
        interval: 250,
      })
    } finally {
      await emulator.close()
    }
  })
})
