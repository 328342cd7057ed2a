// The shape of a benchmark run's results (written as JSON) and the targets they are judged by.
import type { EndToEndResult } from './end-to-end.js'
import type { IngressResult } from './ingress.js'
import type { MemoryResult } from './memory.js'
import type { StockSyncResult } from './stock-sync.js'

/** Issue #12's targets. */
export const TARGETS = {
  /** Durable ingress at least as fast as the naive receiver (hub 2xx/s ÷ naive 2xx/s). */
  hubOverNaive: 1.0,
  /** A rate is sustained when p99 from scheduled send to verified delivery is below this. */
  e2eP99Ms: 100,
  /** Highest sustained rate of the single-process layout. */
  e2eRateAll: 1_000,
  /** CPU per webhook of hub + PostgreSQL + Redis. */
  cpuMsPerWebhook: 1,
  /** Each hub process's peak RSS. */
  rssMb: 300,
}

export type Part = 'ingress' | 'e2e' | 'ledger' | 'stock' | 'memory'
export const PARTS: readonly Part[] = ['ingress', 'e2e', 'ledger', 'stock', 'memory']

export interface Results {
  readonly date: string
  readonly machine: {
    readonly cpus: number
    readonly model: string
    readonly node: string
    readonly os: string
    readonly wrk: string
  }
  /** Every knob's value, as run.ts read them. */
  readonly settings: Record<string, unknown>
  readonly parts: readonly Part[]
  readonly ingress?: IngressResult
  readonly endToEnd?: EndToEndResult
  /** bench/ledger.ts's result, once it exists. */
  readonly ledger?: unknown
  readonly stockSync?: StockSyncResult
  readonly memory?: MemoryResult
}
