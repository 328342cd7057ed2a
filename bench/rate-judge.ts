// Judging one rate of the end-to-end ramp: joins wrk's send log with the subscriber's receipts.
import type { CpuUsage } from './cpu.js'
import { TARGETS } from './goals.js'
import type { SendLog } from './send-log.js'
import { percentiles, type Percentiles } from './stats.js'
import type { Subscriber } from './subscriber.js'
import type { WrkResult } from './wrk.js'

/** The CPU group of the per-webhook total the target applies to. */
export const HUB_AND_STORES = 'hub + postgres + redis'

export interface RateResult {
  readonly rate: number
  readonly seconds: number
  /** Webhooks the schedule holds: rate × seconds. */
  readonly intended: number
  readonly sent: number
  readonly answered: number
  readonly acked: number
  readonly status: Record<string, number>
  /** Sends per second over the send window, from the send log. */
  readonly sendRate: number
  /** Sent − scheduled: how late wrk sent (late when every connection waited on an answer). */
  readonly sendLagMs: Percentiles
  /** Subscriber received − scheduled (or sent, when wrk's 1 ms timer fired early). */
  readonly latencyMs: Percentiles
  readonly delivered: number
  /** Sent but not delivered within the grace period. */
  readonly missing: number
  /** Acknowledged but not delivered: exact when every send was acknowledged, else a lower bound. */
  readonly lost: number
  readonly lostIsLowerBound: boolean
  /** Extra deliveries of this rate's webhooks, seen by the end of its grace period. */
  readonly duplicates: number
  readonly badSignatures: number
  /** Over the send window (rate × seconds webhooks). */
  readonly cpu: CpuUsage
  readonly cpuPercent: Record<string, number>
  /** Per group, and "hub + postgres + redis": CPU ms per webhook sent. */
  readonly cpuMsPerWebhook: Record<string, number>
  /** Peak VmRSS per hub process, sampled every second from the first send to the last delivery. */
  readonly peakRssMb: Record<string, number>
  readonly sustained: boolean
  /** Why it is not sustained. */
  readonly failures: readonly string[]
}

export interface RateInputs {
  readonly rate: number
  readonly seconds: number
  readonly threads: number
  readonly wrk: WrkResult
  readonly log: SendLog
  readonly sub: Pick<Subscriber, 'receivedUs' | 'duplicates'>
  /** Bad signatures the subscriber saw during this rate. */
  readonly badSignatures: number
  /** Over the send window. */
  readonly cpu: CpuUsage
  /** The hub's CPU groups: "hub", or "hub api" and "hub worker". */
  readonly hubGroups: readonly string[]
  readonly peakRssMb: Record<string, number>
}

/**
 * Latency per webhook = first receipt − scheduled send (or the actual send, if wrk's 1 ms timer
 * fired before the schedule). A rate is sustained when every scheduled webhook was sent,
 * acknowledged and delivered exactly once with a valid signature, and p99 < the target.
 */
export function judgeRate(input: RateInputs): RateResult {
  const { rate, seconds, threads, wrk, log, sub, badSignatures, cpu, hubGroups, peakRssMb } = input
  const latencies: number[] = []
  const lags: number[] = []
  let duplicates = 0
  let firstScheduled = Infinity
  let lastSent = -Infinity
  for (let i = 0; i < log.count; i++) {
    const id = log.orderIds[i]!
    const scheduled = log.scheduledUs[i]!
    const sent = log.sentUs[i]!
    lags.push((sent - scheduled) / 1000)
    firstScheduled = Math.min(firstScheduled, scheduled)
    lastSent = Math.max(lastSent, sent)
    const at = sub.receivedUs.get(id)
    if (at !== undefined) latencies.push((at - Math.min(scheduled, sent)) / 1000)
    duplicates += sub.duplicates.get(id) ?? 0
  }
  const perThread = Math.floor((seconds * rate) / threads + 0.5)
  const intended = perThread * threads
  const missing = log.count - latencies.length
  const unacked = wrk.sent - wrk.acked
  const lost = Math.max(0, missing - unacked)
  const latencyMs = percentiles(latencies)
  const sendRate = log.count > 0 ? log.count / ((lastSent - firstScheduled) / 1e6 + 1 / rate) : 0
  const cpuPercent: Record<string, number> = {}
  const cpuMsPerWebhook: Record<string, number> = {}
  for (const [group, s] of Object.entries(cpu.cpuSeconds)) {
    cpuPercent[group] = (s / cpu.seconds) * 100
    cpuMsPerWebhook[group] = (s * 1000) / Math.max(1, wrk.sent)
  }
  cpuMsPerWebhook[HUB_AND_STORES] = [...hubGroups, 'postgres', 'redis']
    .map((g) => cpuMsPerWebhook[g] ?? 0)
    .reduce((a, b) => a + b, 0)

  const failures: string[] = []
  if (wrk.sent < intended) failures.push(`sent ${wrk.sent} of ${intended}`)
  if (log.count !== wrk.sent) failures.push(`send log has ${log.count} lines for ${wrk.sent} sends`)
  if (sendRate < rate * 0.97) failures.push(`sent at ${Math.round(sendRate)}/s`)
  if (unacked > 0)
    failures.push(`${unacked} not acknowledged (answers by status ${JSON.stringify(wrk.status)})`)
  if (lost > 0) failures.push(`${lost}${unacked > 0 ? '+' : ''} lost`)
  else if (missing > 0) failures.push(`${missing} undelivered`)
  if (duplicates > 0) failures.push(`${duplicates} duplicated`)
  if (badSignatures > 0) failures.push(`${badSignatures} bad signatures`)
  if (!(latencyMs.p99 < TARGETS.e2eP99Ms)) failures.push(`p99 ${latencyMs.p99} ms`)
  return {
    rate,
    seconds,
    intended,
    sent: wrk.sent,
    answered: wrk.answered,
    acked: wrk.acked,
    status: wrk.status,
    sendRate,
    sendLagMs: percentiles(lags),
    latencyMs,
    delivered: latencies.length,
    missing,
    lost,
    lostIsLowerBound: unacked > 0,
    duplicates,
    badSignatures,
    cpu,
    cpuPercent,
    cpuMsPerWebhook,
    peakRssMb,
    sustained: failures.length === 0,
    failures,
  }
}
