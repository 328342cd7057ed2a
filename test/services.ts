// Where the test suite finds PostgreSQL and Redis. Defaults are the addresses documented in the
// README; TEST_PG_ADMIN_URL / TEST_REDIS_URL override them for machines set up differently.
/* eslint-disable no-restricted-properties -- the test suite's own configuration */
export const TEST_PG_ADMIN_URL =
  process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The local Redis Cluster (scripts/redis-cluster.sh) the `integration-cluster` project runs on. */
export const TEST_REDIS_CLUSTER_PORT = 7100
/** Its masters' first three nodes as seeds, in the form REDIS_URL takes for a cluster. */
export const TEST_REDIS_CLUSTER_URL = [0, 1, 2]
  .map((i) => `redis://127.0.0.1:${TEST_REDIS_CLUSTER_PORT + i}`)
  .join(',')
/** A plain Redis (not a cluster node) in every project: the one TEST_REDIS_URL names outside it. */
export const TEST_REDIS_NODE_URL = process.env.TEST_REDIS_NODE_URL ?? TEST_REDIS_URL
/** True when this run's Redis is a cluster (a comma-separated TEST_REDIS_URL). */
export const TEST_REDIS_IS_CLUSTER = TEST_REDIS_URL.includes(',')

/** The same server as TEST_PG_ADMIN_URL, another database. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}
