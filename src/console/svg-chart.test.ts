// The console's charts are drawn on the server with no library: the risk is a chart that looks
// right and is wrong (a point at the wrong time or height, a gap drawn as a zero, a crash or a
// NaN on an empty series).
import type { JSX } from 'hono/jsx/jsx-runtime'
import { describe, expect, it } from 'vitest'
import { TimeSeriesChart, plot, roundUp } from './svg-chart.js'

const frame = { from: 0, to: 60_000, width: 120, height: 40 }

describe('plot', () => {
  it('scales time left to right and values bottom to top, up to a rounded maximum', () => {
    const { max, lines } = plot(
      [
        {
          name: 'intake',
          className: 'series-a',
          points: [
            { at: 60_000, value: 20 },
            { at: 0, value: 0 },
            { at: 30_000, value: 10 },
          ],
        },
      ],
      frame,
    )
    expect(max).toBe(20)
    expect(lines).toEqual([
      { name: 'intake', className: 'series-a', segments: ['0,40 60,20 120,0'] },
    ])
  })

  it('breaks the line at a gap instead of drawing a zero, and clamps points outside the frame', () => {
    const { max, lines } = plot(
      [
        {
          name: 'p95',
          className: 'series-b',
          points: [
            { at: -5_000, value: 3 },
            { at: 15_000, value: null },
            { at: 45_000, value: 7 },
            { at: 60_000, value: 5 },
          ],
        },
      ],
      frame,
    )
    expect(max).toBe(10)
    expect(lines[0]!.segments).toEqual(['0,28 0,28', '90,12 120,20'])
  })

  it('draws nothing for empty series, with a scale of 1 and no NaN', async () => {
    const { max, lines } = plot([{ name: 'none', className: 'series-a', points: [] }], frame)
    expect(max).toBe(1)
    expect(lines).toEqual([{ name: 'none', className: 'series-a', segments: [] }])
    const chart: JSX.Element = TimeSeriesChart({
      testId: 'chart-empty',
      title: 'Intake',
      unit: 'webhooks/min',
      from: 0,
      to: 60_000,
      series: [{ name: 'none', className: 'series-a', points: [] }],
    })
    const html = String(await chart)
    expect(html).toContain('no data')
    expect(html).not.toContain('<polyline')
    expect(html).not.toContain('NaN')
  })

  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.4, 1, 1.5, 3, 7, 10, 11, 240, 999].map(roundUp)).toEqual([
      1, 1, 1, 2, 5, 10, 10, 20, 500, 1000,
    ])
  })
})
