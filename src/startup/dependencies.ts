import { Redis } from 'ioredis'
import { ensureDatabase } from '../db/migrate.js'
import { describePostgresFailure, describeRedisFailure, redactUrl } from './dependency-failure.js'
import { StartupError, type Dependency } from './wait-for-dependency.js'

/**
 * PostgreSQL as start-up sees it: reachable, the role accepted, the database present (created
 * when missing, which needs the maintenance database `postgres`). Resolves whether it was created.
 */
export function postgresDependency(url: string, connectTimeoutMs: number): Dependency<boolean> {
  return {
    name: 'PostgreSQL',
    variable: 'DATABASE_URL',
    url,
    attempt: () => ensureDatabase(url, { connectTimeoutMs }),
    describe: describePostgresFailure,
  }
}

/** Where start-up finds Redis: src/config's RedisTarget, as much of it as the probe needs. */
export interface RedisProbeTarget {
  readonly url: string
  readonly variable: 'REDIS_URL' | 'REDIS_CLUSTER_NODES'
  readonly cluster?: unknown
}

/**
 * Redis as start-up sees it: a short-lived connection to each configured node that must answer
 * PING and be what the configuration says, one node or a Redis Cluster (`INFO cluster`). A node
 * client on a cluster node would fail on every key of another node's slots; a cluster client on
 * a plain node never becomes ready. Either mismatch is a StartupError naming what to set. It never
 * retries on its own (the caller does, with its log line per attempt) and queues nothing while down.
 */
export function redisDependency(
  target: RedisProbeTarget,
  connectTimeoutMs: number,
): Dependency<void> {
  const nodes = target.url.split(',')
  return {
    name: 'Redis',
    variable: target.variable,
    url: target.url,
    async attempt() {
      // A cluster needs one seed that answers; a seed that is down is the cluster's business.
      const answers = await Promise.allSettled(nodes.map((url) => probeNode(url, connectTimeoutMs)))
      const reached = answers.flatMap((a, i) =>
        a.status === 'fulfilled' ? [{ url: nodes[i] as string, ...a.value }] : [],
      )
      const first = reached[0]
      if (!first) throw (answers[0] as PromiseRejectedResult).reason
      if (!target.cluster && first.clusterEnabled)
        throw new StartupError(
          `Redis (${target.variable}=${redactUrl(target.url)}) is a Redis Cluster node (cluster_enabled:1): ` +
            "one connection to it cannot reach the keys of the other nodes. List the cluster's nodes in " +
            'REDIS_CLUSTER_NODES (host:port,…) instead of REDIS_URL.',
        )
      const plain = reached.find((r) => !r.clusterEnabled)
      if (target.cluster && plain)
        throw new StartupError(
          `Redis (${target.variable}=${redactUrl(target.url)}) is not a Redis Cluster: ` +
            `${redactUrl(plain.url)} answers cluster_enabled:0. Set REDIS_URL to that one node ` +
            '(and unset REDIS_CLUSTER_NODES), or list nodes started with --cluster-enabled yes.',
        )
      // Slots not all served yet (a cluster being created or failing over): worth waiting for.
      const down = reached.find((r) => r.clusterEnabled && r.clusterState !== 'ok')
      if (target.cluster && down)
        throw new Error(`cluster_state:${down.clusterState} at ${redactUrl(down.url)}`)
    },
    describe: describeRedisFailure,
  }
}

/** One node's answer to PING and `INFO cluster` (and `CLUSTER INFO` when it is a cluster node). */
async function probeNode(
  url: string,
  connectTimeoutMs: number,
): Promise<{ clusterEnabled: boolean; clusterState?: string }> {
  const probe = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: connectTimeoutMs,
    connectionName: 'hub-startup-check',
  })
  // ioredis reports the real cause (ECONNREFUSED, WRONGPASS) as an 'error' event and rejects
  // connect() with a bare "Connection is closed": keep the event's error.
  let reported: Error | undefined
  probe.on('error', (err: Error) => (reported ??= err))
  try {
    await probe.connect()
    await probe.ping()
    const clusterEnabled = /^cluster_enabled:1\s*$/m.test(await probe.info('cluster'))
    const state = clusterEnabled
      ? /^cluster_state:(\w+)/m.exec(String(await probe.call('CLUSTER', 'INFO')))?.[1]
      : undefined
    // Connected, but a setting in the URL was refused (a database index out of range).
    if (reported !== undefined) throw reported
    return { clusterEnabled, ...(state ? { clusterState: state } : {}) }
  } catch (err) {
    throw reported ?? (err as Error)
  } finally {
    probe.disconnect()
  }
}
