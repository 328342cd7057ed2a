// Formats the benchmark's results as plain-text tables for stdout.
import type { CpuReport } from './cpu.js'
import type { EndToEndResult } from './end-to-end.js'
import type { IngressRun, MeasuredRun } from './ingress.js'

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

export interface Results {
  readonly date: string
  readonly machine: {
    readonly cpus: number
    readonly model: string
    readonly node: string
    readonly os: string
  }
  readonly settings: Settings & { readonly bodyBytes: number }
  readonly ingress: {
    readonly runs: readonly IngressRun[]
    readonly best: IngressRun
    readonly bare: MeasuredRun
    /** Best hub ingress throughput over bare-endpoint throughput at the same connection count. */
    readonly ratioToBare: number
    readonly meetsTarget: boolean
    readonly durable: boolean
  }
  readonly endToEnd: EndToEndResult & { readonly meetsTarget: boolean }
  readonly signedLate: number
}

const n = (v: number) => (Number.isFinite(v) ? v.toLocaleString('en-US') : '-')
const pad = (cells: readonly (string | number)[], widths: readonly number[]) =>
  cells
    .map((c, i) => {
      const s = typeof c === 'number' ? n(c) : c
      return i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!)
    })
    .join('  ')

function table(head: readonly string[], rows: readonly (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? n(c) : c)))]
  const widths = head.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)))
  return cells.map((r) => '  ' + pad(r, widths)).join('\n')
}

const CPU_COLUMNS = ['hub', 'bare server', 'bench process', 'postgres', 'redis', 'other processes']

function cpuRows(runs: ReadonlyArray<[string, CpuReport]>): string {
  const present = new Set(runs.flatMap(([, cpu]) => Object.keys(cpu)))
  const groups = [...CPU_COLUMNS, 'machine total'].filter((g) => present.has(g))
  if (groups.length === 0) return '  (no /proc: CPU not measured)'
  return table(
    ['run', ...groups],
    runs.map(([name, cpu]) => [name, ...groups.map((g) => (g in cpu ? `${cpu[g]}%` : '-'))]),
  )
}

export function formatReport(r: Results): string {
  const { ingress: ing, endToEnd: e2e } = r
  const loadRow = (name: string, run: MeasuredRun) => [
    name,
    run.measured.connections,
    run.measured.okPerSecond,
    run.measured.latencyMs.p50,
    run.measured.latencyMs.p99,
    run.measured.latencyMs.max,
    run.measured.non2xx,
    run.measured.errors,
  ]
  const out: string[] = []
  out.push(
    `marketplace-hub benchmark, ${r.date}`,
    `machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.os}, Node ${r.machine.node}`,
    '',
    `INGRESS: hub started with --role api (HTTP intake only: no workers compete for the ${r.machine.cpus} cores)`,
    `  load: autocannon in the bench process, keep-alive, pipelining 1, ${r.settings.warmupSeconds} s warm-up then ${r.settings.seconds} s measured;`,
    `  every request a distinct orders/create webhook (${n(r.settings.bodyBytes)}-byte body, own order id, webhook id and HMAC);`,
    `  "2xx/s" = 2xx answers received in the measured window / its length; latency = acknowledgement, hdr (1 ms resolution)`,
    table(
      ['endpoint', 'connections', '2xx/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'],
      [
        loadRow('bare hono endpoint', ing.bare),
        ...ing.runs.map((run) =>
          loadRow(`hub ingress (durable)${run === ing.best ? ' *best' : ''}`, run),
        ),
      ],
    ),
    `  hub ingress ${n(ing.best.measured.okPerSecond)}/s at ${ing.best.measured.connections} connections = ` +
      `${(ing.ratioToBare * 100).toFixed(1)}% of the bare endpoint (${n(ing.bare.measured.okPerSecond)}/s, same load)`,
    `  target ≥ ${n(TARGETS.ingressPerSecond)}/s durable ingress: ${ing.meetsTarget ? 'MET' : 'MISSED'}`,
    '',
    'DURABILITY: every 2xx (warm-up + measured) must be a committed inbox row and a waiting inbound job',
    table(
      ['connections', '2xx answers', 'inbox rows', 'inbound jobs', 'job states', 'check'],
      ing.runs.map((run) => [
        run.measured.connections,
        run.durability.acknowledged,
        run.durability.inboxRows,
        Object.values(run.durability.inboundJobs).reduce((a, b) => a + b, 0),
        Object.entries(run.durability.inboundJobs)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k} ${n(v)}`)
          .join(', ') || '-',
        run.durability.ok ? 'OK' : 'FAILED',
      ]),
    ),
    '',
    `CPU during the measured window, % of one core (the machine has ${r.machine.cpus * 100}%; ` +
      'a Node server near 100% is CPU-bound: its JavaScript runs on one core)',
    cpuRows([
      ...ing.runs.map((run): [string, CpuReport] => [
        `hub --role api, c=${run.measured.connections}`,
        run.cpu,
      ]),
      [`bare endpoint, c=${ing.bare.measured.connections}`, ing.bare.cpu],
      [`hub --role all, ${e2e.rate}/s`, e2e.cpu],
    ]),
    '',
    "Postgres backends of the hub's pool during the window (mean count by state / wait event)",
    ...ing.runs.map(
      (run) =>
        `  c=${run.measured.connections}: ` +
        (Object.entries(run.postgresBackends.meanBackends)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '(none sampled)'),
    ),
    '',
    `END TO END: hub --role all; ${e2e.rate} webhooks/s for ${e2e.seconds} s, open loop (sent on schedule, whatever the answers);`,
    `  latency = subscriber received the order.created.v1 event − webhook sent; first ${e2e.warmupSeconds} s discarded as warm-up`,
    table(
      ['', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'mean ms'],
      [
        [
          'webhook → subscriber',
          e2e.measured.delivered,
          e2e.measured.latencyMs.p50,
          e2e.measured.latencyMs.p95,
          e2e.measured.latencyMs.p99,
          e2e.measured.latencyMs.max,
          e2e.measured.latencyMs.mean,
        ],
        [
          'acknowledgement (all)',
          e2e.ackLatencyMs.count,
          e2e.ackLatencyMs.p50,
          e2e.ackLatencyMs.p95,
          e2e.ackLatencyMs.p99,
          e2e.ackLatencyMs.max,
          e2e.ackLatencyMs.mean,
        ],
      ],
    ),
    `  sent ${n(e2e.sent)} (${n(e2e.measured.sent)} after warm-up), acknowledged 2xx ${n(e2e.acknowledged)}` +
      `${Object.keys(e2e.ackFailures).length ? ` (failures: ${JSON.stringify(e2e.ackFailures)})` : ''}; ` +
      `delivered after warm-up ${n(e2e.measured.delivered)}, missing ${n(e2e.measured.missing)}; ` +
      `duplicates ${e2e.duplicates}, bad signatures ${e2e.badSignatures}, unknown ${e2e.unknownEvents}; ` +
      `max send lag ${e2e.maxSendLagMs} ms`,
    `  target p99 < ${TARGETS.endToEndP99Ms} ms at ${TARGETS.endToEndRate}/s: ${e2e.meetsTarget ? 'MET' : 'MISSED'}`,
  )
  if (r.signedLate > 0)
    out.push(
      `\nnote: ${n(r.signedLate)} requests fell beyond the pre-signed pool and were signed during the load`,
    )
  return out.join('\n')
}
