// The per-SKU picture draws quantities that hold until the next change: a slope between two
// changes would show quantities the SKU never had.
import { describe, expect, it } from 'vitest'
import { steps } from './sku-chart.js'

const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 10, minute))

describe('steps', () => {
  it('holds each quantity until the next change, and the last until the end', () => {
    const points = [
      { at: at(0), quantity: 12 },
      { at: at(5), quantity: 9 },
    ]
    expect(steps(points, at(10))).toEqual([
      { at: at(0).getTime(), value: 12 },
      { at: at(5).getTime(), value: 12 },
      { at: at(5).getTime(), value: 9 },
      { at: at(10).getTime(), value: 9 },
    ])
  })

  it('draws nothing for no changes', () => {
    expect(steps([], at(10))).toEqual([])
  })
})
