/**
 * Small time-series charts drawn as inline SVG on the server: no chart library, no script, and
 * styled by class names from the console's stylesheet (its CSP allows no inline style).
 */

/** One value per point; null is a gap (a minute with nothing to measure), never a zero. */
export interface SeriesPoint {
  readonly at: number
  readonly value: number | null
}

export interface Series {
  readonly name: string
  /** A class of the console's stylesheet (`series-a`, `series-b`, `series-c`). */
  readonly className: string
  readonly points: readonly SeriesPoint[]
}

export interface ChartFrame {
  /** The time span drawn, in epoch milliseconds. */
  readonly from: number
  readonly to: number
  readonly width: number
  readonly height: number
}

export interface PlottedSeries {
  readonly name: string
  readonly className: string
  /** `points` attributes of the polylines, one per run of values between gaps. */
  readonly segments: readonly string[]
}

/**
 * Scales the series into the frame: time left to right over [from, to], values bottom to top
 * over [0, max], where max is the largest value rounded up to a readable number (at least 1).
 */
export function plot(
  series: readonly Series[],
  frame: ChartFrame,
): { readonly max: number; readonly lines: readonly PlottedSeries[] } {
  const values = series.flatMap((s) => s.points.map((p) => p.value ?? 0))
  const max = roundUp(Math.max(0, ...values))
  const span = Math.max(1, frame.to - frame.from)
  const x = (at: number) => clamp(((at - frame.from) / span) * frame.width, 0, frame.width)
  const y = (v: number) => frame.height - (clamp(v, 0, max) / max) * frame.height
  const lines = series.map((s) => {
    const segments: string[] = []
    let run: string[] = []
    // A lone point (one minute between gaps, or the first minute with data) is drawn as a line of
    // no length, which the stylesheet's round caps show as a dot; a one-point polyline shows nothing.
    const end = () => {
      if (run.length > 0) segments.push((run.length === 1 ? [run[0], run[0]] : run).join(' '))
      run = []
    }
    for (const p of [...s.points].sort((a, b) => a.at - b.at)) {
      if (p.value === null) end()
      else run.push(`${fmt(x(p.at))},${fmt(y(p.value))}`)
    }
    end()
    return { name: s.name, className: s.className, segments }
  })
  return { max, lines }
}

/** 1, 2 or 5 times a power of ten, the smallest at or above `value` (1 for an empty chart). */
export function roundUp(value: number): number {
  if (!(value > 1)) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))
const fmt = (v: number) => String(Math.round(v * 10) / 10)

const WIDTH = 300
const HEIGHT = 80

/** A chart with its title, the scale's top and a legend; "no data" when every series is empty. */
export function TimeSeriesChart(props: {
  readonly testId: string
  readonly title: string
  readonly unit: string
  readonly from: number
  readonly to: number
  readonly series: readonly Series[]
  readonly note?: string | undefined
  /** What span the chart covers, for screen readers (default: the last 60 minutes). */
  readonly period?: string
}) {
  const frame = { from: props.from, to: props.to, width: WIDTH, height: HEIGHT }
  const { max, lines } = plot(props.series, frame)
  const empty = lines.every((l) => l.segments.length === 0)
  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption>
        {props.title}
        {props.note ? <small> ({props.note})</small> : null}
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={`${props.title}, ${props.period ?? 'last 60 minutes'}, scale 0 to ${max} ${props.unit}`}
        data-max={String(max)}
      >
        <line class="axis" x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} />
        <line class="grid" x1="0" y1="0" x2={WIDTH} y2="0" />
        {empty ? (
          <text class="empty" x={WIDTH / 2} y={HEIGHT / 2} text-anchor="middle">
            no data
          </text>
        ) : (
          lines.flatMap((l) =>
            l.segments.map((points) => (
              <polyline class={`line ${l.className}`} data-series={l.name} points={points} />
            )),
          )
        )}
      </svg>
      <div class="chart-scale">
        <span>
          0–{max} {props.unit}
        </span>
        {props.series.map((s) => (
          <span class={`legend ${s.className}`}>{s.name}</span>
        ))}
      </div>
    </figure>
  )
}
