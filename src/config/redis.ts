import type { RedisTarget } from '../redis-client.js'

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/**
 * Where Redis is: one node (`REDIS_URL`) or a Redis Cluster (several `redis://` URLs in
 * `REDIS_URL`, or `REDIS_CLUSTER_NODES`). A cluster's nodes are seeds: ioredis asks any of them
 * for the slot map and finds the rest itself, so every seed must speak the same way (scheme,
 * user, password), and a cluster has database 0 only
 * (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#implemented-subset).
 * Returns the target, or the one problem that stops start-up, prefixed with its variable.
 */
export function redisTarget(
  redisUrl: string | undefined,
  clusterNodes: readonly string[],
): RedisTarget | { readonly problem: string } {
  const urls = (redisUrl ?? DEFAULT_REDIS_URL)
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
  if (clusterNodes.length > 0) {
    if (redisUrl !== undefined && redisUrl !== DEFAULT_REDIS_URL)
      return {
        problem:
          'REDIS_CLUSTER_NODES: set either REDIS_URL (one node, or a cluster as a comma-separated list) ' +
          'or REDIS_CLUSTER_NODES (a cluster), not both',
      }
    return clusterOf(
      'REDIS_CLUSTER_NODES',
      clusterNodes.map((n) => (/^rediss?:\/\//.test(n) ? n : `redis://${n}`)),
    )
  }
  const [only] = urls
  if (urls.length === 1 && only !== undefined) return { url: only, variable: 'REDIS_URL' }
  return clusterOf('REDIS_URL', urls)
}

function clusterOf(
  variable: RedisTarget['variable'],
  urls: readonly string[],
): RedisTarget | { readonly problem: string } {
  const parsed = urls.map((u) => ({ text: u, url: URL.parse(u) }))
  const bad = parsed.find((p) => !p.url || !/^rediss?:$/.test(p.url.protocol) || !p.url.hostname)
  if (bad)
    return { problem: `${variable}: ${redact(bad.text)} is not a redis://host:port node address` }
  const nodes = parsed.map((p) => p.url as URL)
  const first = nodes[0] as URL
  const same = (u: URL) =>
    u.protocol === first.protocol && u.username === first.username && u.password === first.password
  if (!nodes.every(same))
    return {
      problem:
        `${variable}: the cluster's nodes mix schemes or credentials (${urls.map(redact).join(', ')}); ` +
        'every node is connected the same way, so give them all the same scheme, user and password',
    }
  if (nodes.some((u) => !['', '/', '/0'].includes(u.pathname)))
    return { problem: `${variable}: a Redis Cluster has database 0 only; drop the /<db> path` }
  const password = first.password ? decodeURIComponent(first.password) : undefined
  const username = first.username ? decodeURIComponent(first.username) : undefined
  return {
    url: nodes.map((u) => u.href).join(','),
    variable,
    cluster: {
      nodes: nodes.map((u) => ({
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: Number(u.port || 6379),
      })),
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      tls: first.protocol === 'rediss:',
    },
  }
}

function redact(url: string): string {
  return url.replace(/(\/\/[^:@/]*:)[^@/]*@/, '$1***@')
}

/**
 * Whether the queue prefix carries its own hash tag (`{hub}`, `app-{hub}`): then every key of the
 * hub is in that tag's slot, on a cluster too. Without one the hub tags each queue on a cluster.
 */
export function hasHashTag(prefix: string): boolean {
  return prefix.includes('{')
}

/**
 * What is wrong with a queue prefix, or undefined. Letters, digits and `-` (BullMQ forbids `:`
 * in names it joins keys with), with at most one hash tag: Redis Cluster hashes the part between
 * the first `{` and the next `}` when it is not empty, so `{}` or an unclosed `{` would not tag.
 */
export function prefixProblem(prefix: string): string | undefined {
  if (/^[a-z0-9-]*(\{[a-z0-9-]+\})?[a-z0-9-]*$/.test(prefix) && prefix !== '') return undefined
  if (/[{}]/.test(prefix))
    return (
      `${JSON.stringify(prefix)} cannot hash-tag: braces must enclose one non-empty tag ` +
      'of lower-case letters, digits and "-", e.g. {hub}, or leave them out (hub) and the hub tags each queue'
    )
  return 'lower-case letters, digits and "-" only (BullMQ forbids ":"), with an optional hash tag like {hub}'
}
