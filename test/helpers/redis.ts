// A test's own Redis connection, made as the hub makes its own (src/queues/redis.ts): a node
// client on one Redis, a Cluster client when TEST_REDIS_URL names a cluster.
import type { RedisOptions } from 'ioredis'
import { redisTarget } from '../../src/config/redis.js'
import { connect } from '../../src/queues/redis.js'
import type { RedisClient } from '../../src/redis-client.js'
import { TEST_REDIS_URL } from '../services.js'

export function testRedis(options: RedisOptions = {}, url = TEST_REDIS_URL): RedisClient {
  const target = redisTarget(url, [])
  if ('problem' in target) throw new Error(`test Redis ${url}: ${target.problem}`)
  return connect(target, options)
}
