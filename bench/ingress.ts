// Ingress: the hub (--role api), the bare endpoint and the naive receiver, interleaved in rounds,
// each under the same wrk load with the same 7.6 KB signed webhooks.
import { setTimeout as sleep } from 'node:timers/promises'
import { pidsNamed, startCpuClock, waitForQuiet, type CpuUsage, type PidSource } from './cpu.js'
import { median } from './stats.js'
import { countInboxRows } from './stores.js'
import {
  inboundJobs,
  startTarget,
  TARGET_NAMES,
  type LoadTarget,
  type TargetKind,
} from './targets.js'
import type { WebhookTemplate } from './webhook-template.js'
import { startWrk, type WrkResult } from './wrk.js'

export interface IngressPlan {
  readonly rounds: number
  readonly connections: number
  readonly threads: number
  readonly warmupSeconds: number
  readonly seconds: number
  readonly quietWaitSeconds: number
  readonly template: WebhookTemplate
  readonly logDir: string
  readonly workDir: string
  readonly mainJs: string
}

/** What a target stored against what wrk saw: every 2xx must be stored (and, for the hub, queued). */
export interface StoredCheck {
  /** 2xx answers over warm-up and measured run. */
  readonly acknowledged: number
  /** Requests written; those in flight at wrk's deadline were abandoned, answered or not. */
  readonly sent: number
  /** Inbox rows (hub only). */
  readonly rows?: number
  /** `inbound` jobs by state. */
  readonly jobStates: Record<string, number>
  readonly jobs: number
  /** Hub: rows == jobs and acknowledged ≤ rows ≤ sent. Naive: acknowledged ≤ jobs ≤ sent. */
  readonly ok: boolean
}

export interface IngressRun {
  readonly target: TargetKind
  readonly round: number
  readonly warmup: WrkResult
  readonly measured: WrkResult
  /** 2xx answers of the measured run per second of it. */
  readonly okPerSecond: number
  readonly cpu: CpuUsage
  /** Per process group: CPU microseconds per 2xx of the measured run. */
  readonly cpuUsPerRequest: Record<string, number>
  readonly stored?: StoredCheck
}

export interface IngressResult {
  readonly connections: number
  readonly rounds: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly bodyBytes: number
  readonly runs: readonly IngressRun[]
  /** Median over rounds of each target's 2xx/s. */
  readonly medianPerSecond: Record<TargetKind, number>
  readonly hubOverNaive: number
  readonly hubOverBare: number
  /** Median over rounds, per target and process group: CPU µs per 2xx. */
  readonly medianCpuUsPerRequest: Record<TargetKind, Record<string, number>>
  readonly durable: boolean
}

export const INGRESS_ORDER: readonly TargetKind[] = ['hub', 'bare', 'naive']

/** The target's processes as one "server" group, the stores, and the load generator. */
function groupsFor(target: LoadTarget, wrkPid: number): Record<string, PidSource> {
  return {
    server: () => Object.values(target.groups).flatMap((pids) => pids()),
    postgres: pidsNamed('postgres'),
    redis: pidsNamed('redis-server'),
    wrk: () => [wrkPid],
  }
}

/** Waits until what the target stored stops changing (wrk abandons requests at its deadline). */
async function settledCounts(
  target: LoadTarget,
): Promise<{ rows?: number; jobStates: Record<string, number> }> {
  let last = ''
  for (let i = 0; i < 40; i++) {
    const rows = target.dbName ? await countInboxRows(target.dbName) : undefined
    const jobStates = await inboundJobs(target)
    const key = JSON.stringify([rows, jobStates])
    if (key === last) return { ...(rows === undefined ? {} : { rows }), jobStates }
    last = key
    await sleep(250)
  }
  throw new Error(`${TARGET_NAMES[target.kind]}: stored counts still changing after 10 s`)
}

async function checkStored(target: LoadTarget, runs: readonly WrkResult[]): Promise<StoredCheck> {
  const acknowledged = runs.reduce((a, r) => a + r.acked, 0)
  const sent = runs.reduce((a, r) => a + r.sent, 0)
  const { rows, jobStates } = await settledCounts(target)
  const jobs = Object.values(jobStates).reduce((a, b) => a + b, 0)
  const ok =
    rows === undefined
      ? acknowledged <= jobs && jobs <= sent
      : rows === jobs && acknowledged <= rows && rows <= sent
  return { acknowledged, sent, ...(rows === undefined ? {} : { rows }), jobStates, jobs, ok }
}

