// The shape of a benchmark run's results (written as JSON); goals.ts holds what they are judged by.
import type { CapacityFigures } from './capacity-figures.js'
import type { CatalogResult } from './catalog.js'
import type { EndToEndResult } from './end-to-end.js'
import type { IngressResult } from './ingress.js'
import type { MemoryResult } from './memory.js'
import type { StockSyncResult } from './stock-sync.js'

export type Part = 'ingress' | 'e2e' | 'ledger' | 'stock' | 'catalog' | 'memory' | 'capacity'
export const PARTS: readonly Part[] = [
  'ingress',
  'e2e',
  'ledger',
  'stock',
  'catalog',
  'memory',
  'capacity',
]

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
  readonly catalog?: CatalogResult
  readonly memory?: MemoryResult
  readonly capacity?: CapacityFigures
}
