// Closed-loop load with autocannon: N keep-alive connections, each POSTing the next signed webhook.
import autocannon, { type Client, type Result } from 'autocannon'
import { WEBHOOK_PATH, type SignedPool } from './signed-requests.js'

export interface LoadResult {
  readonly connections: number
  readonly seconds: number
  /** Requests written, counting the ones still in flight at the deadline (all were answered). */
  readonly sent: number
  /** 2xx answers over the whole run, including those that arrived after the deadline. */
  readonly ok: number
  /** 2xx answers received before the deadline, per second of the window: the throughput. */
  readonly okPerSecond: number
  readonly non2xx: number
  readonly statusCodes: Record<string, number>
  readonly errors: number
  readonly timeouts: number
  /** Acknowledgement latency in ms (autocannon's hdr histogram, 1 ms resolution). */
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
}

/**
 * Runs `seconds` of load at `baseUrl` with webhooks `pool.get(firstIndex)` onwards, one distinct
 * webhook per request. At the deadline no connection sends again, but every request already sent
 * is answered before this resolves, so the server has nothing left in flight: what it stored is
 * exactly what it acknowledged. `nextIndex` tells the caller where the next run should continue.
 */
export async function runLoad(opts: {
  readonly baseUrl: string
  readonly connections: number
  readonly seconds: number
  readonly pool: SignedPool
  readonly firstIndex: number
  readonly onDeadline?: () => void
}): Promise<LoadResult & { nextIndex: number }> {
  let next = opts.firstIndex
  let okInWindow = 0
  let inWindow = true
  const clients: Client[] = []
  const instance = autocannon({
    url: opts.baseUrl,
    connections: opts.connections,
    pipelining: 1,
    // Never reached: the deadline below stops each connection once its last answer is in.
    duration: opts.seconds + 120,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        setupRequest: (req) => {
          const webhook = opts.pool.get(next++)
          return { ...req, headers: webhook.headers, body: webhook.body }
        },
      },
    ],
    setupClient: (client) => clients.push(client),
  })
  instance.on('response', (_client: unknown, status: number) => {
    if (inWindow && status >= 200 && status < 300) okInWindow++
  })
  const started = performance.now()
  const deadline = setTimeout(() => {
    inWindow = false
    opts.onDeadline?.()
    // autocannon destroys a client, without sending, once reqsMade >= responseMax.
    for (const client of clients) client.responseMax = Math.max(1, client.reqsMade)
  }, opts.seconds * 1000)
  let result: Result
  try {
    result = await instance
  } finally {
    clearTimeout(deadline)
  }
  const windowSeconds = Math.min(opts.seconds, (performance.now() - started) / 1000)
  const statusCodes: Record<string, number> = {}
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count
  return {
    connections: opts.connections,
    seconds: Math.round(windowSeconds * 100) / 100,
    sent: next - opts.firstIndex,
    ok: result['2xx'],
    okPerSecond: Math.round(okInWindow / windowSeconds),
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: Math.round(result.latency.mean * 100) / 100,
    },
    nextIndex: next,
  }
}
