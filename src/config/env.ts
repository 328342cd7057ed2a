import { z } from 'zod'
import { parseNetwork } from '../outbound/destination-guard.js'
import { prefixProblem } from './redis.js'

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def)

/** A comma-separated list; blanks between commas are ignored. */
const list = (check: (entry: string) => string | undefined) =>
  z
    .string()
    .default('')
    .transform((text, ctx) => {
      const entries = text
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '')
      for (const entry of entries) {
        const problem = check(entry)
        if (problem) ctx.addIssue({ code: 'custom', message: `${entry}: ${problem}` })
      }
      return entries
    })

const PUBLIC_URL_PROBLEM =
  'must be an http(s) URL without credentials, query or fragment, e.g. https://hub.example.com'

/**
 * The hub's externally reachable base URL, normalized (host lower-cased, trailing `/` dropped).
 * Every event's `dataschema` is built on it, and CloudEvents wants that an absolute URI
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#dataschema); a query or
 * fragment would end up in the middle of it, and credentials in every event.
 */
const publicUrl = z.string().transform((text, ctx) => {
  const url = URL.parse(text)
  if (
    !url ||
    !/^https?:$/.test(url.protocol) ||
    /[?#]/.test(text) ||
    url.username ||
    url.password
  ) {
    ctx.addIssue({ code: 'custom', message: PUBLIC_URL_PROBLEM })
    return z.NEVER
  }
  return url.href.replace(/\/+$/, '')
})

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i

/** OTEL_TRACES_SAMPLER's values the hub honours: the SDK's built-in samplers. */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const
export type TracesSampler = (typeof TRACES_SAMPLERS)[number]

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL, e.g. ${example}` })

/** Every environment variable the hub reads, with its default. Documented in docs/configuration.md. */
export const Env = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/marketplace_hub'),
  // Unset: redis://127.0.0.1:6379. Several comma-separated URLs name a Redis Cluster's nodes.
  REDIS_URL: z
    .string()
    .refine(
      (text) => text.split(',').every((u) => /^rediss?:\/\//.test(u.trim())),
      'must be a redis:// or rediss:// URL, or a comma-separated list of them (a Redis Cluster)',
    )
    .optional(),
  REDIS_CLUSTER_NODES: list((node) =>
    /^(rediss?:\/\/\S+|[^\s:/]+:\d+|\[[0-9a-f:]+\]:\d+)$/i.test(node)
      ? undefined
      : 'must be host:port or a redis:// URL',
  ),
  HOST: z.string().min(1).optional(),
  PORT: int(3000, 0).pipe(z.number().max(65535)),
  // Unset: http://localhost:<PORT>.
  HUB_PUBLIC_URL: publicUrl.optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  HUB_CONFIG: z.string().min(1).optional(),
  ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  QUEUE_PREFIX: z
    .string()
    .default('hub')
    .superRefine((prefix, ctx) => {
      const problem = prefixProblem(prefix)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: int(1_048_576, 1),
  INGRESS_DEADLINE_MS: int(2_500, 100),
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 100),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 100),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(5_000, 100),
  HTTP_MAX_CONNECTIONS: int(1_000, 0),
  STREAM_HEARTBEAT_MS: int(15_000, 10),
  STREAM_MAX_CONNECTIONS: int(100, 1),
  ADMIN_MAX_BODY_BYTES: int(16_777_216, 1),
  OUTBOUND_ALLOW_LINK_LOCAL: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  SUBSCRIBER_ALLOWED_HOSTS: list((entry) =>
    parseNetwork(entry) || (!entry.includes('/') && HOST_NAME.test(entry))
      ? undefined
      : 'not a host name, an IP address or a CIDR range',
  ),
  ADMIN_ALLOWED_ORIGINS: list((entry) => {
    try {
      const url = new URL(entry)
      return url.origin === entry.replace(/\/$/, '') && url.protocol.startsWith('http')
        ? undefined
        : 'must be an origin like https://ops.example.com (scheme, host and port only)'
    } catch {
      return 'must be an origin like https://ops.example.com'
    }
  }),
  AUTH_FAILURE_LIMIT: int(20, 1),
  AUTH_FAILURE_WINDOW_MS: int(300_000, 100),
  DB_POOL_MAX: int(20, 2),
  DB_WORKER_POOL_MAX: int(24, 2),
  DB_CONNECT_TIMEOUT_MS: int(3_000, 100),
  NORMALIZE_CONCURRENCY: int(64, 1),
  DELIVER_CONCURRENCY: int(32, 1),
  DELIVERY_MAX_ATTEMPTS: int(12, 1),
  DELIVERY_TIMEOUT_MS: int(10_000, 100),
  DELIVERY_BACKOFF_BASE_MS: int(5_000, 1),
  DELIVERY_BACKOFF_MAX_MS: int(3_600_000, 1),
  NORMALIZE_MAX_ATTEMPTS: int(10, 1),
  RELAY_POLL_MS: int(1_000, 10),
  RELAY_MIN_INTERVAL_MS: int(10, 0),
  SWEEP_INTERVAL_MS: int(10_000, 100),
  SWEEP_GRACE_MS: int(30_000, 0),
  // Days after which stored webhooks' buyer personal data is redacted; 0: never.
  // Between the replay window (7) and the inbox retention (30): redacted well before the day is dropped.
  PII_REDACT_AFTER_DAYS: int(14, 0),
  JOB_LOCK_MS: int(30_000, 1_000),
  // Unset: JOB_LOCK_MS. Each check is a script over every queue's active jobs, so not too often.
  JOB_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).optional(),
  SHUTDOWN_TIMEOUT_MS: int(30_000, 0),
  STARTUP_RETRY_SECONDS: int(30, 0),
  SANDBOX_EMULATOR_PORT: int(3001, 1).pipe(z.number().max(65535)),
  STOCK_ECHO_WINDOW_MS: int(120_000, 0),
  STOCK_ORDER_CLOCK_SKEW_MS: int(1_000, 0),
  RECONCILE_INTERVAL_MS: int(900_000, 0),
  STOCK_PUSH_CONCURRENCY: int(4, 1),
  STOCK_PUSH_MAX_ATTEMPTS: int(10, 1),
  // Days each kind of row is kept (docs/operations.md, "Data lifecycle").
  RETENTION_INBOX_DAYS: int(30, 1),
  RETENTION_OUTBOX_DAYS: int(30, 1),
  RETENTION_DELIVERY_DAYS: int(30, 1),
  RETENTION_STOCK_PUSH_DAYS: int(30, 1),
  RETENTION_AUDIT_DAYS: int(365, 1),
  // Unset: dropped partitions are not kept anywhere.
  PARTITION_EXPORT_DIR: z.string().min(1).optional(),
  REPLAY_WINDOW_DAYS: int(7, 1),
  ORDER_SYNC_INTERVAL_MS: int(300_000, 0),
  ORDER_SYNC_OVERLAP_MS: int(120_000, 0),
  ORDER_SYNC_FIRST_LOOKBACK_MS: int(86_400_000, 0),
  // Unset: each channel's documented figure (connectors/<channel>/orders.ts).
  ORDER_SYNC_SETTLE_MS: z.coerce.number().int().min(0).optional(),
  // OpenTelemetry's own names (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
  // Tracing is on when either endpoint is set; the traces one wins.
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('http://collector:4318').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl('http://collector:4318/v1/traces').optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('marketplace-hub'),
  OTEL_TRACES_SAMPLER: z.enum(TRACES_SAMPLERS).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
})
export type Env = z.infer<typeof Env>
