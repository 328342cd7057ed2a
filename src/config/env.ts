import { z } from 'zod'

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def)

/** Every environment variable the hub reads, with its default. Documented in the README. */
export const Env = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/marketplace_hub'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  HOST: z.string().min(1).optional(),
  PORT: int(3000, 0).pipe(z.number().max(65535)),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  HUB_CONFIG: z.string().min(1).optional(),
  ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and "-" only (BullMQ forbids ":")')
    .default('hub'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: int(1_048_576, 1),
  INGRESS_DEADLINE_MS: int(2_500, 100),
  OUTBOUND_ALLOW_LINK_LOCAL: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
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
  JOB_LOCK_MS: int(30_000, 1_000),
  SHUTDOWN_TIMEOUT_MS: int(30_000, 0),
  STARTUP_RETRY_SECONDS: int(30, 0),
  SANDBOX_EMULATOR_PORT: int(3001, 1).pipe(z.number().max(65535)),
  STOCK_ECHO_WINDOW_MS: int(120_000, 0),
  RECONCILE_INTERVAL_MS: int(900_000, 0),
  STOCK_PUSH_CONCURRENCY: int(4, 1),
  STOCK_PUSH_MAX_ATTEMPTS: int(10, 1),
})
export type Env = z.infer<typeof Env>
