// Minimal types for the parts of autocannon 9 the benchmark uses (@types/autocannon covers only 7.x).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface RequestParams {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string | Buffer
  }

  interface Request extends RequestParams {
    /** Called before every send; the result is what is sent. */
    setupRequest?: (req: RequestParams, context: Record<string, unknown>) => RequestParams | null
    onResponse?: (status: number, body: string, context: Record<string, unknown>) => void
  }

  /** The per-connection client; `reqsMade` and `responseMax` are the internals the bench reads. */
  interface Client extends EventEmitter {
    reqsMade: number
    responseMax: number
  }

  interface Options {
    url: string
    connections?: number
    pipelining?: number
    duration?: number
    amount?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    body?: string | Buffer
    requests?: Request[]
    setupClient?: (client: Client) => void
    excludeErrorStats?: boolean
  }

  interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
    p50: number
    p90: number
    p97_5: number
    p99: number
    sent?: number
  }

  interface Result {
    duration: number
    start: Date
    finish: Date
    connections: number
    errors: number
    timeouts: number
    non2xx: number
    resets: number
    '2xx': number
    '4xx': number
    '5xx': number
    statusCodeStats: Record<string, { count: number }>
    latency: Histogram & { totalCount: number }
    requests: Histogram & { sent: number }
    throughput: Histogram
  }

  interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void
  }

  function autocannon(opts: Options, cb?: (err: Error | null, result: Result) => void): Instance

  export type { Client, Instance, Options, Request, RequestParams, Result }
  export default autocannon
}
