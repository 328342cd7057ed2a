// Formats the benchmark's results as plain-text tables for stdout.
import type { CpuReport } from './cpu.js'
import { formatEndToEnd } from './report-e2e.js'
import { cpuRows, n } from './report-format.js'
import { formatBackends, formatIngress } from './report-ingress.js'
import type { Results } from './results.js'
import { formatStockSync } from './stock-sync.js'

export { TARGETS, type Results, type Settings } from './results.js'

function cpuSection(r: Results): string[] {
  const rows: [string, CpuReport][] = []
  for (const s of [r.ingress, r.ingressSmallBody]) {
    for (const run of s.runs)
      rows.push([`hub --role api, ${s.topic}, c=${run.measured.connections}`, run.cpu])
    rows.push([`bare endpoint, ${s.topic}, c=${s.bare.measured.connections}`, s.bare.cpu])
  }
  for (const e of r.endToEnd) rows.push([`end to end, layout ${e.layout}, ${e.rate}/s`, e.cpu])
  return [
    `CPU during the measured window, % of one core (the machine has ${r.machine.cpus * 100}%; ` +
      'a Node server near 100% is CPU-bound: its JavaScript runs on one core)',
    cpuRows(rows),
  ]
}

export function formatReport(r: Results): string {
  const out: string[] = [
    `marketplace-hub benchmark, ${r.date}`,
    `machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.os}, Node ${r.machine.node}`,
    '',
    ...formatIngress(r),
    '',
    ...cpuSection(r),
    '',
    "Postgres backends of the hub's pool during the window (mean count by state / wait event)",
    ...formatBackends(r),
    '',
    ...formatEndToEnd(r),
    '',
    ...formatStockSync(r.stockSync),
  ]
  if (r.signedLate > 0)
    out.push(
      `\nnote: ${n(r.signedLate)} requests fell beyond the pre-signed pools and were signed during the load`,
    )
  return out.join('\n')
}
