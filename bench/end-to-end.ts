// End to end: signed webhooks sent by wrk at fixed rates → order.created.v1 received and verified by
// the subscriber, per hub layout, rate after rate until one is not sustained.
import { setTimeout as sleep } from 'node:timers/promises'
import { pidsNamed, startCpuClock, waitForQuiet, type CpuUsage, type PidSource } from './cpu.js'
import {
  hubCpuGroups,
  LAYOUT_PROCESSES,
  startHub,
  type HubInstance,
  type HubLayout,
} from './hub.js'
import { sampleRss } from './rss.js'
import { HUB_AND_STORES, judgeRate, type RateResult } from './rate-judge.js'
import { readSendLog, type SendLog } from './send-log.js'
import { startSubscriber, subscribe, type Subscriber } from './subscriber.js'
import { startTarget, TARGET_NAMES } from './targets.js'
import type { WebhookTemplate } from './webhook-template.js'
import { startWrk, type WrkResult } from './wrk.js'

/** How long wrk keeps waiting for answers after its last scheduled send. */
const ACK_GRACE_SECONDS = 30
/** How long the hub's CPU without load is measured before each ramp. */
const IDLE_SECONDS = 3

export interface EndToEndPlan {
  readonly layouts: readonly HubLayout[]
  readonly rates: readonly number[]
  /** How long each rate is held. */
  readonly seconds: number
  /** Before the ramp, per layout: the first rate for this long, not judged (JIT, pools, caches). */
  readonly warmupSeconds: number
  /** After the last send: how long deliveries may still take before a webhook counts as lost. */
  readonly graceSeconds: number
  readonly connections: number
  readonly threads: number
  /** The bare endpoint's CPU per request is measured at this rate, same wrk script and body. */
  readonly bareRate: number
  readonly bareSeconds: number
  readonly quietWaitSeconds: number
  readonly template: WebhookTemplate
  readonly logDir: string
  readonly workDir: string
  readonly mainJs: string
}

export interface LayoutRamp {
  readonly layout: HubLayout
  readonly processes: string
  /** The hub's CPU groups: "hub", or "hub api" and "hub worker". */
  readonly hubGroups: readonly string[]
  readonly warmup?: RateResult
  readonly rates: readonly RateResult[]
  readonly highestSustained: number | null
  /** Extra deliveries that arrived after their rate was judged (seen by the end of the ramp). */
  readonly lateDuplicates: number
  /**
   * % of one core per group with no load at all, before the ramp: the fixed cost (timers, polling)
   * that a low rate's CPU per webhook also carries.
   */
  readonly idleCpuPercent: Record<string, number>
}

export interface BareBaseline {
  readonly rate: number
  readonly seconds: number
  readonly sent: number
  readonly acked: number
  /** "server" (the bare endpoint) and "wrk": CPU ms per request. */
  readonly cpuMsPerRequest: Record<string, number>
}

export interface EndToEndResult {
  readonly plan: Omit<EndToEndPlan, 'template' | 'logDir' | 'workDir' | 'mainJs'>
  readonly bare: BareBaseline
  readonly layouts: readonly LayoutRamp[]
}

/** Waits until every webhook in `log` has been delivered, or `graceSeconds` have passed. */
async function waitForDeliveries(
  sub: Subscriber,
  log: SendLog,
  graceSeconds: number,
): Promise<void> {
  let pending = Array.from({ length: log.count }, (_, i) => i)
  const graceEnd = performance.now() + graceSeconds * 1000
  for (;;) {
    pending = pending.filter((i) => !sub.receivedUs.has(log.orderIds[i]!))
    if (pending.length === 0 || performance.now() > graceEnd) return
    await sleep(100)
  }
}

