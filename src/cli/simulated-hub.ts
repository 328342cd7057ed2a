import { randomBytes } from 'node:crypto'
import { sandboxAccounts, type Config } from '../config/index.js'
import { closeDeps, createDeps, type Deps } from '../deps.js'
import { CHANNEL_IDS } from '../events/index.js'
import { createApp } from '../http/app.js'
import { startHttp } from '../http/server.js'
import type { Logger } from '../logger.js'
import { deleteMatching } from '../redis-client.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../sandbox/emulator.js'
import { startWorkers } from '../../workers/index.js'

export interface SimulatedHub {
  readonly deps: Deps
  readonly emulator: RunningEmulator
  readonly url: string
  readonly adminToken: string
}

/**
 * A complete hub (API, workers, relay) and the marketplace emulator in this process, against the
 * simulation's own database and queue prefix (`base` is prepared by the caller), so a run never
 * mixes with a hub you are running. `configure` adjusts the hub's configuration for the run.
 * Everything is stopped, and the run's queues removed from Redis, when `run` settles.
 */
export async function withSimulatedHub<T>(
  base: Config,
  log: Logger,
  emulatorOptions: Omit<EmulatorOptions, 'port'>,
  configure: (config: Config) => Config,
  run: (hub: SimulatedHub) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ ...emulatorOptions, port: 0 })
  const adminToken = `hub_sim_${randomBytes(12).toString('base64url')}`
  const config = configure({
    ...base,
    mode: 'sandbox',
    http: { ...base.http, host: '127.0.0.1', port: 0 },
    admin: { ...base.admin, token: adminToken, generated: true },
    accounts: sandboxAccounts(emulator.url),
    // The emulated marketplaces stamp orders with this process's clock, to the millisecond.
    stock: { ...base.stock, orderClockSkewMs: 0 },
  })
  const deps = createDeps(config, { log })
  const workers = startWorkers(deps)
  const server = await startHttp(createApp(deps), config.http)
  const url = `http://127.0.0.1:${server.port}`
  for (const channel of CHANNEL_IDS) emulator.state(channel).hubUrl = url
  try {
    return await run({ deps, emulator, url, adminToken })
  } finally {
    await server.close()
    await workers.close()
    // The run's queues are its own (a fresh prefix); leave nothing of them in Redis.
    await Promise.all(deps.queues.all.map((q) => q.obliterate({ force: true }))).catch(
      () => undefined,
    )
    await deleteMatching(deps.redis.producer, `${config.queues.prefix}:*`).catch(() => 0)
    await closeDeps(deps)
    await emulator.close()
  }
}
