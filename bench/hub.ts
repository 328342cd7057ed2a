// Runs the built hub (dist/src/main.js) as a child process with its own database and queue prefix.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { freePort, spawnChild, waitForReady, type Child } from './processes.js'
import { databaseUrl, deleteQueuePrefix, dropDatabase, REDIS_URL } from './stores.js'

export const ADMIN_TOKEN = `bench_admin_${randomBytes(12).toString('hex')}`

/** Hubs not yet disposed, so that an interrupted run can still clean up after them. */
export const liveHubs = new Set<HubInstance>()

export interface HubInstance {
  readonly role: 'api' | 'all'
  readonly baseUrl: string
  readonly dbName: string
  readonly queuePrefix: string
  readonly child: Child
  /** Stops the process (SIGTERM, waits), drops its database and deletes its Redis keys. */
  dispose(): Promise<void>
}

/** Starts a hub on a free port with a fresh database and queue prefix; resolves once /readyz is 200. */
export async function startHub(opts: {
  readonly role: 'api' | 'all'
  readonly label: string
  readonly logDir: string
  readonly mainJs: string
}): Promise<HubInstance> {
  const tag = randomBytes(4).toString('hex')
  const dbName = `marketplace_hub_bench_${tag}`
  const queuePrefix = `bench-${tag}`
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl(dbName),
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
  }
  // Sandbox mode (the demo account and its published secret) needs HUB_CONFIG unset.
  delete env.HUB_CONFIG
  delete env.ROLE
  const child = spawnChild({
    name: `hub (${opts.label})`,
    command: process.execPath,
    // BENCH_HUB_NODE_ARGS passes flags to the hub's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    // (node refuses --cpu-prof in NODE_OPTIONS).
    args: [...nodeArgs(), opts.mainJs, 'start', '--role', opts.role],
    env,
    logFile: join(opts.logDir, `hub-${opts.label}.log`),
  })
  let disposed = false
  const dispose = async () => {
    if (disposed) return
    disposed = true
    liveHubs.delete(hub)
    const problems: string[] = []
    const code = await child.stop()
    if (code !== 0) problems.push(`${child.name} exited with ${code} (see ${child.logFile})`)
    await dropDatabase(dbName).catch((err: unknown) =>
      problems.push(`drop ${dbName}: ${String(err)}`),
    )
    await deleteQueuePrefix(queuePrefix).catch((err: unknown) =>
      problems.push(`delete ${queuePrefix}:*: ${String(err)}`),
    )
    if (problems.length > 0) console.warn(`  cleanup: ${problems.join('; ')}`)
  }
  const baseUrl = `http://127.0.0.1:${port}`
  const hub: HubInstance = { role: opts.role, baseUrl, dbName, queuePrefix, child, dispose }
  liveHubs.add(hub)
  try {
    await waitForReady(child, `${baseUrl}/readyz`)
  } catch (err) {
    await dispose()
    throw err
  }
  return hub
}

function nodeArgs(): string[] {
  return (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean)
}
