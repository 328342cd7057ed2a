// The benchmark's measurements: hub ingress vs the bare endpoint per body, end to end per layout.
import { measureEndToEnd } from './end-to-end.js'
import { LAYOUT_PROCESSES, type HubLayout } from './hub.js'
import { measureBare, measureIngress, type IngressRun } from './ingress.js'
import {
  bestRun,
  endToEndMeetsTarget,
  summarizeIngress,
  type EndToEndEntry,
  type IngressSummary,
  type Settings,
} from './results.js'
import type { SignedPool } from './signed-requests.js'

export interface PhaseContext {
  readonly settings: Settings
  readonly logDir: string
  readonly mainJs: string
}

const fmt = (v: number) => v.toLocaleString('en-US')
const secondsSince = (t: number) => `${Math.round((performance.now() - t) / 1000)} s`

/**
 * A fresh `--role api` hub per connection count, loaded with `pool`'s webhooks and checked for
 * durability; then the bare endpoint at the best count, with the same bodies.
 */
export async function ingressPhase(
  ctx: PhaseContext,
  pool: SignedPool,
  connectionCounts: readonly number[],
): Promise<IngressSummary> {
  const { settings: s, logDir, mainJs } = ctx
  const runs: IngressRun[] = []
  for (const connections of connectionCounts) {
    const t = performance.now()
    const plan = { connections, warmupSeconds: s.warmupSeconds, seconds: s.seconds }
    const run = await measureIngress({ ...plan, pool, logDir }, mainJs)
    runs.push(run)
    console.log(
      `  hub ingress, ${pool.topic}, ${connections} connections: ` +
        `${fmt(run.measured.okPerSecond)} 2xx/s, p99 ${run.measured.latencyMs.p99} ms, ` +
        `durability ${run.durability.ok ? 'OK' : 'FAILED'} (${secondsSince(t)})`,
    )
  }
  const connections = bestRun(runs).measured.connections
  const bare = await measureBare({
    connections,
    warmupSeconds: s.warmupSeconds,
    seconds: s.seconds,
    pool,
    logDir,
  })
  console.log(
    `  bare endpoint, ${pool.topic}, ${connections} connections: ` +
      `${fmt(bare.measured.okPerSecond)} 2xx/s`,
  )
  return summarizeIngress(pool.topic, pool.bodyBytes, runs, bare)
}

/** Open-loop webhooks → subscriber through a hub in `layout`. */
export async function endToEndPhase(
  ctx: PhaseContext,
  pool: SignedPool,
  layout: HubLayout,
): Promise<EndToEndEntry> {
  const { settings: s, logDir, mainJs } = ctx
  const t = performance.now()
  console.log(`  end to end, layout ${layout}: ${s.e2eRate}/s for ${s.e2eSeconds} s…`)
  const e2e = await measureEndToEnd(
    {
      layout,
      rate: s.e2eRate,
      seconds: s.e2eSeconds,
      warmupSeconds: s.e2eWarmupSeconds,
      graceSeconds: s.e2eGraceSeconds,
      pool,
      logDir,
    },
    mainJs,
  )
  console.log(
    `    p99 ${e2e.measured.latencyMs.p99} ms, missing ${fmt(e2e.measured.missing)} ` +
      `(${secondsSince(t)})`,
  )
  // Layout, its processes and the verdict first, so that the JSON reads well.
  const { layout: _layout, ...measured } = e2e
  return {
    layout,
    processes: LAYOUT_PROCESSES[layout],
    meetsTarget: endToEndMeetsTarget(e2e),
    ...measured,
  }
}
