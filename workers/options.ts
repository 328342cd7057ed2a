import type { WorkerOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import { hubBackoff } from './attempts.js'

export interface WorkerBase {
  readonly connection: Redis
  readonly prefix: string
  readonly backoffMaxMs: number
  /** See `Config.maintenance.jobLockMs` and `jobStalledIntervalMs`. */
  readonly lockMs: number
  readonly stalledIntervalMs: number
}

/** Every worker gets its connection, prefix and backoff from deps; none creates its own. */
export function workerOptions(base: WorkerBase, concurrency: number): WorkerOptions {
  return {
    connection: base.connection,
    prefix: base.prefix,
    concurrency,
    lockDuration: base.lockMs,
    stalledInterval: base.stalledIntervalMs,
    settings: { backoffStrategy: hubBackoff(base.backoffMaxMs) },
  }
}
