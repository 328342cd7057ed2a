import type { Cluster, Redis } from 'ioredis'

/**
 * A connection to one Redis node or to a Redis Cluster (src/queues/redis.ts makes either). Both
 * take the same commands; what differs is that on a cluster a command, script or transaction
 * may only touch keys of one slot, and a SCAN sees one node's keys.
 */
export type RedisClient = Redis | Cluster

/** Where Redis is, as src/config/redis.ts reads it from the environment. */
export interface RedisTarget {
  /** The node's URL, or the cluster seeds' URLs joined by commas (what logs and messages show). */
  readonly url: string
  /** The variable that named it, for messages. */
  readonly variable: 'REDIS_URL' | 'REDIS_CLUSTER_NODES'
  /** Present on a cluster: its seed nodes and what every node is connected with. */
  readonly cluster?: {
    readonly nodes: readonly { readonly host: string; readonly port: number }[]
    readonly username?: string
    readonly password?: string
    readonly tls: boolean
  }
}

/** Where a SCAN must run to see every key: each master of a cluster, or the one node. */
export function scanTargets(redis: RedisClient): Redis[] {
  return redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis]
}

/**
 * `keys` in groups that one pipeline or MULTI may touch together: all of them on one node, each
 * alone on a cluster (where keys of different slots may sit on different nodes; grouping by
 * slot would save round trips only on paths that are not hot).
 */
export function keyBatches(redis: RedisClient, keys: readonly string[]): string[][] {
  if (keys.length === 0) return []
  return redis.isCluster ? keys.map((k) => [k]) : [[...keys]]
}

/** Deletes every key matching `pattern` (a SCAN MATCH pattern) on every node; returns how many. */
export async function deleteMatching(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0
  for (const node of scanTargets(redis)) {
    for await (const keys of node.scanStream({ match: pattern, count: 500 })) {
      // One key per command through `redis`: a cluster refuses a multi-key UNLINK across slots.
      const counts = await Promise.all(
        keyBatches(redis, keys as string[]).map((batch) => redis.unlink(...batch)),
      )
      deleted += counts.reduce((a, b) => a + b, 0)
    }
  }
  return deleted
}
