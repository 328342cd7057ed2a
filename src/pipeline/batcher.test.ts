// The queue-and-flush helper every batching stage rests on: items submitted while a flush is in
// flight gather into the next one, each caller gets its own answer, and a failed flush fails only
// its own items.
import { describe, expect, it } from 'vitest'
import { createBatcher } from './batcher.js'

/** A flush that records its batches and answers when `release` is called. */
function controlledFlush() {
  const batches: number[][] = []
  const releases: Array<(fail?: Error) => void> = []
  const flush = (items: readonly number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push([...items])
      releases.push((fail) => (fail ? reject(fail) : resolve(items.map((n) => `done ${n}`))))
    })
  return { flush, batches, releases }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('createBatcher', () => {
  it('flushes a lone item on the next tick, and gathers the items that wait meanwhile', async () => {
    const { flush, batches, releases } = controlledFlush()
    const batcher = createBatcher(flush, { maxBatch: 10, maxInFlight: 1 })
    const first = batcher.submit(1)
    await tick()
    expect(batches).toEqual([[1]])
    const waiting = [2, 3, 4].map((n) => batcher.submit(n))
    await tick()
    expect(batches).toHaveLength(1) // one flush in flight at most
    releases[0]!()
    expect(await first).toBe('done 1')
    await tick()
    await tick()
    expect(batches).toEqual([[1], [2, 3, 4]])
    releases[1]!()
    expect(await Promise.all(waiting)).toEqual(['done 2', 'done 3', 'done 4'])
  })

  it('splits at maxBatch and runs up to maxInFlight flushes at once', async () => {
    const { flush, batches, releases } = controlledFlush()
    const batcher = createBatcher(flush, { maxBatch: 2, maxInFlight: 2 })
    const all = [1, 2, 3, 4, 5].map((n) => batcher.submit(n))
    await tick()
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ])
    releases[1]!()
    await tick()
    await tick()
    expect(batches).toEqual([[1, 2], [3, 4], [5]])
    releases[0]!()
    releases[2]!()
    expect(await Promise.all(all)).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5'])
  })

  it('rejects every item of a failed flush, and only those', async () => {
    const { flush, releases } = controlledFlush()
    const batcher = createBatcher(flush, { maxBatch: 2, maxInFlight: 2 })
    const [a, b, c] = [1, 2, 3].map((n) => batcher.submit(n))
    await tick()
    releases[0]!(new Error('database refused'))
    releases[1]!()
    await expect(a).rejects.toThrow('database refused')
    await expect(b).rejects.toThrow('database refused')
    expect(await c).toBe('done 3')
  })

  it('refuses a flush that does not answer every item', async () => {
    const batcher = createBatcher((items: readonly number[]) => Promise.resolve(items.slice(1)), {
      maxBatch: 10,
      maxInFlight: 1,
    })
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).rejects.toThrow(
      'answered 1 of 2 items',
    )
  })

  it('drains: resolves once everything submitted has been answered', async () => {
    const { flush, releases } = controlledFlush()
    const batcher = createBatcher(flush, { maxBatch: 10, maxInFlight: 1 })
    await batcher.drain() // nothing pending
    const item = batcher.submit(1)
    let drained = false
    const drain = batcher.drain().then(() => (drained = true))
    await tick()
    expect(drained).toBe(false)
    releases[0]!()
    await drain
    expect(await item).toBe('done 1')
  })
})
