import type { QuantityAt, SkuSeries } from '../../lineage/index.js'
import { stamp } from '../format.js'
import { TimeSeriesChart, type SeriesPoint } from '../svg-chart.js'

/**
 * Steps, not slopes: a quantity holds from one change to the next, so each change is drawn as a
 * vertical step at its time, and the last one holds until the end of the window.
 */
export function steps(points: readonly QuantityAt[], until: Date): SeriesPoint[] {
  const drawn: SeriesPoint[] = []
  points.forEach((p, i) => {
    if (i > 0) drawn.push({ at: p.at.getTime(), value: points[i - 1]!.quantity })
    drawn.push({ at: p.at.getTime(), value: p.quantity })
  })
  const last = points.at(-1)
  if (last) drawn.push({ at: until.getTime(), value: last.quantity })
  return drawn
}

const LISTING_CLASSES = ['series-b', 'series-c']

/** A SKU's available-to-sell and what each listing was sent, over the page's window. */
export function SkuChart(props: {
  readonly series: SkuSeries
  readonly since: Date
  readonly until: Date
}) {
  const { series, until } = props
  const first = [series.ats[0]?.at, ...series.pushed.map((l) => l.points[0]?.at)]
    .filter((at): at is Date => at !== undefined)
    .reduce((a, b) => (a < b ? a : b), until)
  // From the first change shown (the window reads the newest entries), not from an empty week.
  const from = first < until ? first : props.since
  return (
    <section class="card" data-testid="sku-chart">
      <TimeSeriesChart
        testId="chart-sku"
        title="Available to sell, and what each listing was sent"
        unit="units"
        from={from.getTime()}
        to={until.getTime()}
        period={`from ${stamp(from)} to ${stamp(until)}`}
        note={`${stamp(from)} – ${stamp(until)}`}
        series={[
          { name: 'available to sell', className: 'series-a', points: steps(series.ats, until) },
          ...series.pushed.map((l, i) => ({
            name: `pushed to ${l.where}`,
            className: LISTING_CLASSES[Math.min(i, LISTING_CLASSES.length - 1)]!,
            points: steps(l.points, until),
          })),
        ]}
      />
    </section>
  )
}
