// The figures of the capacity model (docs/scaling.md): a hub in the api+worker layout at one fixed
// rate, with what PostgreSQL and Redis did per webhook (their own counters), the CPU per webhook
// per process and per stage (a second, profiled run), and the stores' ceilings on this machine.
// Everything runs on a PostgreSQL and a Redis of the part's own (private-stores.ts), so that the
// stores' server-wide counters (WAL, commands) and CPU are the hub's alone.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { CapacityFigures } from './capacity-figures.js'
import { measurePostgresCeiling, measureRedisCeiling } from './ceilings.js'
import { startCpuClock, waitForQuiet } from './cpu.js'
import { runRate, type EndToEndPlan } from './end-to-end.js'
import { hubCpuGroups, startHub, type HubInstance } from './hub.js'
import { profileStages } from './profile-stages.js'
import {
  connectRedis,
  connectServer,
  pgCounters,
  pgDelta,
  postgresServerPids,
  redisCounters,
  redisDelta,
} from './store-counters.js'
import { connectDb, pipelineState, useStores } from './stores.js'
import { startPrivateStores, type PrivateStores } from './private-stores.js'
import { startSubscriber, subscribe, type Subscriber } from './subscriber.js'

export interface CapacityPlan extends Pick<
  EndToEndPlan,
  'template' | 'logDir' | 'workDir' | 'mainJs' | 'threads' | 'connections' | 'graceSeconds'
> {
  readonly rate: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly profileSeconds: number
  readonly pgbenchSeconds: number
  readonly pgbenchClients: number
  readonly quietWaitSeconds: number
  readonly command: string
}

/** How many of Redis's commands the figures list, by calls. */
const TOP_COMMANDS = 6
/** PostgreSQL's statistics reach pg_stat_database up to a second after a transaction ends. */
const STATS_FLUSH_MS = 1_500

const HUB_GROUPS = ['hub api', 'hub worker'] as const

/** A hub and a subscriber for one run; `fn` gets them, and both are stopped afterwards. */
async function withHub<T>(
  plan: CapacityPlan,
  label: string,
  nodeArgs: readonly string[],
  fn: (hub: HubInstance, sub: Subscriber) => Promise<T>,
): Promise<T> {
  const sub = await startSubscriber()
  try {
    const hub = await startHub({
      layout: 'api+worker',
      label,
      logDir: plan.logDir,
      mainJs: plan.mainJs,
      nodeArgs,
    })
    try {
      sub.secret = await subscribe(hub.baseUrl, sub.url)
      return await fn(hub, sub)
    } finally {
      await hub.dispose()
    }
  } finally {
    await sub.close()
  }
}

function e2ePlan(plan: CapacityPlan, quietWaitSeconds: number): EndToEndPlan {
  return {
    ...plan,
    layouts: ['api+worker'],
    rates: [plan.rate],
    bareRate: 0,
    bareSeconds: 0,
    quietWaitSeconds,
  }
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits))

/** How long the measured run waits for the hub to finish the run's webhooks after the grace time. */
const DRAIN_MS = 60_000

/**
 * Waits (bounded) until the hub has normalized every webhook and made every delivery, so that the
 * counters and the CPU include all of the run's work even when deliveries lag on a busy machine.
 */
async function drained(hub: HubInstance): Promise<void> {
  const db = await connectDb(hub.dbName)
  try {
    const deadline = Date.now() + DRAIN_MS
    for (;;) {
      const state = await pipelineState(db)
      if (state.received === 0 && state.pendingDeliveries === 0) return
      if (Date.now() > deadline) {
        console.warn(`  not drained after ${DRAIN_MS / 1000} s: ${JSON.stringify(state)}`)
        return
      }
      await sleep(250)
    }
  } finally {
    await db.end()
  }
}

