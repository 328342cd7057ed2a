// The ingress part of the report: both body sizes, side by side, with their durability checks.
import type { MeasuredRun } from './ingress.js'
import { n, table, verdict } from './report-format.js'
import { TARGETS, type IngressSummary, type Results } from './results.js'

export const bodyLabel = (s: IngressSummary) => `${s.topic} (${n(s.bodyBytes)} B)`

const loadRow = (name: string, body: string, run: MeasuredRun) => [
  name,
  body,
  run.measured.connections,
  run.measured.okPerSecond,
  run.measured.latencyMs.p50,
  run.measured.latencyMs.p99,
  run.measured.latencyMs.max,
  run.measured.non2xx,
  run.measured.errors,
]

const bodyRows = (s: IngressSummary) => [
  loadRow('bare hono endpoint', s.topic, s.bare),
  ...s.runs.map((run) =>
    loadRow(
      `hub ingress (durable)${run === s.best && s.runs.length > 1 ? ' *best' : ''}`,
      s.topic,
      run,
    ),
  ),
]

const jobTotal = (jobs: Record<string, number>) => Object.values(jobs).reduce((a, b) => a + b, 0)

export function formatIngress(r: Results): string[] {
  const large = r.ingress
  const small = r.ingressSmallBody
  const both = [large, small]
  const target = `≥ ${n(TARGETS.ingressPerSecond)}/s`
  return [
    `INGRESS: hub started with --role api (HTTP intake only: no workers compete for the ${r.machine.cpus} cores)`,
    `  load: autocannon in the bench process, keep-alive, pipelining 1, ${r.settings.warmupSeconds} s warm-up then ${r.settings.seconds} s measured;`,
    `  every request a distinct signed webhook (own resource id, webhook id and HMAC), with one of two bodies:`,
    `    large: orders/create, ${n(large.bodyBytes)} bytes (order id varies);` +
      ` small: inventory_levels/update, ${n(small.bodyBytes)} bytes (inventory item id varies);`,
    `  "2xx/s" = 2xx answers received in the measured window / its length; latency = acknowledgement, hdr (1 ms resolution)`,
    table(
      [
        'endpoint',
        'body',
        'connections',
        '2xx/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'non-2xx',
        'errors',
      ],
      [...bodyRows(large), ...bodyRows(small)],
      2,
    ),
    '',
    `BY BODY SIZE at ${large.best.measured.connections} connections (the best count for the large body), ` +
      'hub vs the bare endpoint under the same load',
    table(
      [
        'body',
        'bytes',
        'hub 2xx/s',
        'p50 ms',
        'p99 ms',
        'bare 2xx/s',
        'hub/bare',
        'durability',
        target,
      ],
      both.map((s) => [
        s.topic,
        s.bodyBytes,
        s.best.measured.okPerSecond,
        s.best.measured.latencyMs.p50,
        s.best.measured.latencyMs.p99,
        s.bare.measured.okPerSecond,
        `${(s.ratioToBare * 100).toFixed(1)}%`,
        s.durable ? 'OK' : 'FAILED',
        verdict(s.meetsTarget),
      ]),
    ),
    `  target ${target} durable ingress: ` +
      both.map((s) => `${bodyLabel(s)} body ${verdict(s.meetsTarget)}`).join('; '),
    '',
    'DURABILITY: every 2xx (warm-up + measured) must be a committed inbox row and a waiting inbound job',
    table(
      ['body', 'connections', '2xx answers', 'inbox rows', 'inbound jobs', 'job states', 'check'],
      both.flatMap((s) =>
        s.runs.map((run) => [
          s.topic,
          run.measured.connections,
          run.durability.acknowledged,
          run.durability.inboxRows,
          jobTotal(run.durability.inboundJobs),
          Object.entries(run.durability.inboundJobs)
            .filter(([, v]) => v > 0)
            .map(([k, v]) => `${k} ${n(v)}`)
            .join(', ') || '-',
          run.durability.ok ? 'OK' : 'FAILED',
        ]),
      ),
    ),
  ]
}

/** Mean Postgres backends of the hub's pool per state / wait event, one line per ingress run. */
export function formatBackends(r: Results): string[] {
  return [r.ingress, r.ingressSmallBody].flatMap((s) =>
    s.runs.map(
      (run) =>
        `  ${s.topic}, c=${run.measured.connections}: ` +
        (Object.entries(run.postgresBackends.meanBackends)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '(none sampled)'),
    ),
  )
}
