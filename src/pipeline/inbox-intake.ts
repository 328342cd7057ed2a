import type { Kysely } from 'kysely'
import type { Logger } from '../logger.js'
import { insertInboxBatch, type NewInboxRow } from '../db/repos/inbox.js'
import type { Database } from '../db/schema.js'
import { inboundJob, type Queues } from '../queues/index.js'
import { withTimeout } from '../timeout.js'
import { createBatcher } from './batcher.js'
import type { NormalizeHandoff } from './normalize-handoff.js'
import { ATTR, endWithError, SPAN, type SpanContext, type Tracing } from '../tracing/index.js'

export type IntakeResult =
  | { readonly kind: 'accepted'; readonly inboxId: string; readonly enqueued: boolean }
  | { readonly kind: 'duplicate' }

/** A row to store, with the request's intake span while tracing is on (the batch links to it). */
export type IntakeRow = NewInboxRow & { readonly intakeSpan?: SpanContext }

export interface InboxIntake {
  /**
   * Resolves once the row is committed and handed on (queued, or taken by the handoff); rejects if
   * Postgres failed. A row committed but not queued because Redis failed is still accepted: the
   * sweeper queues it later.
   */
  submit(row: IntakeRow): Promise<IntakeResult>
  /** Waits for every submitted row to settle. */
  drain(): Promise<void>
  /**
   * With a handoff (a process that also runs the workers), committed messages go to it instead of
   * the queue, as far as it takes them; without one, every message is queued.
   */
  handOffTo(handoff: NormalizeHandoff | undefined): void
}

export interface IntakeOptions {
  /** Most rows per INSERT / addBulk. */
  readonly maxBatch: number
  /** Most batches in flight at once; keep below the pool size so other queries still get a connection. */
  readonly maxInFlight: number
  /** How long the webhook waits for Redis before answering anyway (the sweeper enqueues later). */
  readonly enqueueTimeoutMs: number
}

/**
 * Durable intake for verified webhooks: rows are committed to the inbox, then enqueued, before the
 * webhook is answered. Requests arriving while earlier batches are in flight are grouped into one
 * multi-row INSERT and one `addBulk` (see `createBatcher`).
 */
export function createInboxIntake(
  deps: {
    readonly db: Kysely<Database>
    readonly queues: Queues
    readonly log: Logger
    readonly tracing?: Tracing
  },
  opts: IntakeOptions,
): InboxIntake {
  let handoff: NormalizeHandoff | undefined

  /**
   * One flush as a span of its own trace, linked to the requests it carried: a batch serves many
   * webhooks, each of which has its own trace (and, in it, its own wait: the `inbox intake` span).
   */
  async function tracedFlush(rows: readonly IntakeRow[]): Promise<IntakeResult[]> {
    if (!deps.tracing?.enabled) return flush(rows)
    const links = rows.flatMap((r) => (r.intakeSpan ? [{ context: r.intakeSpan }] : []))
    const span = deps.tracing.tracer.startSpan(SPAN.intakeBatch, {
      links,
      attributes: { [ATTR.batchSize]: rows.length },
    })
    try {
      const results = await flush(rows)
      span.end()
      return results
    } catch (err) {
      endWithError(span, err)
      throw err
    }
  }

  async function flush(rows: readonly IntakeRow[]): Promise<IntakeResult[]> {
    const inserted = await insertInboxBatch(deps.db, rows)
    const ids = new Map(inserted.map((r) => [rowKey(r), r.id]))
    const results = rows.map((row): IntakeResult | { kind: 'accepted'; inboxId: string } => {
      const key = rowKey(row)
      const inboxId = ids.get(key)
      if (inboxId === undefined) return { kind: 'duplicate' }
      ids.delete(key) // a repeat of the same key later in this batch is a duplicate
      return { kind: 'accepted', inboxId }
    })
    // A row stored already failed (see `storableEnvelope`) has nothing to process.
    const messages = rows.flatMap((row, i) => {
      const r = results[i]!
      return r.kind === 'accepted' && row.failure === undefined
        ? [{ ...row, inboxId: r.inboxId }]
        : []
    })
    const toQueue = handoff ? handoff.take(messages) : messages
    const enqueued = await enqueue(toQueue.map(inboundJob))
    return results.map((r) => (r.kind === 'accepted' ? { ...r, enqueued } : r))
  }

  async function enqueue(jobs: ReturnType<typeof inboundJob>[]): Promise<boolean> {
    if (jobs.length === 0) return true
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

  const batcher = createBatcher(tracedFlush, opts)
  return {
    submit: (row) => batcher.submit(row),
    drain: () => batcher.drain(),
    handOffTo(next) {
      handoff = next
    },
  }
}

function rowKey(r: { channel: string; accountId: string; dedupeKey: string }): string {
  return `${r.channel}\u0000${r.accountId}\u0000${r.dedupeKey}`
}
