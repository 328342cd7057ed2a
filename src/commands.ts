// The composition root, one function per command: configuration → dependencies → HTTP and/or
// workers. main.ts loads it only once a command line names a command (so `hub --version`, `help`
// and usage errors answer at once) and hands it the environment, which only main.ts reads.
import { ConfigError, loadConfig, type Config } from './config/index.js'
import type { FlashSaleFlags, MissedWebhooksFlags, StockAction } from './cli/args.js'
import { backfillCommand as runBackfill } from './cli/backfill.js'
import { simulateMissedWebhooks } from './cli/simulate-missed-webhooks.js'
import { closeDeps, createDeps, type Deps } from './deps.js'
import { createDb, createPool } from './db/client.js'
import { dropDatabase, migrateToLatest } from './db/migrate.js'
import { ensurePartitions } from './pipeline/data-lifecycle.js'
import { systemClock } from './clock.js'
import { readRedisDurabilitySettings, redisDurabilityProblems } from './queues/redis-durability.js'
import { createApp } from './http/app.js'
import { startHttp, type RunningServer } from './http/server.js'
import { createLogger, type Logger } from './logger.js'
import { startWorkers, type RunningWorkers } from '../workers/index.js'
import { importListings } from './cli/listings-import.js'
import { simulateFlashSale } from './cli/simulate.js'
import { stockCommand as runStockCommand } from './cli/stock.js'
import { CHANNEL_IDS } from './events/index.js'
import { startEmulator, type RunningEmulator } from './sandbox/emulator.js'
import { postgresDependency, redisDependency } from './startup/dependencies.js'
import { redactUrl } from './startup/dependency-failure.js'
import { StartupError, waitForDependency } from './startup/wait-for-dependency.js'

/** What main.ts passes on: `process.env`. */
type Environment = Parameters<typeof loadConfig>[0]

export async function migrateCommand(env: Environment): Promise<number> {
  const { config, log } = configured(env)
  await prepareDatabase(config, log)
  return 0
}

export async function startCommand(
  env: Environment,
  role: Config['role'] | undefined,
): Promise<number> {
  const { config, log } = configured(env, role)
  await start(config, log)
  return 0
}

/** `text`: the import file's text, read by main.ts before anything here was loaded. */
export function listingsImportCommand(env: Environment, path: string, text: string) {
  return withDeps(env, (deps) =>
    importListings(deps, path, text, (line) => process.stderr.write(`listings import: ${line}\n`)),
  )
}

/** `hub stock <action>`: an account's onboarding (src/cli/stock.ts). */
export function stockCommand(
  env: Environment,
  action: StockAction,
  channel: string,
  account: string,
) {
  return withDeps(env, (deps) => runStockCommand(deps, action, channel, account))
}

/** `hub backfill`: an account's orders since a date (src/cli/backfill.ts). */
export function backfillCommand(env: Environment, channel: string, account: string, since: string) {
  return withDeps(env, (deps) => runBackfill(deps, channel, account, since))
}

export function simulateFlashSaleCommand(env: Environment, flags: FlashSaleFlags) {
  return inSimulationStore(env, (config) =>
    simulateFlashSale(config, createLogger({ level: 'warn' }), flags),
  )
}

export function simulateMissedWebhooksCommand(env: Environment, flags: MissedWebhooksFlags) {
  return inSimulationStore(env, (config) =>
    simulateMissedWebhooks(config, createLogger({ level: 'warn' }), flags),
  )
}

/** A one-shot command against the configured stores: dependencies ready, built, closed after. */
async function withDeps(env: Environment, run: (deps: Deps) => Promise<number>): Promise<number> {
  const { config, log } = configured(env)
  await dependenciesReady(config, log)
  const deps = createDeps(config, { log })
  try {
    return await run(deps)
  } finally {
    await closeDeps(deps)
  }
}

/** A simulation in its own, fresh database and queues: it never touches the hub you run. */
async function inSimulationStore(
  env: Environment,
  run: (config: Config) => Promise<number>,
): Promise<number> {
  const { config, log } = configured(env)
  const simulation = withSimulationStore(config)
  await dependenciesReady(simulation, log)
  await dropDatabase(simulation.db.url)
  await prepareDatabase(simulation, log)
  return run(simulation)
}

/** Errors that explain themselves: a stack trace would only bury the line that says what to fix. */
export function isExplained(err: unknown): err is Error {
  return err instanceof ConfigError || err instanceof StartupError
}

function configured(env: Environment, role?: Config['role']): { config: Config; log: Logger } {
  const config = loadConfig(env, role ? { role } : {})
  return { config, log: createLogger({ level: config.log.level }) }
}

