// The end-to-end part of the report: one block of rows per hub layout, same rate and duration.
import { LAYOUT_PROCESSES } from './hub.js'
import { n, table, verdict } from './report-format.js'
import { TARGETS, type EndToEndEntry, type Results } from './results.js'
import type { Percentiles } from './stats.js'

const latencyRow = (layout: string, what: string, p: Percentiles) => [
  layout,
  what,
  p.count,
  p.p50,
  p.p95,
  p.p99,
  p.max,
  p.mean,
]

function counts(e: EndToEndEntry): string {
  const failures = Object.keys(e.ackFailures).length
    ? ` (failures: ${JSON.stringify(e.ackFailures)})`
    : ''
  return (
    `  ${e.layout}: sent ${n(e.sent)} (${n(e.measured.sent)} after warm-up), acknowledged 2xx ` +
    `${n(e.acknowledged)}${failures}; delivered after warm-up ${n(e.measured.delivered)}, ` +
    `missing ${n(e.measured.missing)}; duplicates ${e.duplicates}, bad signatures ` +
    `${e.badSignatures}, unknown ${e.unknownEvents}; max send lag ${e.maxSendLagMs} ms`
  )
}

export function formatEndToEnd(r: Results): string[] {
  const entries = r.endToEnd
  const first = entries[0]
  if (!first) return ['END TO END: not run']
  const width = Math.max(...entries.map((e) => e.layout.length))
  return [
    `END TO END: ${first.rate} orders/create webhooks/s for ${first.seconds} s in each hub layout, ` +
      'open loop (sent on schedule, whatever the answers);',
    `  latency = subscriber received the order.created.v1 event − webhook sent; ` +
      `first ${first.warmupSeconds} s discarded as warm-up`,
    '  layouts:',
    ...entries.map((e) => `    ${e.layout.padEnd(width)} = ${LAYOUT_PROCESSES[e.layout]}`),
    table(
      ['layout', '', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'mean ms'],
      entries.flatMap((e) => [
        latencyRow(e.layout, 'webhook → subscriber', e.measured.latencyMs),
        latencyRow('', 'acknowledgement (all)', e.ackLatencyMs),
      ]),
      2,
    ),
    ...entries.map(counts),
    `  target p99 < ${TARGETS.endToEndP99Ms} ms at ${TARGETS.endToEndRate}/s: ` +
      entries.map((e) => `${e.layout} ${verdict(e.meetsTarget)}`).join('; '),
  ]
}
