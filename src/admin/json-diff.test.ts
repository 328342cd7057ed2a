// Pins the diff format the dry run of a bulk replay answers with: JSON paths added, removed and
// changed, with their values.
import { describe, expect, it } from 'vitest'
import { diffJson } from './json-diff.js'

describe('diffJson', () => {
  it('is empty for equal values, whatever the key order', () => {
    expect(diffJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toEqual({
      added: [],
      removed: [],
      changed: [],
    })
  })

  it('names added, removed and changed paths with their values', () => {
    const d = diffJson(
      { order: { total: 100, lines: [{ sku: 'A' }, { sku: 'B' }], note: 'x' } },
      { order: { total: 120, lines: [{ sku: 'A2' }], gift: true } },
    )
    expect(d.changed).toEqual([
      { path: 'order.total', before: 100, after: 120 },
      { path: 'order.lines[0].sku', before: 'A', after: 'A2' },
    ])
    expect(d.removed).toEqual([
      { path: 'order.lines[1]', before: { sku: 'B' } },
      { path: 'order.note', before: 'x' },
    ])
    expect(d.added).toEqual([{ path: 'order.gift', after: true }])
  })

  it('reports a change of kind as one changed path', () => {
    expect(diffJson({ a: [1] }, { a: { 0: 1 } }).changed).toEqual([
      { path: 'a', before: [1], after: { 0: 1 } },
    ])
    expect(diffJson(1, 2).changed).toEqual([{ path: '$', before: 1, after: 2 }])
  })
})
