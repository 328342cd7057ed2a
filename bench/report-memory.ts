// The memory part of the report: Redis memory under the run's prefix as the webhook count grows.
import { EVENT_STREAM_LIMIT, type MemoryResult } from './memory.js'
import { n, table, verdict } from './report-format.js'
import { LAYOUT_PROCESSES } from './hub.js'
import { TARGETS } from './goals.js'

const kib = (bytes: number) => n(bytes / 1024)

export function formatMemory(r: MemoryResult): string[] {
  const last = r.samples.at(-1)
  const first = r.samples[0]
  return [
    `MEMORY: a hub (${LAYOUT_PROCESSES[r.layout]}) with one subscriber, wrk closed loop ` +
      `(${r.connections} connections) ` +
      `until ${n(r.webhooks)} webhooks were acknowledged (${n(r.wrk.acked)} were)`,
    r.maxBacklog > 0
      ? `  wrk paused while more than ${n(r.maxBacklog)} inbox rows waited to be processed ` +
        `(${n(r.pausedSeconds)} s in all), so a backlog cannot pass for retention`
      : '  no backlog limit: waiting jobs count in the figures',
    '  memory = sum of MEMORY USAGE over the keys under the run\'s queue prefix; "jobs" = keys of ' +
      'individual jobs (waiting, active or failed);',
    `  "events" = BullMQ's event streams, capped at ~10,000 entries per queue (bounded if none passes ` +
      `${n(EVENT_STREAM_LIMIT)}); "other" = every other per-queue key`,
    table(
      [
        'at',
        'elapsed s',
        'committed',
        'backlog',
        'pending deliveries',
        'delivered',
        'keys',
        'KiB',
        'job keys',
        'job KiB',
        'events KiB',
        'longest stream',
        'other KiB',
        'used_memory MiB',
        'hub RSS MB',
      ],
      r.samples.map((s) => [
        s.at,
        s.elapsedSeconds,
        s.committed,
        s.received,
        s.pendingDeliveries,
        s.delivered,
        s.keys,
        kib(s.bytes),
        s.jobKeys,
        kib(s.jobBytes),
        kib(s.eventBytes),
        s.longestEvents,
        kib(s.bytes - s.jobBytes - s.eventBytes),
        n(s.usedMemory / 1024 / 1024),
        s.hubRssMb,
      ]),
    ),
    `  bounded (nothing retained per completed job): ${r.bounded ? 'YES' : 'NO'} — ` +
      (last && first
        ? `${r.drained ? 'after draining' : 'draining STALLED;'} the prefix holds ${n(last.keys)} keys, ` +
          `${kib(last.bytes)} KiB, ${kib(last.bytes - last.eventBytes)} KiB of it outside the event ` +
          `streams, against ${kib(first.bytes - first.eventBytes)} KiB at the first sample (bounded: ` +
          'at most 1.25× that + 256 KiB)'
        : 'no samples'),
    `  duplicates ${r.duplicates}, bad signatures ${r.badSignatures}; peak hub RSS ${n(r.peakHubRssMb)} MB ` +
      `(target < ${TARGETS.rssMb} MB: ${verdict(r.peakHubRssMb < TARGETS.rssMb)})`,
  ]
}
