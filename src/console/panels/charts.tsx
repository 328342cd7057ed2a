import { backlogSamples } from '../../db/repos/backlog-samples.js'
import { failedAttemptsByMinute } from '../../db/repos/deliveries.js'
import {
  LATENCY_SAMPLE_PER_MINUTE,
  intakeByMinute,
  latencyByMinute,
} from '../../db/repos/intake-activity.js'
import { backlogSnapshot } from '../../metrics/backlog.js'
import type { ConsoleDeps } from '../deps.js'
import { Panel } from '../layout.js'
import { TimeSeriesChart, type SeriesPoint } from '../svg-chart.js'

const WINDOW_MS = 60 * 60_000

/** The last 60 minutes, per minute, from bounded aggregates (see the repos' functions). */
export async function loadChartsPanel(deps: ConsoleDeps) {
  const now = deps.clock.now()
  const since = new Date(now.getTime() - WINDOW_MS)
  const [intake, latency, failures, backlog, samples] = await Promise.all([
    intakeByMinute(deps.db, since),
    latencyByMinute(deps.db, since, now),
    failedAttemptsByMinute(deps.db, since),
    backlogSnapshot(deps.db, deps.clock),
    backlogSamples(deps.db, since),
  ])
  return { now, since, intake, latency, failures, backlog, samples }
}

type Data = Awaited<ReturnType<typeof loadChartsPanel>>

/** One point per minute of the window; minutes with nothing are 0 for counts, gaps for latency. */
function perMinute<R extends { readonly minute: Date }>(
  from: Date,
  to: Date,
  rows: readonly R[],
  value: (row: R | undefined) => number | null,
): SeriesPoint[] {
  const byMinute = new Map(rows.map((r) => [r.minute.getTime(), r]))
  const points: SeriesPoint[] = []
  const first = Math.ceil(from.getTime() / 60_000) * 60_000
  for (let at = first; at <= to.getTime(); at += 60_000)
    points.push({ at, value: value(byMinute.get(at)) })
  return points
}

export function ChartsPanel(props: { readonly data: Data }) {
  const { now, since, intake, latency: sampled, failures, backlog, samples } = props.data
  // A minute the leader did not sample (no leader, or the hub was down) is a gap, not a zero.
  const backlogOf = (pick: 'inboxUnprocessed' | 'outboxUnpublished' | 'deliveriesPending') =>
    perMinute(since, now, samples, (r) => r?.[pick] ?? null)
  const count = (pick: 'received' | 'failed') =>
    perMinute(since, now, intake.hub, (r) => r?.[pick] ?? 0)
  const latency = (pick: 'p50Ms' | 'p95Ms') =>
    perMinute(since, now, sampled, (r) => r?.[pick] ?? null)
  const range = { from: since.getTime(), to: now.getTime() }
  return (
    <Panel
      name="charts"
      title="Last 60 minutes"
      src="/console/panels/charts"
      now={now}
      refreshMs={30_000}
    >
      <div class="charts">
        <TimeSeriesChart
          testId="chart-intake"
          title="Webhooks stored per minute"
          unit="per min"
          {...range}
          series={[
            { name: 'stored', className: 'series-a', points: count('received') },
            { name: 'failed', className: 'series-b', points: count('failed') },
          ]}
        />
        <TimeSeriesChart
          testId="chart-latency"
          title="Normalization latency (processed − received)"
          unit="ms"
          {...range}
          note={`of up to ${LATENCY_SAMPLE_PER_MINUTE} webhooks a minute`}
          series={[
            { name: 'p50', className: 'series-a', points: latency('p50Ms') },
            { name: 'p95', className: 'series-b', points: latency('p95Ms') },
          ]}
        />
        <TimeSeriesChart
          testId="chart-backlog"
          title="Backlog, sampled each minute"
          unit="waiting"
          {...range}
          note="by the relay leader"
          series={[
            { name: 'inbox', className: 'series-a', points: backlogOf('inboxUnprocessed') },
            { name: 'outbox', className: 'series-c', points: backlogOf('outboxUnpublished') },
            { name: 'deliveries', className: 'series-b', points: backlogOf('deliveriesPending') },
          ]}
        />
        <TimeSeriesChart
          testId="chart-delivery-failures"
          title={`Failed delivery attempts per minute (pending now: ${backlog.deliveriesPending})`}
          unit="per min"
          {...range}
          series={[
            {
              name: 'failed attempts',
              className: 'series-b',
              points: perMinute(since, now, failures, (r) => r?.failed ?? 0),
            },
          ]}
        />
      </div>
    </Panel>
  )
}
