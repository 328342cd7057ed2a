import { Redis } from 'ioredis'

export interface RedisConnections {
  /** Commands from the HTTP path and the relay: fails fast when Redis is away, so callers can fall back. */
  readonly producer: Redis
  /** BullMQ workers' connection: waits for Redis instead of failing (BullMQ production guidance). */
  readonly worker: Redis
}

export function createRedis(url: string): RedisConnections {
  return {
    producer: new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectionName: 'hub-producer',
    }),
    worker: new Redis(url, { maxRetriesPerRequest: null, connectionName: 'hub-worker' }),
  }
}

export async function closeRedis(redis: RedisConnections): Promise<void> {
  await Promise.allSettled([redis.producer.quit(), redis.worker.quit()])
  redis.producer.disconnect()
  redis.worker.disconnect()
}
