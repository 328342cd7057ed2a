import type { MiddlewareHandler } from 'hono'
import type { Redis } from 'ioredis'
import type { AppEnv } from '../env.js'

/**
 * For routes that can do nothing without Redis (Bull Board reads and changes jobs): while the
 * connection is not ready, answer 503 at once. BullMQ would otherwise wait for the connection
 * (a queue created before Redis was reachable waits indefinitely) and the request would hang.
 */
export function redisRequired(redis: Redis): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (redis.status !== 'ready') {
      c.header('Retry-After', '5')
      return c.json(
        {
          error: 'Redis is unreachable: queues cannot be read or changed until it is back',
          redis: redis.status,
        },
        503,
      )
    }
    return next()
  }
}
