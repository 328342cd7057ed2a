// Runs the built hub as one or two child processes that share a fresh database and queue prefix.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, spawnChild, waitForLogLine, waitForReady, type Child } from './processes.js'
import { databaseUrl, deleteQueuePrefix, dropDatabase, REDIS_URL } from './stores.js'

export const ADMIN_TOKEN = `bench_admin_${randomBytes(12).toString('hex')}`

/**
 * How the hub is deployed: `api` = one `--role api` process (HTTP intake only, no workers);
 * `all` = one `--role all` process (HTTP, queue workers and relay); `api+worker` = one
 * `--role api` process plus one `--role worker` process (queue workers and relay, no HTTP).
 */
export type HubLayout = 'api' | 'all' | 'api+worker'
export type HubRole = 'api' | 'worker' | 'all'

/** Each layout's processes, in words, for the report and the results. */
export const LAYOUT_PROCESSES: Record<HubLayout, string> = {
  api: 'one process, --role api (HTTP intake only)',
  all: 'one process, --role all (HTTP, queue workers and relay)',
  'api+worker':
    'two processes sharing one database and queue prefix: --role api (HTTP) + ' +
    '--role worker (queue workers and relay)',
}

/** What the hub logs (at info) once it runs; a worker-only process has no /readyz to poll. */
const STARTED_LINE = '"msg":"marketplace-hub started"'

/** Hubs not yet disposed, so that an interrupted run can still clean up after them. */
export const liveHubs = new Set<HubInstance>()

export interface HubProcess {
  readonly role: HubRole
  readonly child: Child
}

export interface HubInstance {
  readonly layout: HubLayout
  readonly baseUrl: string
  readonly dbName: string
  readonly queuePrefix: string
  /** Every hub process, in start order; the first one serves HTTP. */
  readonly processes: readonly HubProcess[]
  /** Stops every process (SIGTERM, waits), then drops the database and deletes the Redis keys. */
  dispose(): Promise<void>
}

/** CPU groups for the meter: "hub" for a single process, "hub api" and "hub worker" when split. */
export function hubCpuGroups(hub: HubInstance): Record<string, () => readonly number[]> {
  if (hub.processes.length === 1) return { hub: () => [hub.processes[0]!.child.pid] }
  return Object.fromEntries(hub.processes.map((p) => [`hub ${p.role}`, () => [p.child.pid]]))
}

/**
 * Starts a hub in `layout` on a free port with a fresh database and queue prefix. The HTTP process
 * starts first (it creates the database and migrates it) and is ready once /readyz is 200; a
 * worker process starts after it and is ready once it has logged that it started.
 */
export async function startHub(opts: {
  readonly layout: HubLayout
  readonly label: string
  readonly logDir: string
  readonly mainJs: string
  /** More flags for the hubs' node, after BENCH_HUB_NODE_ARGS (e.g. --cpu-prof for one run). */
  readonly nodeArgs?: readonly string[]
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
    // The hub logs nothing per request or job at info, only start-up and shutdown.
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
  }
  // Sandbox mode (the demo account and its published secret) needs HUB_CONFIG unset.
  delete env.HUB_CONFIG
  delete env.ROLE
  const roles: HubRole[] = opts.layout === 'api+worker' ? ['api', 'worker'] : [opts.layout]
  const processes: HubProcess[] = []
  const spawnRole = (role: HubRole): Child => {
    const suffix = roles.length > 1 ? `-${role}` : ''
    const child = spawnChild({
      name: `hub --role ${role} (${opts.label})`,
      command: process.execPath,
      // BENCH_HUB_NODE_ARGS passes flags to the hub's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
      // (node refuses --cpu-prof in NODE_OPTIONS).
      args: [...nodeArgs(), ...(opts.nodeArgs ?? []), opts.mainJs, 'start', '--role', role],
      env,
      logFile: join(opts.logDir, `hub-${opts.label}${suffix}.log`),
    })
    processes.push({ role, child })
    return child
  }

  let disposed = false
  const dispose = async () => {
    if (disposed) return
    disposed = true
    liveHubs.delete(hub)
    const problems: string[] = []
    // In start order: the HTTP process stops taking webhooks before the workers stop.
    for (const { child } of processes) {
      const code = await child.stop()
      if (code !== 0) problems.push(`${child.name} exited with ${code} (see ${child.logFile})`)
    }
    await dropDatabase(dbName).catch((err: unknown) =>
      problems.push(`drop ${dbName}: ${String(err)}`),
    )
    await deleteQueuePrefix(queuePrefix).catch((err: unknown) =>
      problems.push(`delete ${queuePrefix}:*: ${String(err)}`),
    )
    if (problems.length > 0) console.warn(`  cleanup: ${problems.join('; ')}`)
  }
  const baseUrl = `http://127.0.0.1:${port}`
  const hub: HubInstance = { layout: opts.layout, baseUrl, dbName, queuePrefix, processes, dispose }
  liveHubs.add(hub)
  try {
    for (const role of roles) {
      const child = spawnRole(role)
      if (role === 'worker') await waitForLogLine(child, STARTED_LINE)
      else await waitForReady(child, `${baseUrl}/readyz`)
    }
  } catch (err) {
    await dispose()
    throw err
  }
  return hub
}

/** Node's flags as `npm start` runs the hub (package.json), then BENCH_HUB_NODE_ARGS. */
function nodeArgs(): string[] {
  return [...START_FLAGS, ...(process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean)]
}

const START_FLAGS = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string }
  }
  const flags = /^node((?: --\S+)*) dist\//.exec(pkg.scripts.start)
  if (!flags) throw new Error(`cannot read node's flags from npm start: ${pkg.scripts.start}`)
  return flags[1]!.split(' ').filter(Boolean)
})()