/** One rate, held for `seconds`, against a running hub with the subscriber subscribed. */
export async function runRate(
  plan: EndToEndPlan,
  hub: HubInstance,
  sub: Subscriber,
  rate: number,
  seconds: number,
  label: string,
  /** Which processes are PostgreSQL and Redis: by default every process of that name. */
  stores: { readonly postgres: PidSource; readonly redis: PidSource } = {
    postgres: pidsNamed('postgres'),
    redis: pidsNamed('redis-server'),
  },
): Promise<RateResult> {
  await waitForQuiet(20, plan.quietWaitSeconds * 1000)
  const badBefore = sub.counts.badSignatures
  const windowEnd = sleep(seconds * 1000)
  const run = startWrk({
    label,
    baseUrl: hub.baseUrl,
    template: plan.template,
    connections: plan.connections,
    threads: plan.threads,
    seconds: seconds + ACK_GRACE_SECONDS,
    rate,
    sendSeconds: seconds,
    sendLog: true,
    logDir: plan.logDir,
    workDir: plan.workDir,
    keepUntil: windowEnd,
  })
  const hubGroups = hubCpuGroups(hub)
  const clock = startCpuClock({
    ...hubGroups,
    ...stores,
    wrk: () => [run.child.pid],
    'bench process': () => [process.pid],
  })
  const rss = sampleRss(hubGroups)
  const window = windowEnd.then(() => clock.stop())
  let wrk: WrkResult
  let cpu: CpuUsage
  let log: SendLog
  let peakRssMb: Record<string, number>
  try {
    wrk = await run.result
    cpu = await window
    log = readSendLog(run.sendLogPrefix!, plan.threads)
    await waitForDeliveries(sub, log, plan.graceSeconds)
  } finally {
    await window
    peakRssMb = rss.stop()
  }

  return judgeRate({
    rate,
    seconds,
    threads: plan.threads,
    wrk,
    log,
    sub,
    badSignatures: sub.counts.badSignatures - badBefore,
    cpu,
    hubGroups: Object.keys(hubGroups),
    peakRssMb,
  })
}

function rateLine(r: RateResult, hubGroups: readonly string[]): string {
  const hubCpu = hubGroups.map((g) => `${g} ${Math.round(r.cpuPercent[g] ?? 0)}%`).join(' + ')
  return (
    `${r.rate}/s: sent ${r.sent} at ${Math.round(r.sendRate)}/s, p50 ${r.latencyMs.p50} / p99 ` +
    `${r.latencyMs.p99} / max ${r.latencyMs.max} ms, ${hubCpu}, ` +
    `${r.cpuMsPerWebhook[HUB_AND_STORES]!.toFixed(2)} ms CPU/webhook (${HUB_AND_STORES}) → ` +
    (r.sustained ? 'sustained' : `NOT sustained (${r.failures.join('; ')})`)
  )
}

/** CPU of the hub and the stores over a few seconds without load. */
async function idleCpu(hub: HubInstance): Promise<Record<string, number>> {
  const clock = startCpuClock({
    ...hubCpuGroups(hub),
    postgres: pidsNamed('postgres'),
    redis: pidsNamed('redis-server'),
  })
  await sleep(IDLE_SECONDS * 1000)
  const { seconds, cpuSeconds } = clock.stop()
  const out: Record<string, number> = {}
  for (const [g, s] of Object.entries(cpuSeconds))
    if (g !== 'other processes' && g !== 'machine total') out[g] = (s / seconds) * 100
  return out
}

