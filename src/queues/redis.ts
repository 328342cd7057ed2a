import { Redis } from 'ioredis'
import type { Logger } from '../logger.js'
import { createRedisWatch, type RedisWatch } from './redis-watch.js'

export interface RedisConnections {
  /** Commands from the HTTP path and the relay: fails fast when Redis is away, so callers can fall back. */
  readonly producer: Redis
  /** BullMQ workers' connection: waits for Redis instead of failing (BullMQ production guidance). */
  readonly worker: Redis
  /** Folds the connections' error events into a few lines while Redis is away. */
  readonly watch: RedisWatch
}

/** How often the log repeats that Redis is still away. */
const REMIND_EVERY_MS = 30_000

export function createRedis(url: string, log: Logger): RedisConnections {
  const conns = {
    producer: new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectionName: 'hub-producer',
    }),
    worker: new Redis(url, { maxRetriesPerRequest: null, connectionName: 'hub-worker' }),
  }
  const watch = createRedisWatch(conns, { url, log, remindEveryMs: REMIND_EVERY_MS })
  for (const [role, conn] of Object.entries(conns)) {
    conn.on('error', (err: Error) => {
      if (!watch.folds(err)) log.warn({ err: err.message, role }, 'Redis connection error')
    })
  }
  return { ...conns, watch }
}

export async function closeRedis(redis: RedisConnections): Promise<void> {
  redis.watch.stop()
  await Promise.allSettled([redis.producer.quit(), redis.worker.quit()])
  redis.producer.disconnect()
  redis.worker.disconnect()
}