function withSimulationStore(config: Config): Config {
  const url = new URL(config.db.url)
  url.pathname = `${url.pathname.replace(/\/$/, '')}_simulation`
  return {
    ...config,
    db: { ...config.db, url: url.toString() },
    queues: { ...config.queues, prefix: `${config.queues.prefix}-simulation-${Date.now()}` },
  }
}

/**
 * Waits for PostgreSQL (creating the database when missing), then applies migrations and makes
 * sure the partitions of today and the days ahead exist. Throws a
 * StartupError naming DATABASE_URL when it cannot be reached in STARTUP_RETRY_SECONDS.
 */
async function prepareDatabase(config: Config, log: Logger, signal?: AbortSignal): Promise<void> {
  const created = await waitForDependency(
    postgresDependency(config.db.url, config.db.connectTimeoutMs),
    { retryMs: config.startupRetryMs, log, ...(signal ? { signal } : {}) },
  )
  if (created) log.info({ database: new URL(config.db.url).pathname }, 'created database')
  const pool = createPool({ ...config.db, poolMax: 1 })
  const db = createDb(pool)
  try {
    const applied = await migrateToLatest(db)
    if (applied.length > 0) log.info({ applied }, 'applied migrations')
    // A fresh database, or one whose leader was away for days, gets today's and the coming days'
    // partitions before anything is written (the leader keeps them ahead from then on).
    await ensurePartitions({ db, clock: systemClock, log })
  } finally {
    await db.destroy()
  }
}

/**
 * PostgreSQL and Redis, waited for side by side so one run reports every dependency that is
 * missing. A hub that starts without Redis would print its banner and then serve nothing but
 * 503s and reconnect errors; better to say so and exit (an orchestrator restarts it).
 */
async function dependenciesReady(config: Config, log: Logger): Promise<void> {
  // One failing for good (a wrong password) ends the other's wait too: no point waiting it out.
  const giveUp = new AbortController()
  const waits = [
    prepareDatabase(config, log, giveUp.signal),
    waitForDependency(redisDependency(config.redis, config.db.connectTimeoutMs), {
      retryMs: config.startupRetryMs,
      log,
      signal: giveUp.signal,
    }),
  ]
  for (const wait of waits) wait.catch(() => giveUp.abort())
  const results = await Promise.allSettled(waits)
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
  if (failures.length === 0) return
  if (failures.every((f) => f instanceof StartupError))
    throw new StartupError(failures.map((f) => (f as Error).message).join('\n'))
  throw failures.find((f) => !(f instanceof StartupError))
}

async function redisConnected(deps: Deps, timeoutMs: number): Promise<void> {
  const { producer } = deps.redis
  if (producer.status === 'ready') return
  let timer: NodeJS.Timeout | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      producer.once('ready', resolve)
      timer = setTimeout(() => {
        producer.off('ready', resolve)
        reject(
          new StartupError(
            `Redis (${deps.config.redis.variable}=${redactUrl(deps.config.redis.url)}) answered the start-up check but not the hub's connection within ${Math.round(timeoutMs / 1000)}s`,
          ),
        )
      }, timeoutMs)
    })
  } catch (err) {
    await closeDeps(deps)
    throw err
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Listens with `open`, turning "port taken" into one line naming the variable that moves it. The
 * sandbox must not run on with its demo accounts pointing at whatever holds the emulator's port.
 */
async function listen<T>(
  what: string,
  variable: string,
  address: string,
  open: () => Promise<T>,
): Promise<T> {
  try {
    return await open()
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const why =
        code === 'EADDRINUSE'
          ? 'the port is in use'
          : code === 'EACCES'
            ? 'permission denied'
            : 'no such address here'
      throw new StartupError(
        `${what} cannot listen on ${address}: ${why} (${code}). Set ${variable} to a free port.`,
      )
    }
    throw err
  }
}

