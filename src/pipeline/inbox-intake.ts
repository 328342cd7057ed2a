import type { Kysely } from 'kysely'
import type { Logger } from '../logger.js'
import { insertInboxBatch, type NewInboxRow } from '../db/repos/inbox.js'
import type { Database } from '../db/schema.js'
import { inboundJob, type Queues } from '../queues/index.js'
import { withTimeout } from '../timeout.js'

export type IntakeResult =
  | { readonly kind: 'accepted'; readonly inboxId: string; readonly enqueued: boolean }
  | { readonly kind: 'duplicate' }

export interface InboxIntake {
  /** Resolves once the row is committed (and, unless Redis failed, enqueued); rejects if Postgres failed. */
  submit(row: NewInboxRow): Promise<IntakeResult>
  /** Waits for every submitted row to settle. */
  drain(): Promise<void>
}

export interface IntakeOptions {
  /** Most rows per INSERT / addBulk. */
  readonly maxBatch: number
  /** Most batches in flight at once; keep below the pool size so other queries still get a connection. */
  readonly maxInFlight: number
  /** How long the webhook waits for Redis before answering anyway (the sweeper enqueues later). */
  readonly enqueueTimeoutMs: number
}

interface Pending {
  readonly row: NewInboxRow
  resolve(result: IntakeResult): void
  reject(err: unknown): void
}

/**
 * Durable intake for verified webhooks: rows are committed to the inbox, then enqueued, before the
 * webhook is answered. Requests arriving while earlier batches are in flight are grouped into one
 * multi-row INSERT and one `addBulk`, so throughput grows with load while an idle hub adds no delay
 * (a lone request is flushed on the next tick).
 */
export function createInboxIntake(
  deps: { readonly db: Kysely<Database>; readonly queues: Queues; readonly log: Logger },
  opts: IntakeOptions,
): InboxIntake {
  const waiting: Pending[] = []
  let inFlight = 0
  let scheduled = false
  const idle: Array<() => void> = []

  function schedule(): void {
    if (scheduled || inFlight >= opts.maxInFlight || waiting.length === 0) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      while (inFlight < opts.maxInFlight && waiting.length > 0) {
        const batch = waiting.splice(0, opts.maxBatch)
        inFlight++
        void flush(batch).finally(() => {
          inFlight--
          if (inFlight === 0 && waiting.length === 0) idle.splice(0).forEach((done) => done())
          schedule()
        })
      }
    })
  }

  async function flush(batch: readonly Pending[]): Promise<void> {
    let inserted
    try {
      inserted = await insertInboxBatch(
        deps.db,
        batch.map((p) => p.row),
      )
    } catch (err) {
      for (const p of batch) p.reject(err)
      return
    }
    const ids = new Map(inserted.map((r) => [rowKey(r), r.id]))
    const accepted: Array<{ pending: Pending; id: string }> = []
    for (const pending of batch) {
      const key = rowKey(pending.row)
      const id = ids.get(key)
      if (id === undefined) pending.resolve({ kind: 'duplicate' })
      else {
        ids.delete(key) // a repeat of the same key later in this batch is a duplicate
        accepted.push({ pending, id })
      }
    }
    const enqueued = await enqueue(accepted)
    for (const { pending, id } of accepted)
      pending.resolve({ kind: 'accepted', inboxId: id, enqueued })
  }

  async function enqueue(
    accepted: ReadonlyArray<{ pending: Pending; id: string }>,
  ): Promise<boolean> {
    if (accepted.length === 0) return true
    const jobs = accepted.map(({ pending, id }) => inboundJob(id, pending.row))
    try {
      await withTimeout(deps.queues.enqueueInbound(jobs), opts.enqueueTimeoutMs, 'Redis')
      return true
    } catch (err) {
      // The rows are committed; answering 200 is right. The sweeper enqueues them later.
      deps.log.warn(
        { err, inboxIds: jobs.map((j) => j.inboxId) },
        'enqueue failed after inbox commit; sweeper will retry',
      )
      return false
    }
  }

  return {
    submit(row) {
      return new Promise<IntakeResult>((resolve, reject) => {
        waiting.push({ row, resolve, reject })
        schedule()
      })
    },
    drain() {
      if (inFlight === 0 && waiting.length === 0) return Promise.resolve()
      return new Promise<void>((resolve) => idle.push(resolve))
    },
  }
}

function rowKey(r: { channel: string; accountId: string; dedupeKey: string }): string {
  return `${r.channel}\u0000${r.accountId}\u0000${r.dedupeKey}`
}
