// The end-to-end part of the report: one table per hub layout, a row per rate of its ramp.
import type { EndToEndResult, LayoutRamp } from './end-to-end.js'
import { HUB_AND_STORES, type RateResult } from './rate-judge.js'
import { fixed, n, table, verdict } from './report-format.js'
import { TARGETS } from './goals.js'

/** "45% 0.361": share of one core, CPU ms per webhook. */
const cpuCell = (r: RateResult, group: string) =>
  `${fixed(r.cpuPercent[group] ?? NaN, 0)}% ${fixed(r.cpuMsPerWebhook[group] ?? NaN, 3)}`

function rampTable(ramp: LayoutRamp, bareMs: number): string {
  const groups = [...ramp.hubGroups, 'postgres', 'redis']
  const rows = [...(ramp.warmup ? [ramp.warmup] : []), ...ramp.rates].map((r) => {
    const hubMs = ramp.hubGroups.reduce((a, g) => a + (r.cpuMsPerWebhook[g] ?? 0), 0)
    const rss = ramp.hubGroups.map((g) => n(r.peakRssMb[g] ?? NaN)).join(' + ')
    return [
      r === ramp.warmup ? `${r.rate} (warm-up)` : String(r.rate),
      fixed(r.sendRate, 0),
      fixed(r.sendLagMs.p99, 1),
      fixed(r.latencyMs.p50, 1),
      fixed(r.latencyMs.p95, 1),
      fixed(r.latencyMs.p99, 1),
      fixed(r.latencyMs.max, 1),
      `${r.lost}${r.lostIsLowerBound ? '+' : ''} / ${r.duplicates}`,
      ...groups.map((g) => cpuCell(r, g)),
      fixed(r.cpuMsPerWebhook[HUB_AND_STORES] ?? NaN, 3),
      `${fixed(hubMs / bareMs, 1)}×`,
      fixed(r.cpuMsPerWebhook.wrk ?? NaN, 3),
      rss,
      r === ramp.warmup ? '-' : r.sustained ? 'sustained' : 'FAILED',
    ]
  })
  return table(
    [
      'rate/s',
      'sent/s',
      'send lag p99 ms',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'lost/dup',
      ...groups.map((g) => `${g} %/ms`),
      'total ms',
      'hub÷bare',
      'wrk ms',
      'peak RSS MB',
      'result',
    ],
    rows,
  )
}

function verdicts(ramp: LayoutRamp): string[] {
  const top = ramp.rates.find((r) => r.rate === ramp.highestSustained)
  const failed = ramp.rates.find((r) => !r.sustained)
  const all = [...(ramp.warmup ? [ramp.warmup] : []), ...ramp.rates]
  const peakRss = Math.max(...all.flatMap((r) => Object.values(r.peakRssMb)))
  const out = [
    `  highest sustained rate: ${ramp.highestSustained === null ? 'none' : `${n(ramp.highestSustained)}/s`}` +
      (ramp.layout === 'all'
        ? ` (target ≥ ${n(TARGETS.e2eRateAll)}/s: ${verdict((ramp.highestSustained ?? 0) >= TARGETS.e2eRateAll)})`
        : '') +
      (failed ? `; ${n(failed.rate)}/s failed: ${failed.failures.join('; ')}` : ''),
  ]
  // CPU at the highest sustained rate; with none sustained, at the first rate (its figure still
  // says what each webhook costs, though the hub was falling behind).
  const cpuAt = top ?? ramp.rates[0]
  if (cpuAt) {
    const total = cpuAt.cpuMsPerWebhook[HUB_AND_STORES] ?? NaN
    out.push(
      `  CPU per webhook at ${n(cpuAt.rate)}/s${top ? '' : ' (not sustained)'}, ${HUB_AND_STORES}: ` +
        `${fixed(total, 3)} ms (target ≤ ${TARGETS.cpuMsPerWebhook} ms: ` +
        `${verdict(total <= TARGETS.cpuMsPerWebhook)})`,
    )
  }
  out.push(
    `  peak RSS of a hub process over the ramp: ${n(peakRss)} MB (target < ${TARGETS.rssMb} MB: ` +
      `${verdict(peakRss < TARGETS.rssMb)})`,
  )
  if (ramp.lateDuplicates > 0)
    out.push(`  ${ramp.lateDuplicates} duplicate deliveries arrived after their rate was judged`)
  return out
}

export function formatEndToEnd(r: EndToEndResult): string[] {
  const p = r.plan
  const bareMs = r.bare.cpuMsPerRequest.server ?? NaN
  return [
    `END TO END: signed orders/create webhooks at fixed rates (wrk, open loop, ${p.connections} ` +
      `connections, ${p.threads} thread(s)), each rate held ${p.seconds} s, ramp stopped at the first failure`,
    "  latency = the subscriber verified the order.created.v1 delivery − the webhook's scheduled send " +
      '(a late send counts from its schedule)',
    `  sustained = p99 < ${TARGETS.e2eP99Ms} ms, every webhook acknowledged and delivered exactly once ` +
      `within ${p.graceSeconds} s, no bad signature`,
    '  CPU over the send window, per group: % of one core and ms per webhook; total ms = ' +
      `${HUB_AND_STORES} (target ≤ ${TARGETS.cpuMsPerWebhook} ms)`,
    `  baseline in this run: the bare hono endpoint at ${n(r.bare.rate)}/s under the same wrk script ` +
      `and body uses ${fixed(bareMs, 3)} ms CPU per request (hub÷bare = hub processes' ms per webhook ÷ that)`,
    ...r.layouts.flatMap((ramp) => [
      '',
      `  layout ${ramp.layout}: ${ramp.processes}`,
      '  with no load (fixed cost, also in every row): ' +
        Object.entries(ramp.idleCpuPercent)
          .map(([g, p]) => `${g} ${fixed(p, 1)}%`)
          .join(', '),
      rampTable(ramp, bareMs),
      ...verdicts(ramp),
    ]),
  ]
}
