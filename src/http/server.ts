import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import type { AppEnv } from './env.js'

export interface RunningServer {
  readonly port: number
  /** Stops accepting connections and waits for in-flight requests to finish. */
  close(): Promise<void>
}

export function startHttp(
  app: Hono<AppEnv>,
  opts: { host: string; port: number },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server: ServerType = serve(
      { fetch: app.fetch, hostname: opts.host, port: opts.port },
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
    )
    server.once('error', reject)
  })
}
