import { sql, type Kysely } from 'kysely'
import type { Database, ReplayError, ReplayRun, ReplayRunStatus } from '../schema.js'

/** At most this many errors are kept on a run (the count goes on). */
export const MAX_KEPT_ERRORS = 100

export interface NewReplayRun {
  readonly id: string
  readonly filter: Readonly<Record<string, unknown>>
  readonly total: number
  readonly maxInboxId: string
  readonly requestedBy: string
  /** A run with nothing to do is created `completed`. */
  readonly status: Extract<ReplayRunStatus, 'queued' | 'completed'>
}

export function insertReplayRun(db: Kysely<Database>, run: NewReplayRun): Promise<ReplayRun> {
  return db
    .insertInto('replay_run')
    .values({
      id: run.id,
      filter: JSON.stringify(run.filter),
      status: run.status,
      total: run.total,
      max_inbox_id: run.maxInboxId,
      requested_by: run.requestedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function getReplayRun(db: Kysely<Database>, id: string): Promise<ReplayRun | undefined> {
  return db.selectFrom('replay_run').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Marks a queued run running; the run as it now is (a cancelled or finished one unchanged). */
export function startReplayRun(db: Kysely<Database>, id: string, at: Date) {
  return moveReplayRun(db, id, ['queued'], 'running', at)
}

/** Moves a run from one of `from` to `to`; the run as it now is (unchanged if it was elsewhere). */
async function moveReplayRun(
  db: Kysely<Database>,
  id: string,
  from: readonly ReplayRun['status'][],
  to: ReplayRun['status'],
  at: Date,
): Promise<ReplayRun | undefined> {
  await db
    .updateTable('replay_run')
    .set({ status: to, updated_at: at })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .execute()
  return getReplayRun(db, id)
}

export interface BatchProgress {
  readonly fromCursor: string
  readonly toCursor: string
  readonly processed: number
  readonly producedEvents: number
  readonly errors: readonly ReplayError[]
  /** The batch was the last one: the run is complete. */
  readonly finished: boolean
  readonly at: Date
}

/**
 * Records one batch, only if the run is still running from the cursor the batch started at: a
 * cancelled run keeps its counts, and a second processor of the same run (a job redelivered while
 * the first still ran) cannot count a batch twice. False when the batch was not recorded.
 */
export async function recordReplayBatch(
  db: Kysely<Database>,
  id: string,
  p: BatchProgress,
): Promise<boolean> {
  const updated = await db
    .updateTable('replay_run')
    .set((eb) => ({
      cursor: p.toCursor,
      processed: eb('processed', '+', p.processed),
      produced_events: eb('produced_events', '+', p.producedEvents),
      error_count: eb('error_count', '+', p.errors.length),
      errors: sql<string>`(
        select coalesce(jsonb_agg(e), '[]'::jsonb) from (
          select e from jsonb_array_elements(errors || ${JSON.stringify(p.errors)}::jsonb) e
          limit ${MAX_KEPT_ERRORS}
        ) kept
      )`,
      status: p.finished ? 'completed' : 'running',
      updated_at: p.at,
    }))
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('cursor', '=', p.fromCursor)
    .executeTakeFirst()
  return updated.numUpdatedRows > 0n
}

/** Stops a queued or running run; the batch in progress finishes and is not recorded. */
export function cancelReplayRun(db: Kysely<Database>, id: string, at: Date) {
  return moveReplayRun(db, id, ['queued', 'running'], 'cancelled', at)
}

export async function failReplayRun(
  db: Kysely<Database>,
  id: string,
  error: ReplayError,
  at: Date,
): Promise<void> {
  await db
    .updateTable('replay_run')
    .set((eb) => ({
      status: 'failed',
      error_count: eb('error_count', '+', 1),
      errors: sql<string>`errors || ${JSON.stringify([error])}::jsonb`,
      updated_at: at,
    }))
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute()
}

/** Runs not finished, oldest first (to re-enqueue after Redis lost their jobs). */
export async function listUnfinishedReplayRuns(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('replay_run')
    .select('id')
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .execute()
  return rows.map((r) => r.id)
}
