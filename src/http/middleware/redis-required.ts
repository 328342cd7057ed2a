import type { MiddlewareHandler } from 'hono'
import type { RedisClient } from '../../redis-client.js'
import type { AppEnv } from '../env.js'

/** How long a request waits for a connection that is (re)connecting before it is answered 503. */
const GRACE_MS = 500

/**
 * For routes that can do nothing without Redis (Bull Board reads and changes jobs): while the
 * connection is not ready, answer 503 promptly. BullMQ would otherwise wait for the connection
 * (a queue created before Redis was reachable waits indefinitely) and the request would hang.
 * A short grace covers a connection still being opened (a process that just started) or
 * re-opened after a blip.
 */
export function redisRequired(redis: RedisClient): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (redis.status !== 'ready' && !(await readyWithin(redis, GRACE_MS))) {
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

function readyWithin(redis: RedisClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const ready = () => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      redis.off('ready', ready)
      resolve(false)
    }, ms)
    redis.once('ready', ready)
  })
}