/** The measured run: CPU per process, and the stores' counters around it. */
async function measuredRun(plan: CapacityPlan, stores: PrivateStores) {
  return withHub(plan, 'capacity', [], async (hub, sub) => {
    const e2e = e2ePlan(plan, plan.quietWaitSeconds)
    if (plan.warmupSeconds > 0)
      await runRate(e2e, hub, sub, plan.rate, plan.warmupSeconds, 'capacity-warmup')
    const server = await connectServer()
    const redis = connectRedis()
    try {
      await waitForQuiet(20, plan.quietWaitSeconds * 1000)
      const pg0 = await pgCounters(server, hub.dbName)
      const redis0 = await redisCounters(redis)
      // Quiet was waited for above, before the counters' first reading. The CPU is clocked from
      // the first send to the last delivery: on a busy machine the work of the last webhooks sent
      // ends after the send window (which runRate's own clock covers).
      const storePids = {
        postgres: postgresServerPids(stores.pgDataDir),
        redis: () => [stores.redisPid],
      }
      const clock = startCpuClock({ ...hubCpuGroups(hub), ...storePids })
      const r = await runRate(
        e2ePlan(plan, 0),
        hub,
        sub,
        plan.rate,
        plan.seconds,
        'capacity',
        storePids,
      )
      await drained(hub)
      const cpu = clock.stop()
      await sleep(STATS_FLUSH_MS)
      const pgd = pgDelta(pg0, await pgCounters(server, hub.dbName))
      const redisd = redisDelta(redis0, await redisCounters(redis))
      return { r, cpu, pgd, redisd }
    } finally {
      await server.end()
      redis.disconnect()
    }
  })
}

/** The profiled run: each hub process's V8 profile over the window, summarised by stage. */
async function profiledRun(plan: CapacityPlan) {
  const dir = join(plan.workDir, 'capacity-profiles')
  mkdirSync(dir, { recursive: true })
  const pids: Record<string, number> = {}
  let window = { from: 0, to: 0 }
  await withHub(
    plan,
    'capacity-profiled',
    ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    async (hub, sub) => {
      for (const p of hub.processes) pids[`hub ${p.role}`] = p.child.pid
      const e2e = e2ePlan(plan, plan.quietWaitSeconds)
      if (plan.warmupSeconds > 0)
        await runRate(e2e, hub, sub, plan.rate, plan.warmupSeconds, 'capacity-profiled-warmup')
      await waitForQuiet(20, plan.quietWaitSeconds * 1000)
      const from = Number(process.hrtime.bigint() / 1000n)
      await runRate(e2ePlan(plan, 0), hub, sub, plan.rate, plan.profileSeconds, 'capacity-profiled')
      window = { from, to: Number(process.hrtime.bigint() / 1000n) }
    },
  )
  // Node writes the profile as each process exits: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
  const files = readdirSync(dir)
  const out: Record<string, ReturnType<typeof profileStages>> = {}
  for (const [group, pid] of Object.entries(pids)) {
    const file = files.find((f) => f.split('.')[3] === String(pid))
    if (!file) throw new Error(`no CPU profile of ${group} (pid ${pid}) in ${dir}`)
    out[group] = profileStages(join(dir, file), window.from, window.to)
  }
  return out
}

export async function measureCapacity(plan: CapacityPlan): Promise<CapacityFigures> {
  const stores = await startPrivateStores(plan.logDir)
  const restore = useStores(stores.pgBaseUrl, stores.redisUrl)
  console.log(`  own PostgreSQL ${stores.pgBaseUrl} and Redis ${stores.redisUrl}`)
  try {
    console.log(`  measured run: api+worker at ${plan.rate}/s for ${plan.seconds} s…`)
    const measured = await measuredRun(plan, stores)
    console.log(`  profiled run: ${plan.profileSeconds} s with --cpu-prof…`)
    const profiles = await profiledRun(plan)
    console.log('  ceilings: redis-benchmark, pgbench…')
    const redisCeiling = await measureRedisCeiling(Number(new URL(stores.redisUrl).port))
    const postgresCeiling = await measurePostgresCeiling(
      plan.pgbenchClients,
      plan.pgbenchSeconds,
      postgresServerPids(stores.pgDataDir),
    )
    return figures(plan, measured, profiles, { redis: redisCeiling, postgres: postgresCeiling })
  } finally {
    restore()
    await stores.stop()
  }
}

