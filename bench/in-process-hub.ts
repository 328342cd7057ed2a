// A hub run in this process (API, workers, relay) against the marketplace emulator, with its own
// database and queue prefix: what the stock parts (stock-sync.ts, catalog.ts) measure. They import
// the hub's source, so run.ts loads them only when they are asked for.
import { randomBytes } from 'node:crypto'
import { request } from 'undici'
import { loadConfig, sandboxAccounts } from '../src/config/index.js'
import { closeDeps, createDeps, type Deps } from '../src/deps.js'
import { ensureDatabase, migrateToLatest } from '../src/db/migrate.js'
import { createDb, createPool } from '../src/db/client.js'
import { createApp } from '../src/http/app.js'
import { startHttp } from '../src/http/server.js'
import { createLogger } from '../src/logger.js'
import { startEmulator, type RunningEmulator } from '../src/sandbox/emulator.js'
import { startWorkers } from '../workers/index.js'
import { databaseUrl, deleteQueuePrefix, dropDatabase, REDIS_URL } from './stores.js'

export interface InProcessHub {
  readonly emulator: RunningEmulator
  readonly deps: Deps
  /** An admin request to the hub's HTTP API; throws on a status ≥ 300. */
  admin(method: 'PUT' | 'POST', path: string, body: unknown): Promise<void>
  /** Stops the hub and the emulator, drops the database and deletes the queue keys. */
  close(): Promise<void>
}

/** `name` tells this part's database and queue prefix apart from others'. */
export async function startInProcessHub(name: string): Promise<InProcessHub> {
  const suffix = randomBytes(4).toString('hex')
  const dbName = `hub_bench_${name}_${suffix}`
  const prefix = `hub-bench-${name}-${suffix}`
  const adminToken = `bench_${randomBytes(12).toString('hex')}`
  const emulator = await startEmulator({ port: 0 })
  const config = {
    ...loadConfig({
      DATABASE_URL: databaseUrl(dbName),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'error',
      RELAY_MIN_INTERVAL_MS: '10',
    }),
    accounts: sandboxAccounts(emulator.url),
  }
  await ensureDatabase(config.db.url)
  const migrator = createDb(createPool({ ...config.db, poolMax: 1 }))
  await migrateToLatest(migrator)
  await migrator.destroy()
  const deps = createDeps(config, { log: createLogger({ level: 'error' }) })
  const workers = startWorkers(deps)
  const server = await startHttp(createApp(deps), { host: '127.0.0.1', port: 0 })
  const hub = `http://127.0.0.1:${server.port}`
  return {
    emulator,
    deps,
    async admin(method, path, body) {
      const res = await request(new URL(path, hub), {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const text = await res.body.text()
      if (res.statusCode >= 300) {
        throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 500)}`)
      }
    },
    async close() {
      await server.close()
      await workers.close()
      await closeDeps(deps)
      await emulator.close()
      await dropDatabase(dbName)
      await deleteQueuePrefix(prefix)
    },
  }
}
