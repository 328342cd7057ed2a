/**
 * What a failed connection to PostgreSQL or Redis means to the person starting the hub: a short
 * cause in plain words, and whether waiting can fix it. A server still starting or not yet
 * reachable is worth waiting for; a wrong password, an unknown role or a missing database is a
 * configuration mistake that no amount of retrying fixes, so the hub says so at once.
 */
export interface DependencyFailure {
  /** E.g. "connection refused", "authentication failed: password authentication failed for user x". */
  readonly cause: string
  /** True when retrying cannot help. */
  readonly permanent: boolean
}

/** Socket-level causes, shared by both clients (Node's system error codes). */
const NETWORK_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (nothing listens at that address)',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  // A compose service name resolves only once its container exists: worth waiting for.
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary)',
  EPIPE: 'connection closed by the server',
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return messageOf(err.errors[0])
  return err instanceof Error ? err.message : String(err)
}

/** Node reports a refused dual-stack connect as an AggregateError of per-address errors. */
function networkCause(err: unknown): string | undefined {
  const direct = NETWORK_CAUSES[codeOf(err) ?? '']
  if (direct) return direct
  if (err instanceof AggregateError) {
    for (const inner of err.errors as unknown[]) {
      const cause = NETWORK_CAUSES[codeOf(inner) ?? '']
      if (cause) return cause
    }
  }
  return undefined
}

/**
 * PostgreSQL's SQLSTATE codes for a connection it refuses for good, and what they mean here.
 * Source: https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const PERMANENT_SQLSTATES: Readonly<Record<string, string>> = {
  '28P01': 'authentication failed', // invalid_password
  '28000': 'authentication failed', // invalid_authorization_specification: unknown role, no pg_hba.conf entry
  '3D000': 'database does not exist', // invalid_catalog_name
  '42501': 'permission denied', // insufficient_privilege: the role may not create the database
}

/** cannot_connect_now (starting up or shutting down), too_many_connections: waiting helps. */
const TRANSIENT_SQLSTATES = new Set(['57P03', '53300'])

/** What a failed PostgreSQL connection means (SQLSTATEs above, socket errors, pg's timeouts). */
export function describePostgresFailure(err: unknown): DependencyFailure {
  const network = networkCause(err)
  if (network) return { cause: network, permanent: false }
  const message = messageOf(err)
  const code = codeOf(err) ?? ''
  const kind = PERMANENT_SQLSTATES[code]
  if (kind) return { cause: `${kind}: ${message}`, permanent: true }
  if (TRANSIENT_SQLSTATES.has(code)) return { cause: message, permanent: false }
  // pg's own words for its connectionTimeoutMillis and for a server that hung up mid-handshake.
  if (/timeout|terminated unexpectedly|Connection terminated/i.test(message))
    return { cause: 'connection timed out', permanent: false }
  return { cause: message, permanent: true }
}

/**
 * Redis's replies to a connection it refuses to serve.
 * Source: https://redis.io/docs/latest/commands/auth/ (WRONGPASS, NOAUTH)
 */
export function describeRedisFailure(err: unknown): DependencyFailure {
  const network = networkCause(err)
  if (network) return { cause: network, permanent: false }
  const message = messageOf(err)
  if (/^(WRONGPASS|NOAUTH)|invalid (username-)?password|AUTH failed/i.test(message))
    return { cause: `authentication failed: ${message}`, permanent: true }
  // LOADING: Redis is reading its data set from disk; it answers once done.
  if (/^LOADING|Connection is closed|connect ETIMEDOUT|timed? ?out/i.test(message))
    return { cause: message, permanent: false }
  return { cause: message, permanent: true }
}

/** True for errors that only say the connection to Redis is down (folded, not logged one by one). */
export function isRedisConnectionError(err: unknown): boolean {
  if (networkCause(err)) return true
  // "None of startup nodes…", "Failed to refresh slots…": ioredis's Cluster client when no node answers.
  return /Connection is closed|Stream isn't writeable|None of startup nodes is available|Failed to refresh slots cache|Reached the max retries per request|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ECONNRESET/.test(
    messageOf(err),
  )
}

/** A connection URL as it may be logged: the password replaced, everything else kept. */
export function redactUrl(url: string): string {
  // A Redis Cluster's nodes, comma-separated (src/config/redis.ts).
  if (url.includes(',')) return url.split(',').map(redactUrl).join(',')
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}
