// The shape of a benchmark run's results (written as JSON) and the targets they are judged by.
import type { EndToEndResult } from './end-to-end.js'
import type { IngressRun, MeasuredRun } from './ingress.js'
import type { StockSyncResult } from './stock-sync.js'

export const TARGETS = { ingressPerSecond: 5_000, endToEndP99Ms: 100, endToEndRate: 200 }

export interface Settings {
  readonly connections: readonly number[]
  readonly warmupSeconds: number
  readonly seconds: number
  readonly e2eRate: number
  readonly e2eSeconds: number
  readonly e2eWarmupSeconds: number
  readonly e2eGraceSeconds: number
  readonly poolSize: number
}

/** Hub ingress with one body kind: every connection count tried, the best, and the bare baseline. */
export interface IngressSummary {
  /** x-shopify-topic of every request, e.g. "orders/create". */
  readonly topic: string
  readonly bodyBytes: number
  readonly runs: readonly IngressRun[]
  readonly best: IngressRun
  /** The bare endpoint at the best run's connection count, same bodies. */
  readonly bare: MeasuredRun
  /** Best hub ingress throughput over bare-endpoint throughput at the same connection count. */
  readonly ratioToBare: number
  readonly meetsTarget: boolean
  readonly durable: boolean
}

export type EndToEndEntry = EndToEndResult & {
  /** Which processes ran the hub, in words. */
  readonly processes: string
  readonly meetsTarget: boolean
}

export interface Results {
  readonly date: string
  readonly machine: {
    readonly cpus: number
    readonly model: string
    readonly node: string
    readonly os: string
  }
  /** `bodyBytes`: the large (orders/create) body; `smallBodyBytes`: inventory_levels/update. */
  readonly settings: Settings & { readonly bodyBytes: number; readonly smallBodyBytes: number }
  /** Large body (orders/create), over every connection count in settings.connections. */
  readonly ingress: IngressSummary
  /** Small body (inventory_levels/update), at the large body's best connection count. */
  readonly ingressSmallBody: IngressSummary
  /** One entry per hub layout, same rate and duration. */
  readonly endToEnd: readonly EndToEndEntry[]
  readonly stockSync: StockSyncResult
  /** Requests beyond the pre-signed pools, signed during the load (both pools together). */
  readonly signedLate: number
}

export function summarizeIngress(
  topic: string,
  bodyBytes: number,
  runs: readonly IngressRun[],
  bare: MeasuredRun,
): IngressSummary {
  const best = bestRun(runs)
  return {
    topic,
    bodyBytes,
    runs,
    best,
    bare,
    ratioToBare: best.measured.okPerSecond / bare.measured.okPerSecond,
    meetsTarget: best.measured.okPerSecond >= TARGETS.ingressPerSecond,
    durable: runs.every((r) => r.durability.ok),
  }
}

export function bestRun(runs: readonly IngressRun[]): IngressRun {
  return runs.reduce((a, b) => (b.measured.okPerSecond > a.measured.okPerSecond ? b : a))
}

export function endToEndMeetsTarget(e2e: EndToEndResult): boolean {
  return (
    e2e.rate === TARGETS.endToEndRate &&
    e2e.measured.missing === 0 &&
    e2e.measured.latencyMs.p99 < TARGETS.endToEndP99Ms
  )
}
