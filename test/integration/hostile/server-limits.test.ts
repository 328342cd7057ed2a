// De-risks clients that hold the server's connections: a slow-loris sending its headers a byte at a
// time, a body that trickles in, and more connections than the server should hold. Each is cut off
// at its configured limit (408, or refused unanswered), counted in a metric, and a client within
// the limits is still served.
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerLimits } from '../../../src/config/index.js'
import { startHttp, type RunningServer } from '../../../src/http/server.js'
import { ADMIN, useTestHub } from '../../helpers/hub.js'
import { inboxCount } from '../../helpers/load.js'

const hub = useTestHub({
  env: {
    HTTP_HEADERS_TIMEOUT_MS: '500',
    HTTP_REQUEST_TIMEOUT_MS: '1200',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
    HTTP_MAX_CONNECTIONS: '3',
    ADMIN_MAX_BODY_BYTES: '1000',
  },
})

const watch = () => ({ metrics: hub.deps.metrics, log: hub.deps.log })

let timed: RunningServer
let capped: RunningServer
beforeAll(async () => {
  const limits = hub.config.http.limits
  expect(limits).toEqual({
    headersTimeoutMs: 500,
    requestTimeoutMs: 1200,
    keepAliveTimeoutMs: 5000,
    maxConnections: 3,
  } satisfies ServerLimits)
  // Two servers of the same app: the cap test needs timeouts long enough to hold its sockets.
  timed = await startHttp(hub.app, {
    host: '127.0.0.1',
    port: 0,
    limits: { ...limits, maxConnections: 0 },
    watch: watch(),
  })
  capped = await startHttp(hub.app, {
    host: '127.0.0.1',
    port: 0,
    limits: { ...limits, headersTimeoutMs: 20_000, requestTimeoutMs: 20_000 },
    watch: watch(),
  })
})
afterAll(async () => {
  await timed?.close()
  await capped?.close()
})

interface Held {
  readonly socket: Socket
  /** Everything received, once the server closed the connection; with the ms it took. */
  readonly closed: Promise<{ received: string; afterMs: number }>
}

function open(port: number): Promise<Held> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now()
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')))
    const closed = new Promise<{ received: string; afterMs: number }>((done) =>
      socket.on('close', () => done({ received, afterMs: Date.now() - startedAt })),
    )
    socket.once('connect', () => resolve({ socket, closed }))
    socket.once('error', reject)
  })
}

/** Writes `parts` one every `everyMs` until the socket closes. */
function trickle(socket: Socket, parts: () => string, everyMs: number) {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(parts())
  }, everyMs)
  socket.on('close', () => clearInterval(timer))
}

/** Sends headers a line at a time, never ending them: a slow-loris. */
function slowHeaders(socket: Socket) {
  socket.write('POST /webhooks/shopify/demo HTTP/1.1\r\nHost: hub.test\r\n')
  let n = 0
  trickle(socket, () => `X-Slow-${n++}: a\r\n`, 100)
}

/** Sends a webhook's headers, then its body a byte at a time, never finishing it. */
function slowBody(socket: Socket) {
  socket.write(
    'POST /webhooks/shopify/demo HTTP/1.1\r\nHost: hub.test\r\n' +
      'Content-Type: application/json\r\nX-Shopify-Topic: orders/create\r\n' +
      'X-Shopify-Hmac-Sha256: AAAA\r\nContent-Length: 100000\r\n\r\n{',
  )
  trickle(socket, () => ' ', 100)
}

const storedWebhooks = () => inboxCount(hub.deps.db)

const healthOn = async (server: RunningServer) =>
  (await fetch(`http://127.0.0.1:${server.port}/healthz`)).status

describe('server timeouts', () => {
  it('disconnects a slow-loris client after the headers timeout, with 408', async () => {
    const held = await open(timed.port)
    slowHeaders(held.socket)
    const { received, afterMs } = await held.closed
    expect(received).toMatch(/^HTTP\/1\.1 408/)
    expect(afterMs).toBeGreaterThanOrEqual(450)
    expect(afterMs).toBeLessThan(5_000)
    expect(await healthOn(timed)).toBe(200)
  })

  it('disconnects a slow-body client after the request timeout, storing nothing', async () => {
    const before = await storedWebhooks()
    const held = await open(timed.port)
    slowBody(held.socket)
    const { received, afterMs } = await held.closed
    expect(received).toMatch(/^HTTP\/1\.1 408/)
    expect(afterMs).toBeGreaterThanOrEqual(1_100)
    expect(afterMs).toBeLessThan(6_000)
    expect(await storedWebhooks()).toBe(before)
    expect(await healthOn(timed)).toBe(200)
  })
})

describe('connection cap', () => {
  it('refuses connections beyond the cap while one already open still works', async () => {
    const held = await Promise.all([open(capped.port), open(capped.port), open(capped.port)])
    const extra = await open(capped.port)
    // Refused: the server closes it without a byte of answer.
    const refused = await extra.closed
    expect(refused.received).toBe('')
    // An open one is served on its connection.
    const first = held[0]
    first.socket.write('GET /healthz HTTP/1.1\r\nHost: hub.test\r\nConnection: close\r\n\r\n')
    const { received } = await first.closed
    expect(received).toMatch(/^HTTP\/1\.1 200/)
    for (const h of held) h.socket.destroy()
    await Promise.all(held.map((h) => h.closed))
    // Below the cap again: new connections are served.
    expect(await healthOn(capped)).toBe(200)
  })

  it('counts every drop by reason in hub_http_connections_dropped_total', async () => {
    const count = async (reason: string) =>
      Number(
        new RegExp(`hub_http_connections_dropped_total\\{reason="${reason}"\\} (\\d+)`).exec(
          await hub.deps.metrics.render(),
        )?.[1] ?? 0,
      )
    const before = { timeout: await count('timeout'), cap: await count('max-connections') }
    // A server of its own with room for two: the two slow clients fill it, a third is refused, then
    // both slow ones time out. (Connections other tests leave open elsewhere cannot change this.)
    const own = await startHttp(hub.app, {
      host: '127.0.0.1',
      port: 0,
      limits: { ...hub.config.http.limits, maxConnections: 2 },
      watch: watch(),
    })
    try {
      const [loris, trickling] = await Promise.all([open(own.port), open(own.port)])
      slowHeaders(loris.socket)
      slowBody(trickling.socket)
      const extra = await open(own.port)
      await Promise.all([loris.closed, trickling.closed, extra.closed])
    } finally {
      await own.close()
    }
    expect((await count('timeout')) - before.timeout).toBe(2)
    expect((await count('max-connections')) - before.cap).toBe(1)
  })
})

describe('admin body size', () => {
  it('refuses an admin body over ADMIN_MAX_BODY_BYTES with 413, storing nothing', async () => {
    const stored = () => hub.deps.db.selectFrom('subscription').select('id').execute()
    const before = await stored()
    const body = JSON.stringify({
      url: 'https://example.com/hook',
      eventTypes: ['order.*'],
      description: 'x'.repeat(2_000),
    })
    const res = await hub.app.request('/v1/subscriptions', {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body,
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ error: expect.stringContaining('ADMIN_MAX_BODY_BYTES') })
    expect(await stored()).toEqual(before)
  })
})