function figures(
  plan: CapacityPlan,
  { r, cpu: usage, pgd, redisd }: Awaited<ReturnType<typeof measuredRun>>,
  profiles: Awaited<ReturnType<typeof profiledRun>>,
  ceilings: CapacityFigures['ceilings'],
): CapacityFigures {
  // Every webhook acknowledged was processed by the time the counters were read (drained()).
  const n = Math.max(1, r.acked)
  const perWebhook = (x: number, digits = 3) => round(x / n, digits)
  const cpu = (g: string) => round(((usage.cpuSeconds[g] ?? NaN) * 1000) / n)
  const msPerWebhook: Record<string, Record<string, number>> = {}
  for (const g of HUB_GROUPS) {
    const p = profiles[g]!
    if (!p.windowed)
      console.warn(`  ${g}: no profile samples in the window; the whole profile counts`)
    msPerWebhook[g] = Object.fromEntries(
      Object.entries(p.shares).map(([stage, share]) => [stage, round(share * cpu(g))]),
    )
  }
  const calls = Object.values(redisd.commands).reduce((a, c) => a + c.calls, 0)
  const usec = Object.values(redisd.commands).reduce((a, c) => a + c.usec, 0)
  const top = Object.entries(redisd.commands)
    .sort((a, b) => b[1].calls - a[1].calls)
    .slice(0, TOP_COMMANDS)
    .map(([command, c]) => ({
      command,
      callsPerWebhook: perWebhook(c.calls),
      usPerCall: round(c.usec / c.calls, 1),
    }))
  return {
    date: new Date().toISOString(),
    commit: execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim(),
    machine: { cores: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    command: plan.command,
    run: {
      layout: 'api+worker',
      rate: plan.rate,
      seconds: plan.seconds,
      sent: r.sent,
      acked: r.acked,
      delivered: r.delivered,
      p50Ms: r.latencyMs.p50,
      p99Ms: r.latencyMs.p99,
      sustained: r.sustained,
      clockedSeconds: round(usage.seconds, 1),
      otherProcessesPercent: round(
        ((usage.cpuSeconds['other processes'] ?? 0) / usage.seconds) * 100,
        1,
      ),
    },
    cpuMsPerWebhook: {
      'hub api': cpu('hub api'),
      'hub worker': cpu('hub worker'),
      postgres: cpu('postgres'),
      redis: cpu('redis'),
    },
    stages: {
      profileSeconds: plan.profileSeconds,
      samples: Object.fromEntries(HUB_GROUPS.map((g) => [g, profiles[g]!.samples])),
      msPerWebhook,
    },
    postgres: {
      commits: perWebhook(pgd.xactCommit),
      rowsInserted: perWebhook(pgd.tupInserted),
      rowsUpdated: perWebhook(pgd.tupUpdated),
      rowsDeleted: perWebhook(pgd.tupDeleted),
      walBytes: perWebhook(pgd.walLsnBytes, 0),
      walRecords: perWebhook(pgd.walRecords, 1),
      storedBytes: perWebhook(pgd.databaseBytes, 0),
      otherDatabasesCommits: pgd.otherCommits,
    },
    redis: { calls: perWebhook(calls), commandUs: perWebhook(usec, 1), top },
    ceilings,
  }
}

export function formatCapacity(f: CapacityFigures): string[] {
  const c = f.cpuMsPerWebhook
  return [
    `## Capacity figures (api+worker at ${f.run.rate}/s, ${f.run.seconds} s; p99 ${f.run.p99Ms} ms, ` +
      `${f.run.sustained ? 'sustained' : 'NOT sustained'}; other processes ${f.run.otherProcessesPercent}%)`,
    `CPU ms per webhook: api ${c['hub api']}, worker ${c['hub worker']}, postgres ${c.postgres}, redis ${c.redis}`,
    ...Object.entries(f.stages.msPerWebhook).map(
      ([g, s]) =>
        `  ${g} by stage: ` +
        Object.entries(s)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
    ),
    `PostgreSQL per webhook: ${f.postgres.commits} commits, ${f.postgres.rowsInserted} inserted, ` +
      `${f.postgres.rowsUpdated} updated, ${f.postgres.rowsDeleted} deleted, ${f.postgres.walBytes} WAL bytes`,
    `Redis per webhook: ${f.redis.calls} calls (${f.redis.commandUs} µs in Redis): ` +
      f.redis.top.map((t) => `${t.command} ${t.callsPerWebhook}`).join(', '),
    `Ceilings: redis ${JSON.stringify(f.ceilings.redis.opsPerSecond)}; pgbench -N ` +
      `${Math.round(f.ceilings.postgres.tps)} tps, ${f.ceilings.postgres.walMBPerSecond.toFixed(1)} MB/s WAL, ` +
      `${f.ceilings.postgres.postgresCpuMsPerCommit.toFixed(3)} ms PostgreSQL CPU per commit`,
  ]
}
