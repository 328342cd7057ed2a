// A hub process's V8 CPU profile (node --cpu-prof), summarised by pipeline stage: each busy sample
// goes to the innermost frame on its stack that belongs to a stage (by the hub file it runs in).
// V8 keeps no async stack: work resumed after an `await` shows the resumed hub function, but a
// library's own callbacks (the PostgreSQL or Redis client parsing an answer, Node's HTTP parser)
// have no hub frame above them, so they are counted by library instead of by stage.
import { readFileSync } from 'node:fs'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string }
  readonly children?: readonly number[]
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly startTime: number
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

/**
 * Stages, by the hub file (path under dist/) a frame runs in; the first match names the stage.
 * Modules every stage calls (src/db, src/events, the outbox's append, metrics) name none: their
 * samples go to the stage that called them.
 */
const STAGES: readonly (readonly [stage: string, file: RegExp])[] = [
  [
    'intake',
    /^(src\/http\/|src\/pipeline\/(receive-webhook|inbox-intake|webhook-tokens|inbox-subjects)|connectors\/[^/]+\/(verify|envelope|sns|auth)\b|connectors\/shared\/(crypto|body)\b)/,
  ],
  [
    'normalize and apply',
    /^(normalizers\/|workers\/(normalize|settle)|src\/pipeline\/(normalize-|apply-observations|storable-|inventory-commands)|src\/orders\/|src\/inventory\/)/,
  ],
  [
    'relay and deliver',
    /^(workers\/(deliver|attempts)|src\/pipeline\/(relay|deliver-|first-attempts|sweep)|src\/outbox\/leader|src\/delivery\/|src\/subscriptions\/)/,
  ],
  [
    'stock push',
    /^(workers\/stock|src\/pipeline\/(push-stock|plan-push|listing-stock|check-stock|retry-push|push-trace)|connectors\/[^/]+\/stock|src\/budget\/)/,
  ],
]

/** Samples with no stage frame, by what runs in them. */
const LEFTOVERS: readonly (readonly [label: string, test: (url: string, fn: string) => boolean])[] =
  [
    ['garbage collection', (_u, fn) => fn === '(garbage collector)'],
    [
      'PostgreSQL client (answers parsed, no stage on the stack)',
      (u) => /node_modules\/(pg|pg-protocol|pg-pool|kysely)\//.test(u),
    ],
    [
      'Redis and BullMQ clients (no stage on the stack)',
      (u) => /node_modules\/(ioredis|bullmq|@ioredis|msgpackr)\//.test(u),
    ],
    ['other hub code (timers, metrics, shared helpers)', (u) => hubPath(u) !== undefined],
  ]

function hubPath(url: string): string | undefined {
  const m = /\/dist\/((?:src|connectors|normalizers|workers)\/.*)$/.exec(url)
  return m?.[1]
}

export interface StageShares {
  /** Busy samples in the window (idle left out). */
  readonly samples: number
  /** Share of the busy samples, per stage or leftover; sums to 1. */
  readonly shares: Record<string, number>
}

/**
 * Summarises the profile in `file`, counting only samples taken between `fromUs` and `toUs` (the
 * monotonic clock in µs, which V8's profile timestamps and process.hrtime share on Linux). When no
 * sample falls in the window (another clock), every sample counts, and `windowed` says so.
 */
export function profileStages(
  file: string,
  fromUs: number,
  toUs: number,
): StageShares & { readonly windowed: boolean } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  // Each node's label: its own stage if any, else its nearest ancestor's, else a leftover of its own.
  const labels = new Map<number, string>()
  const stageOf = (id: number): string | undefined => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const path = hubPath(byId.get(at)!.callFrame.url)
      if (path === undefined) continue
      const hit = STAGES.find(([, re]) => re.test(path))
      if (hit) return hit[0]
    }
    return undefined
  }
  const labelOf = (id: number): string => {
    let label = labels.get(id)
    if (label !== undefined) return label
    const { url, functionName } = byId.get(id)!.callFrame
    if (functionName === '(idle)') label = 'idle'
    else
      label =
        stageOf(id) ??
        LEFTOVERS.find(([, test]) => test(url, functionName))?.[0] ??
        'runtime (sockets, HTTP parser, timers, native)'
    labels.set(id, label)
    return label
  }
  const count = (windowOnly: boolean) => {
    const counts = new Map<string, number>()
    let t = profile.startTime
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0
      if (windowOnly && (t < fromUs || t > toUs)) continue
      const label = labelOf(profile.samples[i]!)
      if (label !== 'idle') counts.set(label, (counts.get(label) ?? 0) + 1)
    }
    return counts
  }
  let windowed = true
  let counts = count(true)
  if (counts.size === 0) {
    windowed = false
    counts = count(false)
  }
  const samples = [...counts.values()].reduce((a, b) => a + b, 0)
  const shares: Record<string, number> = {}
  for (const [label, n] of [...counts].sort((a, b) => b[1] - a[1])) shares[label] = n / samples
  return { samples, shares, windowed }
}
