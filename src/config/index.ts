import { accessSync, constants, statSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { connectors } from '../../connectors/index.js'
import { parseNetwork } from '../outbound/destination-guard.js'
import { CHANNEL_IDS } from '../events/index.js'
import { formatIssues } from '../issues.js'
import { DEFAULT_STOCK_SETTINGS, loadAccountsFile, type Account } from './accounts.js'
import { Env, type TracesSampler } from './env.js'
import { DEFAULT_LOCATIONS, type LocationDirectory } from './locations.js'
import type { RedisTarget } from '../redis-client.js'
import { hasHashTag, redisTarget } from './redis.js'

export type { Account } from './accounts.js'
export { DEFAULT_LOCATION, type LocationDirectory } from './locations.js'
export type { RedisTarget } from '../redis-client.js'

export type Role = 'api' | 'worker' | 'all'

/** What one client may hold of the HTTP server (see `startHttp`); every value in ms but the cap. */
export interface ServerLimits {
  /** Whole request head (line and headers) within this long of the connection's first byte. */
  readonly headersTimeoutMs: number
  /** Whole request, body included, within this long. */
  readonly requestTimeoutMs: number
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number
  /** Open connections at most; more are refused at once. 0: no cap. */
  readonly maxConnections: number
}

export interface Config {
  readonly role: Role
  /** `sandbox`: no accounts file was given; demo accounts with published secrets are served. */
  readonly mode: 'configured' | 'sandbox'
  readonly http: {
    readonly host: string
    readonly port: number
    /**
     * Where consumers reach the hub (no trailing `/`): each event's `dataschema` names its type's
     * schema under it.
     */
    readonly publicUrl: string
    readonly maxBodyBytes: number
    /** A webhook not stored within this long gets 503 (the channel retries; dedupe absorbs a late commit). */
    readonly ingressDeadlineMs: number
    /** Largest admin request body (a listings upload is the largest); 413 above. */
    readonly adminMaxBodyBytes: number
    readonly limits: ServerLimits
    /** Server-Sent Events streams of the feed (GET /v1/events/stream, a consumer's stream). */
    readonly streams: {
      /** A comment line is written after this long without anything else, so proxies keep the connection. */
      readonly heartbeatMs: number
      /** Open streams per API process at most; more get 503. */
      readonly maxConnections: number
    }
  }
  readonly db: {
    readonly url: string
    /** Connections for HTTP (webhook intake, admin API). */
    readonly poolMax: number
    /** Connections for queue workers, the relay and the sweeper: a separate pool, so a worker backlog can never starve webhook intake. */
    readonly workerPoolMax: number
    readonly connectTimeoutMs: number
  }
  readonly redis: RedisTarget
  readonly queues: {
    /** As configured: hub keys are `<prefix>:…`; see `queuePrefix` for each queue's BullMQ prefix. */
    readonly prefix: string
    /**
     * True on a cluster when the prefix has no hash tag of its own: each queue then gets its own
     * tag, so its keys share a slot and the queues (one per stock account) spread across slots.
     */
    readonly tagEachQueue: boolean
    readonly concurrency: { readonly normalize: number; readonly deliver: number }
  }
  readonly admin: {
    readonly token: string
    /** True when the token was generated at start-up (sandbox only) and must be shown once. */
    readonly generated: boolean
    /** Origins besides the hub's own whose pages may send admin writes (a browser's `Origin`). */
    readonly allowedOrigins: readonly string[]
  }
  /**
   * Failed authentications per client address within the window before 429s, counted apart for
   * the admin surface and for the webhook OAuth token endpoint.
   */
  readonly authFailures: { readonly limit: number; readonly windowMs: number }
  readonly accounts: readonly Account[]
  /** Where stock is kept: the accounts file's `locations`, `default` always among them. */
  readonly locations: LocationDirectory
  /** Sandbox mode only: the built-in marketplace emulator the demo accounts call. */
  readonly sandbox: { readonly emulatorPort: number }
  readonly stock: {
    /** A channel report of the quantity last pushed, within this long of the push, is an echo. */
    readonly echoWindowMs: number
    /**
     * How far a channel's order times may be from the hub's clock, their rounding included: an
     * order placed this close to a write's span may have been overwritten by it (allocation).
     */
    readonly orderClockSkewMs: number
    /** How often every listing is read back from its channel and compared; 0: never. */
    readonly reconcileIntervalMs: number
    /** Push jobs each account's queue runs at once (its rate limit still applies). */
    readonly pushConcurrency: number
    readonly pushMaxAttempts: number
  }
  /** Order sync: reading each account's orders from its channel's list API (docs/completeness.md). */
  readonly orderSync: {
    /** How often each account's orders changed since its watermark are read; 0: only on demand. */
    readonly intervalMs: number
    /** Each sync re-reads this much before its watermark, for the channel's clock skew. */
    readonly overlapMs: number
    /** An account's first sync, without a watermark or backfill, reads this far back. */
    readonly firstLookbackMs: number
    /** How long after an update a channel's list may still lack it; undefined: the channel's own figure. */
    readonly settleMs: number | undefined
  }
  readonly normalize: { readonly maxAttempts: number }
  readonly delivery: {
    readonly maxAttempts: number
    readonly timeoutMs: number
    readonly backoffBaseMs: number
    readonly backoffMaxMs: number
    /** Let outbound requests reach link-local and cloud-metadata addresses (off: SSRF guard). */
    readonly allowLinkLocal: boolean
    /**
     * Subscriber destinations allowed although internal (loopback, private, …): host names, and
     * addresses or CIDR ranges. See src/delivery/destinations.ts.
     */
    readonly subscriberAllow: {
      readonly hosts: readonly string[]
      readonly networks: readonly string[]
    }
  }
  /** Retention and partitions (src/pipeline/data-lifecycle.ts). */
  readonly lifecycle: {
    readonly retentionDays: {
      readonly inbox: number
      readonly outbox: number
      /** Deliveries and their attempts. */
      readonly delivery: number
      readonly stockPush: number
      readonly audit: number
    }
    /** Where a partition is written (gzip-compressed JSON lines) before it is dropped; undefined: nowhere. */
    readonly exportDir: string | undefined
    /** How old a message may be and still be replayed. */
    readonly replayWindowDays: number
  }
  readonly maintenance: {
    readonly relayPollMs: number
    /** Least time between relay batches, so commits arriving together are published together. */
    readonly relayMinIntervalMs: number
    readonly sweepIntervalMs: number
    /** A row must be this old before the sweeper assumes its job was lost. */
    readonly sweepGraceMs: number
    /**
     * A job's lock (BullMQ lockDuration, renewed at half of it while the job runs): a job whose
     * worker died can be taken over once its lock has lapsed.
     */
    readonly jobLockMs: number
    /**
     * Stored webhooks older than this many days have their buyer personal data redacted by the
     * relay leader (src/pipeline/redact-after-age.ts); 0: never.
     */
    readonly piiRedactAfterDays: number
    /**
     * How often workers look for such jobs (BullMQ stalledInterval; a job must be seen active by
     * one check and unlocked by the next), so a dead worker's jobs are taken over within about
     * max(jobLockMs, this) + this. Any value is safe: a job whose lock is held is never taken.
     */
    readonly jobStalledIntervalMs: number
  }
  readonly log: { readonly level: Env['LOG_LEVEL'] }
  /** OpenTelemetry traces over OTLP/HTTP; undefined (the default): off, at no cost. */
  readonly tracing: TracingConfig | undefined
  readonly shutdownTimeoutMs: number
  /**
   * How long start-up keeps trying to reach PostgreSQL and Redis before it exits 1. Long enough
   * for a database container started beside the hub to accept connections; short enough that a
   * wrong address is reported while someone is still watching, and an orchestrator restarts it.
   */
  readonly startupRetryMs: number
}

export interface TracingConfig {
  /** Where spans are POSTed (OTLP/HTTP, `…/v1/traces`). */
  readonly tracesUrl: string
  readonly serviceName: string
  readonly sampler: TracesSampler
  /** The ratio of the `traceidratio` samplers, 0 to 1. */
  readonly samplerArg: number
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}

/** Why `dir` cannot take exported partitions (missing, not a directory, not writable), or undefined. */
function unwritableDirectory(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`
    accessSync(dir, constants.W_OK)
    return undefined
  } catch (err) {
    const code = (err as { code?: string }).code
    return code === 'ENOENT'
      ? `${dir} does not exist`
      : `${dir} is not writable (${code ?? 'error'})`
  }
}

/**
 * The sandbox's demo accounts: one per channel that has a connector, each with its published
 * secrets, calling the built-in marketplace emulator at `emulatorUrl`.
 */
export function sandboxAccounts(emulatorUrl: string): Account[] {
  return CHANNEL_IDS.flatMap((channel) => {
    const connector = connectors[channel]
    if (!connector) return []
    const credentials = connector.sandboxCredentials(emulatorUrl)
    return [{ channel, id: 'demo', credentials, stock: DEFAULT_STOCK_SETTINGS }]
  })
}

/**
 * Turns the environment (and the accounts file it names) into a typed Config, or throws a
 * ConfigError listing every bad field. The only place that reads configuration.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: { readonly role?: Role } = {},
): Config {
  const parsed = Env.safeParse(withoutBlanks(env))
  const problems = parsed.success ? [] : formatIssues(parsed.error, '')
  const accountsFile = parsed.success ? parsed.data.HUB_CONFIG : env.HUB_CONFIG
  const loaded = accountsFile ? loadAccountsFile(accountsFile, env) : undefined
  problems.push(...(loaded?.problems ?? []))
  if (parsed.success && accountsFile && !parsed.data.ADMIN_TOKEN) {
    problems.push('ADMIN_TOKEN: required when HUB_CONFIG is set (admin routes are never anonymous)')
  }
  // Node refuses a headers timeout longer than the request timeout (http.createServer).
  if (parsed.success && parsed.data.HTTP_HEADERS_TIMEOUT_MS > parsed.data.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS')
  }
  // A replay re-reads the stored message and re-derives its events against the stored ones.
  if (parsed.success) {
    const { REPLAY_WINDOW_DAYS: window } = parsed.data
    for (const name of ['RETENTION_INBOX_DAYS', 'RETENTION_OUTBOX_DAYS'] as const)
      if (parsed.data[name] < window)
        problems.push(
          `${name}: ${parsed.data[name]} days is shorter than REPLAY_WINDOW_DAYS (${window}): messages inside the replay window must still be stored`,
        )
    // A redacted body is no longer what the channel sent, so it is never replayed.
    const redactAfter = parsed.data.PII_REDACT_AFTER_DAYS
    if (redactAfter > 0 && redactAfter < window)
      problems.push(
        `PII_REDACT_AFTER_DAYS: ${redactAfter} days is shorter than REPLAY_WINDOW_DAYS (${window}): messages inside the replay window must keep their bodies (0 turns redaction off)`,
      )
  }
  const exportDir = parsed.success ? parsed.data.PARTITION_EXPORT_DIR : undefined
  const exportProblem = exportDir && unwritableDirectory(exportDir)
  if (exportProblem) problems.push(`PARTITION_EXPORT_DIR: ${exportProblem}`)
  // Checked whatever else is wrong, so one run names every problem.
  const redisVars = Env.pick({ REDIS_URL: true, REDIS_CLUSTER_NODES: true }).safeParse(
    withoutBlanks(env),
  )
  const redis = redisVars.success
    ? redisTarget(redisVars.data.REDIS_URL, redisVars.data.REDIS_CLUSTER_NODES)
    : undefined
  if (redis && 'problem' in redis) problems.push(redis.problem)
  if (!parsed.success || problems.length > 0 || !redis || 'problem' in redis)
    throw new ConfigError(problems)
  const e = parsed.data
  const sandbox = !loaded
  return {
    role: overrides.role ?? e.ROLE,
    mode: sandbox ? 'sandbox' : 'configured',
    // The sandbox serves published secrets, so it listens on loopback unless told otherwise.
    http: {
      host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
      port: e.PORT,
      publicUrl: e.HUB_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      maxBodyBytes: e.MAX_BODY_BYTES,
      ingressDeadlineMs: e.INGRESS_DEADLINE_MS,
      adminMaxBodyBytes: e.ADMIN_MAX_BODY_BYTES,
      limits: {
        headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        maxConnections: e.HTTP_MAX_CONNECTIONS,
      },
      streams: { heartbeatMs: e.STREAM_HEARTBEAT_MS, maxConnections: e.STREAM_MAX_CONNECTIONS },
    },
    db: {
      url: e.DATABASE_URL,
      poolMax: e.DB_POOL_MAX,
      workerPoolMax: e.DB_WORKER_POOL_MAX,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    },
    redis,
    queues: {
      prefix: e.QUEUE_PREFIX,
      tagEachQueue: redis.cluster !== undefined && !hasHashTag(e.QUEUE_PREFIX),
      concurrency: { normalize: e.NORMALIZE_CONCURRENCY, deliver: e.DELIVER_CONCURRENCY },
    },
    admin: {
      ...(e.ADMIN_TOKEN
        ? { token: e.ADMIN_TOKEN, generated: false }
        : { token: `hub_admin_${randomBytes(18).toString('base64url')}`, generated: true }),
      allowedOrigins: e.ADMIN_ALLOWED_ORIGINS.map((o) => new URL(o).origin),
    },
    authFailures: { limit: e.AUTH_FAILURE_LIMIT, windowMs: e.AUTH_FAILURE_WINDOW_MS },
    accounts: loaded
      ? loaded.accounts
      : sandboxAccounts(`http://127.0.0.1:${e.SANDBOX_EMULATOR_PORT}`),
    locations: loaded?.locations ?? DEFAULT_LOCATIONS,
    sandbox: { emulatorPort: e.SANDBOX_EMULATOR_PORT },
    normalize: { maxAttempts: e.NORMALIZE_MAX_ATTEMPTS },
    delivery: {
      allowLinkLocal: e.OUTBOUND_ALLOW_LINK_LOCAL,
      subscriberAllow: {
        hosts: e.SUBSCRIBER_ALLOWED_HOSTS.filter((h) => !parseNetwork(h)),
        networks: e.SUBSCRIBER_ALLOWED_HOSTS.filter((h) => parseNetwork(h)),
      },
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      timeoutMs: e.DELIVERY_TIMEOUT_MS,
      backoffBaseMs: e.DELIVERY_BACKOFF_BASE_MS,
      backoffMaxMs: e.DELIVERY_BACKOFF_MAX_MS,
    },
    lifecycle: {
      retentionDays: {
        inbox: e.RETENTION_INBOX_DAYS,
        outbox: e.RETENTION_OUTBOX_DAYS,
        delivery: e.RETENTION_DELIVERY_DAYS,
        stockPush: e.RETENTION_STOCK_PUSH_DAYS,
        audit: e.RETENTION_AUDIT_DAYS,
      },
      exportDir: e.PARTITION_EXPORT_DIR,
      replayWindowDays: e.REPLAY_WINDOW_DAYS,
    },
    maintenance: {
      relayPollMs: e.RELAY_POLL_MS,
      relayMinIntervalMs: e.RELAY_MIN_INTERVAL_MS,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      sweepGraceMs: e.SWEEP_GRACE_MS,
      jobLockMs: e.JOB_LOCK_MS,
      piiRedactAfterDays: e.PII_REDACT_AFTER_DAYS,
      jobStalledIntervalMs: e.JOB_STALLED_INTERVAL_MS ?? e.JOB_LOCK_MS,
    },
    stock: {
      echoWindowMs: e.STOCK_ECHO_WINDOW_MS,
      orderClockSkewMs: e.STOCK_ORDER_CLOCK_SKEW_MS,
      reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
      pushConcurrency: e.STOCK_PUSH_CONCURRENCY,
      pushMaxAttempts: e.STOCK_PUSH_MAX_ATTEMPTS,
    },
    orderSync: {
      intervalMs: e.ORDER_SYNC_INTERVAL_MS,
      overlapMs: e.ORDER_SYNC_OVERLAP_MS,
      firstLookbackMs: e.ORDER_SYNC_FIRST_LOOKBACK_MS,
      settleMs: e.ORDER_SYNC_SETTLE_MS,
    },
    log: { level: e.LOG_LEVEL },
    tracing: tracingConfig(e),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    startupRetryMs: e.STARTUP_RETRY_SECONDS * 1000,
  }
}

/**
 * The traces endpoint, as OpenTelemetry's exporters derive it: the signal's own variable as it
 * is, or the base endpoint with `/v1/traces` appended
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#endpoint-urls-for-otlphttp).
 */
function tracingConfig(e: Env): TracingConfig | undefined {
  const tracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT &&
      `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`)
  if (!tracesUrl) return undefined
  return {
    tracesUrl,
    serviceName: e.OTEL_SERVICE_NAME,
    sampler: e.OTEL_TRACES_SAMPLER,
    samplerArg: e.OTEL_TRACES_SAMPLER_ARG,
  }
}

/** An empty variable (`PORT=`) means "not set", as in most tools, rather than an invalid value. */
function withoutBlanks(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]),
  )
}
