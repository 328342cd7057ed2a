// The report's heading; run.ts prints each part's section under it again once every part has run.
import type { Results } from './results.js'

export function formatHeading(r: Results): string[] {
  return [
    `marketplace-hub benchmark, ${r.date}${r.settings.quick ? ' (BENCH_QUICK: short runs, not for comparison)' : ''}`,
    `machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.os}, Node ${r.machine.node}, ${r.machine.wrk}`,
    'the hub, PostgreSQL, Redis, wrk and this process share these cores: read CPU figures with that in mind',
  ]
}
