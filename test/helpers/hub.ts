import { randomBytes, type X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, inject } from 'vitest'
import type { HttpTransport } from '../../src/outbound/transport.js'
import type { Clock } from '../../src/clock.js'
import { loadConfig, type Account, type Config } from '../../src/config/index.js'
import { parseLocations } from '../../src/config/locations.js'
import { closeDeps, createDeps, type Deps } from '../../src/deps.js'
import { createApp } from '../../src/http/app.js'
import type { AppEnv } from '../../src/http/env.js'
import { startHttp, type RunningServer } from '../../src/http/server.js'
import { createLogger, type Logger } from '../../src/logger.js'
import { deleteMatching } from '../../src/redis-client.js'
import { startWorkers, type RunningWorkers } from '../../workers/index.js'
import { TEST_REDIS_URL } from '../services.js'
import { useTestDatabase } from './database.js'
import { testRedis } from './redis.js'

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789'
export const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } as const

/** Calls an admin route of `app` with the test token and a JSON body; its status and JSON answer. */
export function adminJson(app: {
  request(path: string, init: RequestInit): Response | Promise<Response>
}) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { ...ADMIN, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
}

export interface TestHubOptions {
  /**
   * Channel accounts; default: the sandbox's demo accounts. A function is called when the hub is
   * built (after earlier `beforeAll` hooks, e.g. one that starts the marketplace emulator).
   */
  readonly accounts?: readonly Account[] | (() => readonly Account[])
  /** The accounts file's `locations` entries (default: none, so `default` alone). */
  readonly locations?: readonly unknown[]
  /** Extra environment variables for loadConfig (e.g. DELIVERY_MAX_ATTEMPTS). */
  readonly env?: Readonly<Record<string, string>>
  /** Start the queue workers and the relay leader (default: no; tests call pipeline functions). */
  readonly workers?: boolean
  /** Listen on a loopback port (default: no; tests use app.request()). */
  readonly listen?: boolean
  readonly clock?: Clock
  /** Outbound HTTP for channel API clients and deliveries (e.g. one msw can intercept). */
  readonly transport?: HttpTransport
  /** Where the hub logs (default: a logger at TEST_LOG_LEVEL, silent unless set). */
  readonly log?: Logger
  /** Trust anchors for fetched signing certificates (Amazon SNS), e.g. a test CA's certificate. */
  readonly certificateRoots?: readonly X509Certificate[]
  /** Turns tracing on, every span handed to this exporter as it ends (an InMemorySpanExporter). */
  readonly spanExporter?: SpanExporter
}

export interface TestHub {
  readonly config: Config
  readonly deps: Deps
  /** The app, with the OpenAPI description of its routes (`openAPIRegistry`). */
  readonly app: OpenAPIHono<AppEnv>
  /** `http://127.0.0.1:<port>` when `listen` was set. */
  readonly url: string
  /** Starts workers and the relay leader (again, after stopWorkers). */
  startWorkers(): void
  stopWorkers(): Promise<void>
}

/**
 * A complete hub for one test file: its own database (from the migrated template), its own BullMQ
 * prefix on the shared Redis, real deps built by the production `createDeps`. Torn down after the
 * file, including every Redis key under the prefix.
 */
export function useTestHub(opts: TestHubOptions = {}): TestHub {
  const database = useTestDatabase()
  const prefix = `hubt-${inject('runId')}-${randomBytes(4).toString('hex')}`
  let state:
    { config: Config; deps: Deps; app: OpenAPIHono<AppEnv>; server?: RunningServer } | undefined
  let workers: RunningWorkers | undefined

  beforeAll(async () => {
    const loaded = testConfig(
      { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, ...opts.env },
      typeof opts.accounts === 'function' ? opts.accounts() : opts.accounts,
    )
    const locations = opts.locations && parseLocations(opts.locations)
    if (locations && locations.problems.length > 0)
      throw new Error(`test hub locations: ${locations.problems.join('; ')}`)
    const config = locations ? { ...loaded, locations: locations.locations } : loaded
    const deps = createDeps(config, {
      log: opts.log ?? createLogger({ level: config.log.level }),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.transport ? { transport: opts.transport } : {}),
      ...(opts.certificateRoots ? { certificateRoots: opts.certificateRoots } : {}),
      ...(opts.spanExporter ? { spanExporter: opts.spanExporter } : {}),
    })
    // As in a hub that has been up a moment: the producer connection queues nothing while it
    // connects, so a test's first Redis command (a /metrics scrape) would otherwise fail.
    if (deps.redis.producer.status !== 'ready') await once(deps.redis.producer, 'ready')
    const app = createApp(deps)
    const server = opts.listen ? await startHttp(app, { host: '127.0.0.1', port: 0 }) : undefined
    state = { config, deps, app, ...(server ? { server } : {}) }
    if (opts.workers) workers = startWorkers(deps)
  })

  afterAll(async () => {
    await workers?.close()
    state?.deps.streams.close()
    await state?.server?.close()
    if (state) await closeDeps(state.deps)
    await deleteKeys(prefix)
  })

  const get = () => {
    if (!state) throw new Error('test hub used outside a test')
    return state
  }
  return {
    get config() {
      return get().config
    },
    get deps() {
      return get().deps
    },
    get app() {
      return get().app
    },
    get url() {
      const server = get().server
      if (!server) throw new Error('test hub is not listening; pass { listen: true }')
      return `http://127.0.0.1:${server.port}`
    },
    startWorkers() {
      workers ??= startWorkers(get().deps)
    },
    async stopWorkers() {
      await workers?.close()
      workers = undefined
    },
  }
}

/** A Config as the hub would load it, with test-speed timings and no process.env involved. */
export function testConfig(
  env: Readonly<Record<string, string>>,
  accounts?: readonly Account[],
): Config {
  const config = loadConfig({
    REDIS_URL: TEST_REDIS_URL,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    // eslint-disable-next-line no-restricted-properties -- let a developer turn test logs on
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_MAX: '10',
    DB_WORKER_POOL_MAX: '10',
    RELAY_POLL_MS: '50',
    SWEEP_INTERVAL_MS: '200',
    DELIVERY_BACKOFF_BASE_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '400',
    NORMALIZE_CONCURRENCY: '8',
    DELIVER_CONCURRENCY: '8',
    // Order sync reads every account's channel when a leader starts: only tests about it want that.
    ORDER_SYNC_INTERVAL_MS: '0',
    ...env,
  })
  return accounts ? { ...config, accounts } : config
}

/** Removes every key under a prefix (never FLUSHALL: other test files share this Redis). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = testRedis({ maxRetriesPerRequest: 1 })
  try {
    await deleteMatching(redis, `${prefix}:*`)
  } finally {
    redis.disconnect()
  }
}
