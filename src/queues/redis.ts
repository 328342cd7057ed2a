import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { RedisClient, RedisTarget } from '../redis-client.js'
import type { Logger } from '../logger.js'
import { createRedisWatch, type RedisWatch } from './redis-watch.js'

export interface RedisConnections {
  /** Commands from the HTTP path and the relay: fails fast when Redis is away, so callers can fall back. */
  readonly producer: RedisClient
  /** BullMQ workers' connection: waits for Redis instead of failing (BullMQ production guidance). */
  readonly worker: RedisClient
  /** Folds the connections' error events into a few lines while Redis is away. */
  readonly watch: RedisWatch
}

/** How often the log repeats that Redis is still away. */
const REMIND_EVERY_MS = 30_000

const PRODUCER: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectionName: 'hub-producer',
}
const WORKER: RedisOptions = { maxRetriesPerRequest: null, connectionName: 'hub-worker' }

export function createRedis(target: RedisTarget, log: Logger): RedisConnections {
  const conns = {
    producer: connect(target, PRODUCER),
    worker: connect(target, WORKER),
  }
  const watch = createRedisWatch(conns, {
    url: target.url,
    variable: target.variable,
    log,
    remindEveryMs: REMIND_EVERY_MS,
  })
  for (const [role, conn] of Object.entries(conns)) {
    conn.on('error', (err: Error) => {
      if (!watch.folds(err)) log.warn({ err: err.message, role }, 'Redis connection error')
    })
  }
  return { ...conns, watch }
}

/**
 * One connection to the target with `options`; on a cluster, a Cluster client whose connections
 * to each node take them. What ioredis does on its own at cluster level follows the node options:
 * the producer queues nothing while the cluster is unreachable or failing over (it fails fast,
 * and PostgreSQL keeps the work), the worker waits and retries through a failover
 * (https://github.com/redis/ioredis#cluster).
 */
export function connect(target: RedisTarget, options: RedisOptions): RedisClient {
  const { cluster } = target
  if (!cluster) return new Redis(target.url, options)
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
    redisOptions: {
      ...options,
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
  }
  return new Cluster([...cluster.nodes], clusterOptions)
}

export async function closeRedis(redis: RedisConnections): Promise<void> {
  redis.watch.stop()
  await Promise.allSettled([redis.producer.quit(), redis.worker.quit()])
  redis.producer.disconnect()
  redis.worker.disconnect()
}