async function measureTarget(
  plan: IngressPlan,
  kind: TargetKind,
  round: number,
): Promise<IngressRun> {
  const label = `ingress-r${round}`
  const target = await startTarget(kind, { label, logDir: plan.logDir, mainJs: plan.mainJs })
  try {
    await waitForQuiet(20, plan.quietWaitSeconds * 1000)
    const load = {
      baseUrl: target.baseUrl,
      template: plan.template,
      connections: plan.connections,
      threads: plan.threads,
      logDir: plan.logDir,
      workDir: plan.workDir,
    }
    const warmup = await startWrk({
      ...load,
      label: `${label}-${kind}-warmup`,
      seconds: plan.warmupSeconds,
    }).result
    const run = startWrk({ ...load, label: `${label}-${kind}`, seconds: plan.seconds })
    const clock = startCpuClock(groupsFor(target, run.child.pid))
    // The window ends just before wrk's deadline (its clock starts after its own start-up): an
    // exited process's CPU time can no longer be read from /proc.
    const window = sleep(plan.seconds * 1000).then(() => clock.stop())
    const measured = await run.result
    const cpu = await window
    const okPerSecond = measured.acked / (measured.durationUs / 1e6)
    // CPU per request = share of a core used during the window ÷ requests per second.
    const cpuUsPerRequest: Record<string, number> = {}
    for (const [group, seconds] of Object.entries(cpu.cpuSeconds))
      cpuUsPerRequest[group] = okPerSecond > 0 ? ((seconds / cpu.seconds) * 1e6) / okPerSecond : NaN
    const stored = kind === 'bare' ? undefined : await checkStored(target, [warmup, measured])
    return {
      target: kind,
      round,
      warmup,
      measured,
      okPerSecond,
      cpu,
      cpuUsPerRequest,
      ...(stored ? { stored } : {}),
    }
  } finally {
    await target.dispose()
  }
}

/** `rounds` rounds of hub → bare → naive; a fresh server (and database, queue prefix) per run. */
export async function measureIngress(plan: IngressPlan): Promise<IngressResult> {
  const runs: IngressRun[] = []
  for (let round = 1; round <= plan.rounds; round++) {
    for (const kind of INGRESS_ORDER) {
      const run = await measureTarget(plan, kind, round)
      runs.push(run)
      const m = run.measured
      const stored = run.stored
        ? `; stored ${run.stored.ok ? 'OK' : 'MISMATCH'} (2xx ${run.stored.acknowledged}, ` +
          `${run.stored.rows !== undefined ? `rows ${run.stored.rows}, ` : ''}jobs ${run.stored.jobs}, sent ${run.stored.sent})`
        : ''
      console.log(
        `  round ${round}, ${TARGET_NAMES[kind]}: ${Math.round(run.okPerSecond)} 2xx/s, ` +
          `ack p50 ${(m.latencyUs.p50 / 1000).toFixed(1)} ms, p99 ${(m.latencyUs.p99 / 1000).toFixed(1)} ms${stored}`,
      )
    }
  }
  const medianPerSecond = {} as Record<TargetKind, number>
  const medianCpuUsPerRequest = {} as Record<TargetKind, Record<string, number>>
  for (const kind of INGRESS_ORDER) {
    const mine = runs.filter((r) => r.target === kind)
    medianPerSecond[kind] = median(mine.map((r) => r.okPerSecond))
    const groups = new Set(mine.flatMap((r) => Object.keys(r.cpuUsPerRequest)))
    medianCpuUsPerRequest[kind] = Object.fromEntries(
      [...groups].map((g) => [g, median(mine.map((r) => r.cpuUsPerRequest[g] ?? NaN))]),
    )
  }
  return {
    connections: plan.connections,
    rounds: plan.rounds,
    seconds: plan.seconds,
    warmupSeconds: plan.warmupSeconds,
    bodyBytes: plan.template.bodyBytes,
    runs,
    medianPerSecond,
    hubOverNaive: medianPerSecond.hub / medianPerSecond.naive,
    hubOverBare: medianPerSecond.hub / medianPerSecond.bare,
    medianCpuUsPerRequest,
    durable: runs.every((r) => r.stored?.ok ?? true),
  }
}
