import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { countInbox, nextInboxIds } from '../db/repos/inbox-search.js'
import {
  cancelReplayRun,
  failReplayRun,
  getReplayRun,
  insertReplayRun,
  listUnfinishedReplayRuns,
  recordReplayBatch,
  startReplayRun,
} from '../db/repos/replays.js'
import type { Database, ReplayError, ReplayRun } from '../db/schema.js'
import { errorMessage } from '../errors.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { NormalizeDeps } from '../pipeline/normalize-inbox-item.js'
import { DONE, type StepResult } from '../pipeline/step-result.js'
import type { Queues } from '../queues/index.js'
import { InboxFilter, replayable, toSearchFilter } from './inbox-filter.js'
import { replayInboxMessage } from './replay-message.js'

export const REPLAY_BATCH = 100

/**
 * Creates a bulk replay of every message matching `filter` now (up to the newest one: later
 * arrivals are normalized the usual way) and queues it. If the enqueue fails the run stays
 * `queued` and a replay worker picks it up when it starts (`resumeReplayRuns`).
 */
export async function createReplayRun(
  deps: { readonly db: Kysely<Database>; readonly queues: Queues; readonly log: Logger },
  filter: InboxFilter,
  requestedBy: string,
): Promise<ReplayRun> {
  const { count, maxId } = await countInbox(deps.db, replayable(toSearchFilter(filter)))
  const run = await insertReplayRun(deps.db, {
    id: `rpl_${randomBytes(12).toString('base64url')}`,
    filter,
    total: count,
    maxInboxId: maxId ?? '0',
    requestedBy,
    status: count === 0 ? 'completed' : 'queued',
  })
  if (run.status === 'queued') {
    await deps.queues
      .enqueueReplay(run.id)
      .catch((err: unknown) =>
        deps.log.warn(
          { runId: run.id, err: errorMessage(err) },
          'could not enqueue a replay run; a replay worker will resume it when it starts',
        ),
      )
  }
  return run
}

export function cancelReplay(
  deps: { readonly db: Kysely<Database>; readonly clock: Clock },
  id: string,
) {
  return cancelReplayRun(deps.db, id, deps.clock.now())
}

export interface ProcessOptions {
  readonly batchSize?: number
  /** No retry follows if this attempt throws: the run is marked failed. */
  readonly finalAttempt?: boolean
  /** Called after each recorded batch (tests observe progress and cancel between batches). */
  readonly afterBatch?: (run: ReplayRun) => Promise<void> | void
}

/**
 * Processes a run batch by batch, oldest message first, from its stored cursor: each batch's
 * progress is committed before the next starts, so a run whose worker died resumes where the last
 * committed batch ended (the messages of an unrecorded batch are replayed again, harmlessly:
 * replays are idempotent). A cancel takes effect between batches. A message that fails (the
 * current normalizer rejects it, or its channel API cannot hydrate it) is listed in the run's
 * errors and the run goes on.
 */
export async function processReplayRun(
  deps: NormalizeDeps,
  runId: string,
  opts: ProcessOptions = {},
): Promise<StepResult> {
  const batchSize = opts.batchSize ?? REPLAY_BATCH
  try {
    let run = await startReplayRun(deps.db, runId, deps.clock.now())
    if (!run) return { kind: 'permanent', reason: `replay run ${runId} does not exist` }
    const filter = replayable(toSearchFilter(InboxFilter.parse(run.filter)))
    while (run?.status === 'running') {
      const ids = await nextInboxIds(deps.db, filter, {
        afterId: run.cursor,
        maxId: run.max_inbox_id,
        limit: batchSize,
      })
      const batch = await replayBatch(deps, ids)
      const recorded = await recordReplayBatch(deps.db, runId, {
        fromCursor: run.cursor,
        toCursor: ids.at(-1) ?? run.cursor,
        processed: ids.length,
        producedEvents: batch.produced,
        errors: batch.errors,
        finished: ids.length < batchSize,
        at: deps.clock.now(),
      })
      // Not recorded: cancelled meanwhile, or another processor moved the cursor on.
      if (!recorded) break
      if (opts.afterBatch) await opts.afterBatch((await getReplayRun(deps.db, runId))!)
      // Read again: a cancel that arrived during the batch stops the run here.
      run = await getReplayRun(deps.db, runId)
    }
    return DONE
  } catch (err) {
    if (opts.finalAttempt) {
      const error = { inboxId: '', reason: `gave up: ${errorMessage(err)}` }
      await failReplayRun(deps.db, runId, error, deps.clock.now()).catch(() => undefined)
    }
    throw err
  }
}

async function replayBatch(deps: NormalizeDeps, ids: readonly string[]) {
  let produced = 0
  const errors: ReplayError[] = []
  for (const id of ids) {
    try {
      const replayed = await replayInboxMessage(deps, id)
      if (!replayed) continue
      produced += replayed.newEvents.length
      if (replayed.result !== 'applied') {
        errors.push({ inboxId: id, reason: `${replayed.result}: ${replayed.reason ?? ''}` })
      }
    } catch (err) {
      errors.push({ inboxId: id, reason: errorMessage(err) })
    }
  }
  return { produced, errors }
}

/** Re-enqueues runs still queued or running (their jobs may be gone with a Redis restart). */
export async function resumeReplayRuns(deps: {
  readonly db: Kysely<Database>
  readonly queues: Queues
}): Promise<number> {
  const ids = await listUnfinishedReplayRuns(deps.db)
  for (const id of ids) await deps.queues.enqueueReplay(id)
  return ids.length
}

/** A run as the API shows it. */
export function replayRunView(r: ReplayRun) {
  return {
    id: r.id,
    status: r.status,
    filter: r.filter,
    total: r.total,
    processed: r.processed,
    producedEvents: r.produced_events,
    errorCount: r.error_count,
    errors: r.errors,
    requestedBy: r.requested_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }
}
