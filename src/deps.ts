import type { X509Certificate } from 'node:crypto'
import type { Kysely } from 'kysely'
import type pg from 'pg'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config/index.js'
import { createDb, createPool } from './db/client.js'
import type { Database } from './db/schema.js'
import { createLogger, type Logger } from './logger.js'
import { createMetrics, type Metrics } from './metrics/index.js'
import { createDeliveryCounter, type DeliveryCounter } from './metrics/delivery.js'
import { createStockCounter, type StockCounter } from './metrics/stock.js'
import { createAccountDirectory, type AccountDirectory } from './config/account-directory.js'
import { createBudget } from './budget/index.js'
import { createCertificateCache, type CertificateCache } from './pipeline/certificates.js'
import { createInboxIntake, type InboxIntake } from './pipeline/inbox-intake.js'
import {
  closeRedis,
  createQueues,
  createRedis,
  type Queues,
  type RedisConnections,
} from './queues/index.js'
import { connectors } from '../connectors/index.js'
import { syncedAccounts } from './pipeline/order-sync-schedule.js'
import { createUndiciTransport, type HttpTransport } from './outbound/transport.js'
import { channelApiPolicy, subscriberPolicy } from './delivery/destinations.js'
import { createStreamHub, type StreamHub } from './http/feed/stream-hub.js'
import { packageVersion } from './config/package-version.js'
import { createTracing, type Tracing } from './tracing/index.js'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'

export interface Deps {
  readonly config: Config
  readonly log: Logger
  readonly clock: Clock
  /** HTTP's connections: webhook intake and the admin API. */
  readonly db: Kysely<Database>
  /** Workers', relay's and sweeper's connections, apart so a backlog cannot starve intake. */
  readonly workDb: Kysely<Database>
  readonly redis: RedisConnections
  readonly queues: Queues
  readonly accounts: AccountDirectory
  readonly intake: InboxIntake
  /** Outbound HTTP to channel APIs and signing certificates. */
  readonly transport: HttpTransport
  /** Outbound HTTP to subscribers, under the subscriber address policy (delivery/destinations.ts). */
  readonly subscriberTransport: HttpTransport
  /** Signing certificates fetched for webhook verification (Amazon SNS). */
  readonly certificates: CertificateCache
  readonly metrics: Metrics
  /** Counts stock calls for `/metrics` (kept in Redis, so every process's pushes are seen). */
  readonly stockCounter: StockCounter
  /** Counts delivery outcomes and latencies per subscription for `/metrics` (kept in Redis, like stockCounter). */
  readonly deliveryCounter: DeliveryCounter
  /** This process's open Server-Sent Events streams; closed first at shutdown. */
  readonly streams: StreamHub
  /** OpenTelemetry traces: off unless configured (src/tracing/). */
  readonly tracing: Tracing
}

/** Ports a test may replace; everything else is always real. */
export interface DepsOverrides {
  readonly log?: Logger
  readonly clock?: Clock
  /** Replaces both transports. */
  readonly transport?: HttpTransport
  /** Trust anchors for fetched signing certificates (default: Node's root store), e.g. a test CA. */
  readonly certificateRoots?: readonly X509Certificate[]
  /** Turns tracing on with every span handed to this exporter as it ends (an in-memory one). */
  readonly spanExporter?: SpanExporter
}

/** Builds every long-lived resource. Nothing connects before this is called. */
export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  const log = overrides.log ?? createLogger({ level: config.log.level })
  const clock = overrides.clock ?? systemClock
  const channelPolicy = channelApiPolicy(config)
  const transport =
    overrides.transport ?? createUndiciTransport(channelPolicy ? { policy: channelPolicy } : {})
  const subscriberTransport =
    overrides.transport ?? createUndiciTransport({ policy: subscriberPolicy(config) })
  // Pools connect lazily, so a process that never uses one of them (role api or worker) pays nothing.
  const db = createDb(watchedPool(config.db, config.db.poolMax, log))
  const workDb = createDb(watchedPool(config.db, config.db.workerPoolMax, log))
  const redis = createRedis(config.redis, log)
  const queues = createQueues(
    redis.producer,
    {
      prefix: config.queues.prefix,
      tagEachQueue: config.queues.tagEachQueue,
      normalizeAttempts: config.normalize.maxAttempts,
      deliveryAttempts: config.delivery.maxAttempts,
      deliveryBackoffBaseMs: config.delivery.backoffBaseMs,
      stockPushAttempts: config.stock.pushMaxAttempts,
      stockAccounts: config.accounts
        .filter((a) => connectors[a.channel].stock !== undefined)
        .map((a) => ({ channel: a.channel, accountId: a.id })),
    },
    (queue, err) => {
      if (!redis.watch.folds(err)) log.warn({ queue, err: err.message }, 'queue connection error')
    },
  )
  const tracing = createTracing(
    config.tracing && { ...config.tracing, serviceVersion: packageVersion() },
    { redis: redis.producer, prefix: config.queues.prefix },
    overrides.spanExporter,
  )
  const intake = createInboxIntake(
    { db, queues, log, tracing },
    // One insert in flight: requests arriving meanwhile wait for it and go in the next one, so a
    // busy hub commits (and fsyncs) once per batch, not once per webhook. Measured at 750/s:
    // PostgreSQL used 16% less CPU per webhook than with ten in flight, at the same latency.
    { maxBatch: 500, maxInFlight: 1, enqueueTimeoutMs: 1_500 },
  )
  // One API budget per account for every process (src/budget/), on the connection that fails fast
  // while Redis is away: a channel call then fails transient and is retried, never parks.
  const budget = createBudget(redis.producer, config.queues.prefix)
  const metrics = createMetrics({
    db,
    queues,
    clock,
    redis: redis.producer,
    prefix: config.queues.prefix,
    orderAccounts: syncedAccounts(config.accounts),
  })
  return {
    config,
    log,
    clock,
    db,
    workDb,
    redis,
    queues,
    accounts: createAccountDirectory(
      config.accounts,
      { transport, clock },
      config.locations,
      budget.forAccount,
    ),
    intake,
    transport,
    subscriberTransport,
    certificates: createCertificateCache(transport, clock, {
      log,
      ...(overrides.certificateRoots ? { roots: overrides.certificateRoots } : {}),
    }),
    metrics,
    stockCounter: createStockCounter(redis.producer, config.queues.prefix),
    deliveryCounter: createDeliveryCounter(redis.producer, config.queues.prefix),
    streams: createStreamHub({ db, counters: metrics.streams, log, ...config.http.streams }),
    tracing,
  }
}

function watchedPool(db: Config['db'], poolMax: number, log: Logger): pg.Pool {
  const pool = createPool({ ...db, poolMax })
  // An idle client that loses its server emits 'error' on the pool; without a listener that would
  // crash the process. The next query gets a fresh connection.
  pool.on('error', (err) => log.warn({ err }, 'idle Postgres connection lost'))
  return pool
}

/**
 * Closes in reverse order of creation: pending intake, queues, Postgres, Redis, and last the
 * tracer provider, which exports the spans of everything that finished before.
 */
export async function closeDeps(deps: Deps): Promise<void> {
  deps.streams.close()
  await deps.intake.drain()
  await deps.queues.close().catch((err: unknown) => deps.log.warn({ err }, 'closing queues failed'))
  await Promise.all([deps.db.destroy(), deps.workDb.destroy()])
  await closeRedis(deps.redis)
  await deps.tracing
    .shutdown()
    .catch((err: unknown) => deps.log.warn({ err }, 'exporting the last spans failed'))
}