function announceSandbox(
  config: Config,
  log: Logger,
  port: number,
  emulatorUrl: string | undefined,
): void {
  if (config.mode !== 'sandbox') return
  const base = `http://${config.http.host}:${port}`
  const accounts = config.accounts.map((a) => `${a.channel}/${a.id}`)
  log.warn(
    { accounts },
    `SANDBOX MODE: no HUB_CONFIG given, serving demo accounts with PUBLISHED test secrets. ` +
      `Do not expose this to the internet. Webhooks: ${base}/webhooks/<channel>/demo`,
  )
  // Also in plain words for a person at a terminal: the JSON log line is for machines. The admin
  // token is printed here once, to stdout only, so the sandbox's admin API works without setup.
  const token = config.admin.generated
    ? `  admin token (this run only): ${config.admin.token}   (set ADMIN_TOKEN to choose your own)\n`
    : '  admin token: the ADMIN_TOKEN you set\n'
  process.stdout.write(
    `\n  marketplace-hub is running in SANDBOX MODE on ${base}\n` +
      `  demo accounts (published test secrets; see README.md): ${accounts.join(', ')}\n` +
      `  webhooks: POST ${base}/webhooks/<channel>/demo   admin: ${base}/admin/queues\n` +
      `  marketplace emulator (the demo accounts' channel APIs): ${emulatorUrl ?? 'not in this process'}\n` +
      token +
      '\n',
  )
}

/**
 * Loud at start-up, never fatal: PostgreSQL keeps everything accepted, whatever Redis does. On a
 * cluster, each configured node is asked (every master needs the same settings).
 */
async function warnAboutRedis(config: Config, log: Logger): Promise<void> {
  for (const url of config.redis.url.split(',')) {
    const node = config.redis.cluster ? ` at ${redactUrl(url)}` : ''
    const settings = await readRedisDurabilitySettings(url)
    if (!settings) {
      log.warn(
        `could not read the Redis configuration${node} (CONFIG GET refused or Redis unreachable): ` +
          'make sure maxmemory-policy is noeviction and persistence is on',
      )
      continue
    }
    for (const problem of redisDurabilityProblems(settings))
      log.warn({ redis: settings }, `${problem}${node}`)
  }
}

async function start(config: Config, log: Logger): Promise<void> {
  await dependenciesReady(config, log)
  const deps = createDeps(config, { log })
  // The probe reached Redis a moment ago; wait for these connections too, so /readyz is true from
  // the first request.
  await redisConnected(deps, config.startupRetryMs)
  const runsApi = config.role !== 'worker'
  const runsWorkers = config.role !== 'api'
  let server: RunningServer | undefined
  let workers: RunningWorkers | undefined
  let emulator: RunningEmulator | undefined
  try {
    // The sandbox's demo accounts call the built-in marketplace emulator; it runs beside the API,
    // and starts first so a taken port stops the hub before anything is served.
    if (config.mode === 'sandbox' && runsApi) {
      const port = config.sandbox.emulatorPort
      emulator = await listen(
        'the marketplace emulator',
        'SANDBOX_EMULATOR_PORT',
        `127.0.0.1:${port}`,
        () => startEmulator({ port, log }),
      )
    }
    if (runsApi)
      server = await listen(
        'the HTTP server',
        'PORT (or HOST)',
        `${config.http.host}:${config.http.port}`,
        () => startHttp(createApp(deps), { ...config.http, watch: { metrics: deps.metrics, log } }),
      )
  } catch (err) {
    await emulator?.close()
    await closeDeps(deps)
    throw err
  }
  if (emulator && server)
    for (const channel of CHANNEL_IDS)
      emulator.state(channel).hubUrl = `http://127.0.0.1:${server.port}`
  if (runsWorkers) workers = startWorkers(deps)
  log.info({ role: config.role, port: server?.port, mode: config.mode }, 'marketplace-hub started')
  if (server) announceSandbox(config, log, server.port, emulator?.url)
  void warnAboutRedis(config, log)

  await new Promise<void>((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) {
        // A second signal while draining: the operator wants out now.
        log.warn({ signal }, 'second signal during shutdown; exiting without waiting')
        process.exit(1)
      }
      stopping = true
      log.info({ signal }, 'shutting down: stopping intake, finishing active jobs')
      // What the shutdown is waiting for, so a timeout says which part did not finish.
      let waitingFor = 'the HTTP server'
      const force = setTimeout(() => {
        log.error(
          { timeoutMs: config.shutdownTimeoutMs, waitingFor },
          `shutdown timed out waiting for ${waitingFor}; exiting`,
        )
        process.exit(1)
      }, config.shutdownTimeoutMs)
      force.unref()
      void (async () => {
        // An open stream is a request in flight that would hold the server's close until the timeout.
        deps.streams.close()
        await server?.close()
        waitingFor = 'the emulator'
        await emulator?.close()
        waitingFor = 'the workers (active jobs, the relay, first attempts)'
        await workers?.close()
        waitingFor = 'PostgreSQL and Redis connections'
        await closeDeps(deps)
        log.info('shutdown complete')
        resolve()
      })()
    }
    process.on('SIGTERM', () => stop('SIGTERM'))
    process.on('SIGINT', () => stop('SIGINT'))
  })
}
