// The ingress part of the report: every run, the medians and ratios, CPU per request, storage checks.
import type { IngressResult, IngressRun } from './ingress.js'
import { fixed, n, table, verdict } from './report-format.js'
import { TARGETS } from './goals.js'
import { TARGET_NAMES } from './targets.js'

const CPU_GROUPS = ['server', 'postgres', 'redis', 'wrk', 'other processes'] as const

const ms = (us: number) => fixed(us / 1000, 1)

const runRow = (r: IngressRun) => {
  const m = r.measured
  const errors = m.errors.connect + m.errors.read + m.errors.write + m.errors.timeout
  return [
    String(r.round),
    TARGET_NAMES[r.target],
    r.okPerSecond,
    ms(m.latencyUs.p50),
    ms(m.latencyUs.p99),
    ms(m.latencyUs.max),
    m.answered - m.acked,
    errors,
  ]
}

export function formatIngress(r: IngressResult, wrkThreads: number): string[] {
  const target = `≥ ${fixed(TARGETS.hubOverNaive, 1)}×`
  const cpu = r.medianCpuUsPerRequest
  return [
    `INGRESS: ${r.rounds} round(s) of hub --role api → bare hono endpoint → naive receiver; a fresh ` +
      `server (and database, queue prefix) per run, ${r.warmupSeconds} s warm-up then ${r.seconds} s measured`,
    `  load: wrk, ${wrkThreads} thread(s), ${r.connections} keep-alive connections, closed loop; every ` +
      `request a distinct signed orders/create webhook (${n(r.bodyBytes)} B: own order id, webhook id, HMAC)`,
    '  naive receiver = hono + @hono/node-server, constant-time HMAC check, one BullMQ queue.add per ' +
      'request (raw body as data), 200 after the add',
    table(
      ['round', 'target', '2xx/s', 'ack p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'socket errors'],
      r.runs.map(runRow),
      2,
    ),
    `  median 2xx/s: hub ${n(r.medianPerSecond.hub)}, bare ${n(r.medianPerSecond.bare)}, naive ` +
      `${n(r.medianPerSecond.naive)}`,
    `  hub / naive = ${fixed(r.hubOverNaive, 2)}× (target ${target}: ` +
      `${verdict(r.hubOverNaive >= TARGETS.hubOverNaive)}); hub / bare = ${fixed(r.hubOverBare * 100, 0)}%`,
    '',
    '  CPU µs per 2xx, median over rounds (CPU of each process group in the measured window ÷ its 2xx;',
    '  "other processes" is everything else on the machine in that window, e.g. another developer)',
    table(
      ['target', ...CPU_GROUPS, 'server + postgres + redis'],
      (['hub', 'bare', 'naive'] as const).map((k) => [
        TARGET_NAMES[k],
        ...CPU_GROUPS.map((g) => fixed(cpu[k][g] ?? NaN, 0)),
        fixed((cpu[k].server ?? 0) + (cpu[k].postgres ?? 0) + (cpu[k].redis ?? 0), 0),
      ]),
    ),
    '',
    '  STORED: every 2xx (warm-up + measured) must be committed and queued; requests in flight at ' +
      "wrk's deadline are abandoned, so",
    '  hub: inbox rows == inbound jobs and 2xx ≤ rows ≤ sent; naive: 2xx ≤ jobs ≤ sent',
    table(
      ['round', 'target', '2xx', 'sent', 'inbox rows', 'inbound jobs', 'job states', 'check'],
      r.runs
        .filter((run) => run.stored)
        .map((run) => {
          const s = run.stored!
          return [
            String(run.round),
            TARGET_NAMES[run.target],
            s.acknowledged,
            s.sent,
            s.rows ?? '-',
            s.jobs,
            Object.entries(s.jobStates)
              .filter(([, v]) => v > 0)
              .map(([k, v]) => `${k} ${n(v)}`)
              .join(', ') || '-',
            s.ok ? 'OK' : 'FAILED',
          ]
        }),
      2,
    ),
  ]
}
