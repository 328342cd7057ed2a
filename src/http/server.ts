import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { ServerLimits } from '../config/index.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics/index.js'
import type { AppEnv } from './env.js'
import { createLogSampler } from './log-sampler.js'

export interface RunningServer {
  readonly port: number
  /** Stops accepting connections and waits for in-flight requests to finish. */
  close(): Promise<void>
}

/** Why the server let a connection go before answering it. */
export type DroppedReason = 'max-connections' | 'timeout' | 'malformed'

export interface ServerWatch {
  readonly metrics: Pick<Metrics, 'countDroppedConnection'>
  readonly log: Logger
}

/** One log line per reason at most this often; the metric counts every one. */
const LOG_EVERY_MS = 10_000

export function startHttp(
  app: Hono<AppEnv>,
  opts: {
    host: string
    port: number
    /** Node's own defaults (no connection cap, 300 s per request) when absent. */
    limits?: ServerLimits
    /** Where dropped connections are counted and (sampled) logged. */
    watch?: ServerWatch
  },
): Promise<RunningServer> {
  const { limits, watch } = opts
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        hostname: opts.host,
        port: opts.port,
        ...(limits
          ? {
              serverOptions: {
                headersTimeout: limits.headersTimeoutMs,
                requestTimeout: limits.requestTimeoutMs,
                keepAliveTimeout: limits.keepAliveTimeoutMs,
                // Node checks both timeouts on this interval (default 30 s), so a short timeout
                // would otherwise be enforced up to 30 s late.
                connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs / 2),
              },
            }
          : {}),
      },
      (info) =>
        resolve({
          port: info.port,
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((err) => (err ? fail(err) : done()))
              // Idle keep-alive sockets would otherwise hold close() open until they time out.
              if ('closeIdleConnections' in server) server.closeIdleConnections()
            }),
        }),
    ) as Server
    server.once('error', reject)
    if (limits && limits.maxConnections > 0) server.maxConnections = limits.maxConnections
    if (watch) watchDrops(server, watch)
  })
}

/**
 * Counts and logs (sampled) the connections the server drops: beyond the cap (`drop`, the socket
 * is closed unanswered), and requests too slow or malformed (`clientError`). A `clientError`
 * listener takes over Node's own answer, so it is written here as Node writes it.
 */
function watchDrops(server: Server, { metrics, log }: ServerWatch): void {
  const sampler = createLogSampler(LOG_EVERY_MS)
  const dropped = (reason: DroppedReason, details: Record<string, unknown>) => {
    metrics.countDroppedConnection(reason)
    const sample = sampler.first(reason)
    if (!sample.log) return
    log.warn(
      { reason, ...details, droppedSinceLastLine: sample.skipped },
      'HTTP connection dropped (counted in hub_http_connections_dropped_total)',
    )
  }
  server.on('drop', (data?: { remoteAddress?: string }) =>
    dropped('max-connections', { remoteAddress: data?.remoteAddress, cap: server.maxConnections }),
  )
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // A peer that reset or went away needs no answer and is no refusal.
    if (err.code !== 'ECONNRESET') {
      const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      dropped(timedOut ? 'timeout' : 'malformed', {
        code: err.code,
        remoteAddress: socket.remoteAddress,
      })
      // As Node answers without a listener: only where no answer has begun on this socket.
      const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage
      if (socket.writable && !inFlight?.headersSent) socket.write(errorResponse(err.code))
    }
    socket.destroy(err)
  })
}

function errorResponse(code: string | undefined): string {
  const status =
    code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? '408 Request Timeout'
      : code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request'
  return `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
}
