// End-to-end latency: signed webhook sent at a fixed rate → normalized event received by a subscriber.
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { cpuGroups, startCpuMeter, waitForQuiet, type CpuReport } from './cpu.js'
import { hubCpuGroups, startHub, type HubLayout } from './hub.js'
import { WEBHOOK_PATH, type SignedPool } from './signed-requests.js'
import { percentiles, type Percentiles } from './stats.js'
import { startSubscriber, subscribe } from './subscriber.js'

export interface EndToEndPlan {
  /** `all`: one hub process does everything; `api+worker`: HTTP and the workers run separately. */
  readonly layout: HubLayout
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
  readonly layout: HubLayout
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

export async function measureEndToEnd(plan: EndToEndPlan, mainJs: string): Promise<EndToEndResult> {
  const total = Math.round(plan.rate * plan.seconds)
  const warmupCount = Math.round(plan.rate * plan.warmupSeconds)
  const sub = await startSubscriber(plan.pool, total)
  const hub = await startHub({
    layout: plan.layout,
    label: `end-to-end-${plan.layout.replace('+', '-')}`,
    logDir: plan.logDir,
    mainJs,
  })
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
    const meter = startCpuMeter(cpuGroups(hubCpuGroups(hub)))
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
      layout: plan.layout,
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
