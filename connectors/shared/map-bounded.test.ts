// De-risks bounded parallel reads: the bound holds, results keep input order, and a failure
// stops new work and surfaces only after the calls in flight have ended.
import { describe, expect, it } from 'vitest'
import { mapBounded } from './map-bounded.js'

/** A call that finishes when the test releases it. */
function gated() {
  const started: number[] = []
  const release = new Map<number, (fail?: Error) => void>()
  const fn = (item: number) =>
    new Promise<number>((resolve, reject) => {
      started.push(item)
      release.set(item, (fail) => (fail ? reject(fail) : resolve(item * 10)))
    })
  return { started, release, fn }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('mapBounded', () => {
  it('keeps at most `limit` calls in flight and returns results in input order', async () => {
    const { started, release, fn } = gated()
    const done = mapBounded([1, 2, 3, 4, 5], 2, fn)
    await tick()
    expect(started).toEqual([1, 2])
    release.get(2)!()
    await tick()
    expect(started).toEqual([1, 2, 3])
    for (const item of [1, 3]) release.get(item)!()
    await tick()
    for (const item of [4, 5]) release.get(item)!()
    await expect(done).resolves.toEqual([10, 20, 30, 40, 50])
  })

  it('starts nothing new after a failure and throws it once the rest has ended', async () => {
    const { started, release, fn } = gated()
    let settled = false
    const done = mapBounded([1, 2, 3, 4], 2, fn).finally(() => (settled = true))
    await tick()
    release.get(1)!(new Error('boom'))
    await tick()
    expect(started).toEqual([1, 2])
    expect(settled).toBe(false) // item 2 is still in flight
    release.get(2)!()
    await expect(done).rejects.toThrow('boom')
    expect(started).toEqual([1, 2])
  })

  it('handles no items and refuses a limit below one', async () => {
    await expect(mapBounded([], 3, () => Promise.resolve(1))).resolves.toEqual([])
    await expect(mapBounded([1], 0, () => Promise.resolve(1))).rejects.toThrow(RangeError)
  })
})
