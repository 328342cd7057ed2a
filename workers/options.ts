import type { WorkerOptions } from 'bullmq'
import type { RedisClient } from '../src/redis-client.js'
import { queuePrefix, type QueueKeyLayout } from '../src/queues/index.js'
import { hubBackoff } from './attempts.js'

export interface WorkerBase extends QueueKeyLayout {
  readonly connection: RedisClient
  readonly backoffMaxMs: number
  /** See `Config.maintenance.jobLockMs` and `jobStalledIntervalMs`. */
  readonly lockMs: number
  readonly stalledIntervalMs: number
}

/** Every worker gets its connection, prefix and backoff from deps; none creates its own. */
export function workerOptions(base: WorkerBase, queue: string, concurrency: number): WorkerOptions {
  return {
    connection: base.connection,
    prefix: queuePrefix(base, queue),
    concurrency,
    lockDuration: base.lockMs,
    stalledInterval: base.stalledIntervalMs,
    settings: { backoffStrategy: hubBackoff(base.backoffMaxMs) },
  }
}
