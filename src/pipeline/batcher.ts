/**
 * Queue-and-flush: callers submit one item each and await its own result; items submitted while
 * earlier batches are in flight are flushed together. Under load, one round trip (a multi-row
 * statement, an `addBulk`, a transaction) serves many items; an idle process adds no delay, since
 * a lone item is flushed on the next turn of the event loop. Every stage that batches uses this,
 * so the rules below hold everywhere:
 * - at most `maxInFlight` flushes run at once, each of at most `maxBatch` items, in submit order;
 * - `flush` answers every item of its batch (same order); if it throws, every item of that batch
 *   rejects with the error, and later batches are unaffected.
 */
export interface Batcher<In, Out> {
  submit(item: In): Promise<Out>
  /** Resolves once everything submitted so far has been answered. */
  drain(): Promise<void>
}

export interface BatcherOptions {
  /** Most items per flush. */
  readonly maxBatch: number
  /** Most flushes in flight at once. */
  readonly maxInFlight: number
}

interface Pending<In, Out> {
  readonly item: In
  resolve(out: Out): void
  reject(err: unknown): void
}

export function createBatcher<In, Out>(
  flush: (items: readonly In[]) => Promise<readonly Out[]>,
  opts: BatcherOptions,
): Batcher<In, Out> {
  const waiting: Array<Pending<In, Out>> = []
  let inFlight = 0
  let scheduled = false
  const idle: Array<() => void> = []

  function schedule(): void {
    if (scheduled || inFlight >= opts.maxInFlight || waiting.length === 0) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      while (inFlight < opts.maxInFlight && waiting.length > 0) {
        inFlight++
        void run(waiting.splice(0, opts.maxBatch)).finally(() => {
          inFlight--
          if (inFlight === 0 && waiting.length === 0) idle.splice(0).forEach((done) => done())
          schedule()
        })
      }
    })
  }

  async function run(batch: ReadonlyArray<Pending<In, Out>>): Promise<void> {
    let results: readonly Out[]
    try {
      results = await flush(batch.map((p) => p.item))
      if (results.length !== batch.length)
        throw new Error(`batch flush answered ${results.length} of ${batch.length} items`)
    } catch (err) {
      for (const p of batch) p.reject(err)
      return
    }
    batch.forEach((p, i) => p.resolve(results[i]!))
  }

  return {
    submit(item) {
      return new Promise<Out>((resolve, reject) => {
        waiting.push({ item, resolve, reject })
        schedule()
      })
    },
    drain() {
      if (inFlight === 0 && waiting.length === 0) return Promise.resolve()
      return new Promise<void>((resolve) => idle.push(resolve))
    },
  }
}
