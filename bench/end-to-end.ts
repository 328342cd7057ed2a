// End-to-end latency: signed webhook sent at a fixed rate → normalized event received by a subscriber.
import { createHmac } from 'node:crypto'
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { cpuGroups, startCpuMeter, waitForQuiet, type CpuReport } from './cpu.js'
import { ADMIN_TOKEN, startHub } from './hub.js'
import { WEBHOOK_PATH, type SignedPool } from './signed-requests.js'
import { percentiles, type Percentiles } from './stats.js'

export interface EndToEndPlan {
  readonly rate: number
  readonly seconds: number
  /** Webhooks sent in the first `warmupSeconds` are sent and delivered but not counted. */
  readonly warmupSeconds: number
  /** How long to wait after the last send for deliveries still on their way. */
  readonly graceSeconds: number
  readonly pool: SignedPool
  readonly logDir: string
}

export interface EndToEndResult {
  readonly rate: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly sent: number
  readonly acknowledged: number
  readonly ackFailures: Record<string, number>
  /** Latest a send left relative to its schedule, in ms: large values mean the bench lagged. */
  readonly maxSendLagMs: number
  readonly ackLatencyMs: Percentiles
  /** After the warm-up only. */
  readonly measured: {
    readonly sent: number
    readonly delivered: number
    readonly missing: number
    readonly latencyMs: Percentiles
  }
  readonly deliveredTotal: number
  readonly duplicates: number
  readonly badSignatures: number
  readonly unknownEvents: number
  readonly cpu: CpuReport
}

interface Subscriber {
  url: string
  readonly received: Float64Array
  readonly counts: { delivered: number; duplicates: number; badSignatures: number; unknown: number }
  secret: string
  readonly server: Server
}

/** Standard Webhooks: v1,base64(HMAC-SHA256(base64-decoded secret, `${id}.${ts}.${body}`)). */
function validSignature(secret: string, req: IncomingMessage, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const id = String(req.headers['webhook-id'])
  const ts = String(req.headers['webhook-timestamp'])
  const given = String(req.headers['webhook-signature'] ?? '').split(' ')
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')
  return given.includes(`v1,${expected}`)
}

function startSubscriber(pool: SignedPool, capacity: number): Promise<Subscriber> {
  const received = new Float64Array(capacity)
  const counts = { delivered: 0, duplicates: 0, badSignatures: 0, unknown: 0 }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const at = performance.now()
      const body = Buffer.concat(chunks).toString('utf8')
      if (!validSignature(sub.secret, req, body)) counts.badSignatures++
      let externalId: unknown
      try {
        const event = JSON.parse(body) as { data?: { order?: { externalId?: unknown } } }
        externalId = event.data?.order?.externalId
      } catch {
        externalId = undefined
      }
      const i = typeof externalId === 'string' ? pool.indexOf(externalId) : -1
      if (i < 0 || i >= capacity) counts.unknown++
      else if (received[i] !== 0) counts.duplicates++
      else {
        received[i] = at
        counts.delivered++
      }
      res.writeHead(204).end()
    })
  })
  const sub: Subscriber = { url: '', received, counts, secret: '', server }
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      sub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub-events`
      resolve(sub)
    })
  })
}

async function subscribe(baseUrl: string, url: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, eventTypes: ['order.created.v1'] }),
  })
  const body = (await res.json()) as { id?: string; secret?: string }
  if (res.status !== 201 || !body.secret)
    throw new Error(`creating the subscription failed: HTTP ${res.status} ${JSON.stringify(body)}`)
  return body.secret
}

export async function measureEndToEnd(plan: EndToEndPlan, mainJs: string): Promise<EndToEndResult> {
  const total = Math.round(plan.rate * plan.seconds)
  const warmupCount = Math.round(plan.rate * plan.warmupSeconds)
  const sub = await startSubscriber(plan.pool, total)
  const hub = await startHub({ role: 'all', label: 'end-to-end', logDir: plan.logDir, mainJs })
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  try {
    sub.secret = await subscribe(hub.baseUrl, sub.url)
    const { hostname, port } = new URL(hub.baseUrl)
    const sentAt = new Float64Array(total)
    const ackMs: number[] = []
    const ackFailures: Record<string, number> = {}
    let pending = 0
    const send = (i: number) => {
      const webhook = plan.pool.get(i)
      pending++
      const t0 = performance.now()
      sentAt[i] = t0
      const req = request(
        {
          agent,
          hostname,
          port,
          method: 'POST',
          path: WEBHOOK_PATH,
          headers: { ...webhook.headers, 'content-length': String(webhook.body.length) },
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            pending--
            const status = res.statusCode ?? 0
            if (status >= 200 && status < 300) ackMs.push(performance.now() - t0)
            else ackFailures[`HTTP ${status}`] = (ackFailures[`HTTP ${status}`] ?? 0) + 1
          })
        },
      )
      req.on('error', (err) => {
        pending--
        ackFailures[err.message] = (ackFailures[err.message] ?? 0) + 1
      })
      req.end(webhook.body)
    }

    await waitForQuiet()
    // Open-loop pacing: webhook i is due at start + i / rate, whatever the hub's answers do.
    const meter = startCpuMeter(cpuGroups({ hub: () => [hub.child.pid] }))
    const start = performance.now()
    const intervalMs = 1000 / plan.rate
    let maxSendLagMs = 0
    for (let i = 0; i < total;) {
      const now = performance.now()
      while (i < total && start + i * intervalMs <= now) {
        maxSendLagMs = Math.max(maxSendLagMs, now - (start + i * intervalMs))
        send(i++)
      }
      if (i < total) await sleep(Math.max(0, start + i * intervalMs - performance.now()))
    }
    const cpu = meter.stop()
    const graceEnd = performance.now() + plan.graceSeconds * 1000
    while (performance.now() < graceEnd && (sub.counts.delivered < total || pending > 0))
      await sleep(20)

    const latencies: number[] = []
    for (let i = warmupCount; i < total; i++) {
      const got = sub.received[i]!
      if (got !== 0) latencies.push(got - sentAt[i]!)
    }
    const measuredSent = total - warmupCount
    return {
      rate: plan.rate,
      seconds: plan.seconds,
      warmupSeconds: plan.warmupSeconds,
      sent: total,
      acknowledged: ackMs.length,
      ackFailures,
      maxSendLagMs: round(maxSendLagMs),
      ackLatencyMs: percentiles(ackMs),
      measured: {
        sent: measuredSent,
        delivered: latencies.length,
        missing: measuredSent - latencies.length,
        latencyMs: percentiles(latencies),
      },
      deliveredTotal: sub.counts.delivered,
      duplicates: sub.counts.duplicates,
      badSignatures: sub.counts.badSignatures,
      unknownEvents: sub.counts.unknown,
      cpu,
    }
  } finally {
    agent.destroy()
    await hub.dispose()
    sub.server.closeAllConnections()
    await new Promise((resolve) => sub.server.close(resolve))
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
