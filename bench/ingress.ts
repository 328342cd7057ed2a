// Ingress throughput: the hub (--role api) and the bare endpoint under the same autocannon load.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpuGroups, startCpuMeter, waitForQuiet, type CpuReport } from './cpu.js'
import { hubCpuGroups, startHub } from './hub.js'
import { runLoad, type LoadResult } from './load.js'
import { freePort, spawnChild, waitForReady } from './processes.js'
import type { SignedPool } from './signed-requests.js'
import { countInboxRows, jobCounts, sampleBackends, type BackendSample } from './stores.js'

export interface LoadPlan {
  readonly connections: number
  readonly warmupSeconds: number
  readonly seconds: number
  readonly pool: SignedPool
  readonly logDir: string
}

export interface MeasuredRun {
  readonly warmup: LoadResult
  readonly measured: LoadResult
  /** Percent of one core per process group during the measured window. */
  readonly cpu: CpuReport
}

export interface IngressRun extends MeasuredRun {
  readonly durability: {
    /** 2xx answers over warm-up and measured run: each must be a committed row and a queued job. */
    readonly acknowledged: number
    readonly inboxRows: number
    readonly inboundJobs: Record<string, number>
    readonly ok: boolean
  }
  /** Mean number of the hub's Postgres backends per state / wait event during the window. */
  readonly postgresBackends: BackendSample
}

/** Warm-up then measured load against `baseUrl`, with CPU per process group over the window. */
async function warmThenMeasure(
  plan: LoadPlan,
  baseUrl: string,
  groups: Parameters<typeof startCpuMeter>[0],
  onWindow?: { start(): void; end(): void },
): Promise<MeasuredRun> {
  const common = { baseUrl, connections: plan.connections, pool: plan.pool }
  await waitForQuiet()
  const warmup = await runLoad({ ...common, seconds: plan.warmupSeconds, firstIndex: 0 })
  onWindow?.start()
  const meter = startCpuMeter(groups)
  let cpu: CpuReport = {}
  const measured = await runLoad({
    ...common,
    seconds: plan.seconds,
    firstIndex: warmup.nextIndex,
    onDeadline: () => {
      cpu = meter.stop()
      onWindow?.end()
    },
  })
  return { warmup, measured, cpu }
}

/** A fresh hub with `--role api` (no workers), loaded, then checked: rows = jobs = 2xx answers. */
export async function measureIngress(plan: LoadPlan, mainJs: string): Promise<IngressRun> {
  const hub = await startHub({
    layout: 'api',
    label: `ingress-${plan.pool.name}-c${plan.connections}`,
    logDir: plan.logDir,
    mainJs,
  })
  try {
    let backends: ReturnType<typeof sampleBackends> | undefined
    let stopped: Promise<BackendSample> | undefined
    const run = await warmThenMeasure(plan, hub.baseUrl, cpuGroups(hubCpuGroups(hub)), {
      start: () => {
        backends = sampleBackends(hub.dbName)
      },
      end: () => {
        stopped = backends?.stop()
      },
    })
    const postgresBackends = (await stopped) ?? { samples: 0, meanBackends: {} }
    const acknowledged = run.warmup.ok + run.measured.ok
    const inboxRows = await countInboxRows(hub.dbName)
    const inboundJobs = await jobCounts(hub.queuePrefix, 'inbound')
    const queued = Object.values(inboundJobs).reduce((a, b) => a + b, 0)
    const ok =
      inboxRows === acknowledged && inboundJobs.waiting === acknowledged && queued === acknowledged
    return { ...run, durability: { acknowledged, inboxRows, inboundJobs, ok }, postgresBackends }
  } finally {
    await hub.dispose()
  }
}

/** The bare hono endpoint (bench/bare-server.ts) in its own process, under the same load. */
export async function measureBare(plan: LoadPlan): Promise<MeasuredRun> {
  const port = await freePort()
  const script = fileURLToPath(new URL('./bare-server.ts', import.meta.url))
  const child = spawnChild({
    name: 'bare hono endpoint',
    command: process.execPath,
    args: ['--import', 'tsx', script],
    env: { ...process.env, PORT: String(port) },
    logFile: join(plan.logDir, `bare-${plan.pool.name}-c${plan.connections}.log`),
  })
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitForReady(child, `${baseUrl}/healthz`)
    return await warmThenMeasure(plan, baseUrl, cpuGroups({ 'bare server': () => [child.pid] }))
  } finally {
    await child.stop()
  }
}
