#!/usr/bin/env node
// The composition root: configuration → dependencies → HTTP and/or workers. The only module (with
// config/) that touches process.env.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type Config } from './config/index.js'
import { closeDeps, createDeps } from './deps.js'
import { createDb, createPool } from './db/client.js'
import { dropDatabase, ensureDatabase, migrateToLatest } from './db/migrate.js'
import { readRedisDurabilitySettings, redisDurabilityProblems } from './queues/redis-durability.js'
import { createApp } from './http/app.js'
import { startHttp, type RunningServer } from './http/server.js'
import { createLogger, type Logger } from './logger.js'
import { startWorkers, type RunningWorkers } from '../workers/index.js'
import { importListings } from './cli/listings-import.js'
import { simulateFlashSale } from './cli/simulate.js'
import { startEmulator, type RunningEmulator } from './sandbox/emulator.js'

const USAGE = `usage: hub <command>

commands:
  start [--role api|worker|all]   run the hub (default role: all, or $ROLE)
  migrate                         create the database if missing and apply migrations
  listings import <file.csv>      create or replace listings from a CSV file (see README.md)
  simulate flash-sale [--sku S] [--orders N] [--on-hand N] [--channels all|a,b]
                      [--duplicates N] [--over MS]
                                  a flash sale against the built-in marketplace emulator, in its
                                  own database and queues: N buyers over MS milliseconds; prints
                                  orders, final quantities, pushes and oversold units

configuration is read from environment variables; see README.md.`

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      sku: { type: 'string', default: 'FLASH-SALE-SKU' },
      orders: { type: 'string', default: '100' },
      'on-hand': { type: 'string', default: '100' },
      channels: { type: 'string', default: 'all' },
      duplicates: { type: 'string', default: '1' },
      over: { type: 'string', default: '0' },
    },
  })
  const command = positionals[0]
  if (values.help || !command) {
    console.log(USAGE)
    return command || values.help ? 0 : 1
  }
  const role = values.role
  if (role !== undefined && role !== 'api' && role !== 'worker' && role !== 'all') {
    console.error(`--role must be api, worker or all (got "${role}")`)
    return 1
  }
  const config = loadConfig(process.env, role ? { role: role } : {})
  const log = createLogger({ level: config.log.level })
  switch (command) {
    case 'migrate':
      await prepareDatabase(config, log)
      return 0
    case 'start':
      await start(config, log)
      return 0
    case 'listings': {
      const file = positionals[2]
      if (positionals[1] !== 'import' || !file) {
        console.error(`usage: hub listings import <file.csv>\n\n${USAGE}`)
        return 1
      }
      await prepareDatabase(config, log)
      const deps = createDeps(config, { log })
      try {
        return await importListings(deps, file)
      } finally {
        await closeDeps(deps)
      }
    }
    case 'simulate': {
      if (positionals[1] !== 'flash-sale') {
        console.error(`usage: hub simulate flash-sale [options]\n\n${USAGE}`)
        return 1
      }
      const counts = ['orders', 'on-hand', 'duplicates', 'over'] as const
      const [orders, onHand, duplicates, overMs] = counts.map((name) => Number(values[name]))
      const bad = counts.filter((name) => !/^\d+$/.test(values[name] ?? ''))
      if (bad.length > 0) {
        console.error(`--${bad.join(', --')}: must be a whole number`)
        return 1
      }
      // Its own database and queues: a simulation never touches the hub you run.
      const simulation = withSimulationStore(config)
      await dropDatabase(simulation.db.url)
      await prepareDatabase(simulation, log)
      return simulateFlashSale(simulation, createLogger({ level: 'warn' }), {
        sku: values.sku,
        orders: orders!,
        onHand: onHand!,
        channels: values.channels,
        duplicates: duplicates!,
        overMs: overMs!,
      })
    }
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`)
      return 1
  }
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

async function prepareDatabase(config: Config, log: Logger): Promise<void> {
  if (await ensureDatabase(config.db.url))
    log.info({ database: new URL(config.db.url).pathname }, 'created database')
  const pool = createPool({ ...config.db, poolMax: 1 })
  const db = createDb(pool)
  try {
    const applied = await migrateToLatest(db)
    if (applied.length > 0) log.info({ applied }, 'applied migrations')
  } finally {
    await db.destroy()
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
      `  demo accounts (published test secrets; see README): ${accounts.join(', ')}\n` +
      `  webhooks: POST ${base}/webhooks/<channel>/demo   admin: ${base}/admin/queues\n` +
      `  marketplace emulator (the demo accounts' channel APIs): ${emulatorUrl ?? 'not in this process'}\n` +
      token +
      '\n',
  )
}

/** Loud at start-up, never fatal: PostgreSQL keeps everything accepted, whatever Redis does. */
async function warnAboutRedis(config: Config, log: Logger): Promise<void> {
  const settings = await readRedisDurabilitySettings(config.redis.url)
  if (!settings) {
    log.warn(
      'could not read the Redis configuration (CONFIG GET refused or Redis unreachable): ' +
        'make sure maxmemory-policy is noeviction and persistence is on',
    )
    return
  }
  for (const problem of redisDurabilityProblems(settings)) log.warn({ redis: settings }, problem)
}

async function start(config: Config, log: Logger): Promise<void> {
  await prepareDatabase(config, log)
  const deps = createDeps(config, { log })
  const runsApi = config.role !== 'worker'
  const runsWorkers = config.role !== 'api'
  let server: RunningServer | undefined
  let workers: RunningWorkers | undefined
  let emulator: RunningEmulator | undefined
  if (runsWorkers) workers = startWorkers(deps)
  if (runsApi)
    server = await startHttp(createApp(deps), {
      ...config.http,
      watch: { metrics: deps.metrics, log },
    })
  // The sandbox's demo accounts call the built-in marketplace emulator; it runs beside the API.
  if (config.mode === 'sandbox' && server) {
    const hubUrl = `http://127.0.0.1:${server.port}`
    emulator = await startEmulator({ port: config.sandbox.emulatorPort, hubUrl, log }).catch(
      (err: unknown) => {
        // Webhooks still work; only the demo accounts' API calls (hydration, pushes) will fail.
        log.error(
          { err, port: config.sandbox.emulatorPort },
          'the marketplace emulator could not start (set SANDBOX_EMULATOR_PORT to a free port): demo accounts cannot reach their channel APIs',
        )
        return undefined
      },
    )
  }
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
      const force = setTimeout(() => {
        log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting')
        process.exit(1)
      }, config.shutdownTimeoutMs)
      force.unref()
      void (async () => {
        await server?.close()
        await emulator?.close()
        await workers?.close()
        await closeDeps(deps)
        log.info('shutdown complete')
        resolve()
      })()
    }
    process.on('SIGTERM', () => stop('SIGTERM'))
    process.on('SIGINT', () => stop('SIGINT'))
  })
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message)
    else console.error('marketplace-hub failed to start:', err)
    process.exit(1)
  },
)