async function rampLayout(plan: EndToEndPlan, layout: HubLayout): Promise<LayoutRamp> {
  const sub = await startSubscriber()
  const label = `e2e-${layout.replace('+', '-')}`
  try {
    const hub = await startHub({ layout, label, logDir: plan.logDir, mainJs: plan.mainJs })
    try {
      sub.secret = await subscribe(hub.baseUrl, sub.url)
      const hubGroups = Object.keys(hubCpuGroups(hub))
      const idleCpuPercent = await idleCpu(hub)
      console.log(
        `  ${layout}, idle: ` +
          Object.entries(idleCpuPercent)
            .map(([g, p]) => `${g} ${p.toFixed(1)}%`)
            .join(', '),
      )
      const first = plan.rates[0]!
      let warmup: RateResult | undefined
      if (plan.warmupSeconds > 0) {
        warmup = await runRate(plan, hub, sub, first, plan.warmupSeconds, `${label}-warmup`)
        console.log(`  ${layout}, warm-up (not judged) at ${rateLine(warmup, hubGroups)}`)
      }
      const rates: RateResult[] = []
      for (const rate of plan.rates) {
        const r = await runRate(plan, hub, sub, rate, plan.seconds, `${label}-${rate}`)
        rates.push(r)
        console.log(`  ${layout}, ${rateLine(r, hubGroups)}`)
        if (!r.sustained) break
      }
      const counted = [...rates, ...(warmup ? [warmup] : [])].reduce((a, r) => a + r.duplicates, 0)
      const allDuplicates = [...sub.duplicates.values()].reduce((a, b) => a + b, 0)
      const sustained = rates.filter((r) => r.sustained).map((r) => r.rate)
      return {
        layout,
        processes: LAYOUT_PROCESSES[layout],
        hubGroups,
        ...(warmup ? { warmup } : {}),
        rates,
        highestSustained: sustained.length > 0 ? Math.max(...sustained) : null,
        lateDuplicates: allDuplicates - counted,
        idleCpuPercent,
      }
    } finally {
      await hub.dispose()
    }
  } finally {
    await sub.close()
  }
}

/** The bare endpoint under the same paced wrk load: CPU per request to set the hub's against. */
async function measureBare(plan: EndToEndPlan): Promise<BareBaseline> {
  const target = await startTarget('bare', {
    label: 'e2e',
    logDir: plan.logDir,
    mainJs: plan.mainJs,
  })
  try {
    const load = (label: string, seconds: number, keepUntil?: Promise<unknown>) =>
      startWrk({
        label,
        baseUrl: target.baseUrl,
        template: plan.template,
        connections: plan.connections,
        threads: plan.threads,
        seconds: seconds + ACK_GRACE_SECONDS,
        rate: plan.bareRate,
        sendSeconds: seconds,
        logDir: plan.logDir,
        workDir: plan.workDir,
        ...(keepUntil ? { keepUntil } : {}),
      })
    // Warmed up like the hub (whose ramp starts after a warm-up): a cold JIT costs ~30% more here.
    if (plan.warmupSeconds > 0) await load('e2e-bare-warmup', plan.warmupSeconds).result
    await waitForQuiet(20, plan.quietWaitSeconds * 1000)
    const windowEnd = sleep(plan.bareSeconds * 1000)
    const run = load('e2e-bare', plan.bareSeconds, windowEnd)
    const groups: Record<string, PidSource> = {
      server: () => Object.values(target.groups).flatMap((pids) => pids()),
      wrk: () => [run.child.pid],
    }
    const clock = startCpuClock(groups)
    const cpu = await windowEnd.then(() => clock.stop())
    const wrk = await run.result
    const cpuMsPerRequest: Record<string, number> = {}
    for (const g of Object.keys(groups))
      cpuMsPerRequest[g] = ((cpu.cpuSeconds[g] ?? NaN) * 1000) / Math.max(1, wrk.sent)
    console.log(
      `  ${TARGET_NAMES.bare} at ${plan.bareRate}/s: ${cpuMsPerRequest.server!.toFixed(3)} ms CPU ` +
        `per request (wrk ${cpuMsPerRequest.wrk!.toFixed(3)} ms)`,
    )
    return {
      rate: plan.bareRate,
      seconds: plan.bareSeconds,
      sent: wrk.sent,
      acked: wrk.acked,
      cpuMsPerRequest,
    }
  } finally {
    await target.dispose()
  }
}

export async function measureEndToEnd(plan: EndToEndPlan): Promise<EndToEndResult> {
  const bare = await measureBare(plan)
  const layouts: LayoutRamp[] = []
  for (const layout of plan.layouts) layouts.push(await rampLayout(plan, layout))
  const { template: _t, logDir: _l, workDir: _w, mainJs: _m, ...settings } = plan
  return { plan: settings, bare, layouts }
}
