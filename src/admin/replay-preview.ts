import { sql, type Kysely } from 'kysely'
import {
  countInbox,
  listInboxEvents,
  nextInboxIds,
  type InboxSearchFilter,
} from '../db/repos/inbox-search.js'
import type { Database } from '../db/schema.js'
import { errorMessage } from '../errors.js'
import { normalizeLocked, type NormalizeDeps } from '../pipeline/normalize-inbox-item.js'
import { replayable } from './inbox-filter.js'
import { diffJson, type JsonDiff } from './json-diff.js'
import {
  observeReplay,
  refuseRedacted,
  replayResult,
  type ReplayedMessage,
  type ReplayResult,
} from './replay-message.js'

export const DRY_RUN_SAMPLE = 10
/** A dry run never waits long behind a worker holding the same message or order. */
const DRY_RUN_LOCK_TIMEOUT = '5s'

/**
 * What the replay would do with one message: exactly the report a replay gives
 * (`replayInboxMessage`), with two outcomes of its own: `needs-hydration` (a thin webhook: the
 * normalizer needs the channel's API, which a dry run does not call) and `error` (the replay
 * would throw; a run lists it in its errors). Each new event that takes the place of one the
 * message produced before (same subject, same kind) says what changed in its data.
 */
export type MessagePrediction =
  | (ReplayedMessage<ReplayResult | 'needs-hydration'> & {
      readonly newEvents: readonly PredictedEvent[]
    })
  | { readonly id: string; readonly result: 'error'; readonly reason: string }

export interface PredictedEvent {
  readonly id: string
  readonly type: string
  readonly subject: string
  /** The event of this message it supersedes and the change, or null for a new subject. */
  readonly supersedes: {
    readonly id: string
    readonly type: string
    readonly diff: JsonDiff
  } | null
}

/**
 * A bulk replay's dry run: how many messages match (and how many more match but are skipped, their
 * personal data being redacted: see `replayable`), and for the first ten a run would replay (its
 * order: oldest first) what it will do with them. The prediction comes from the replay's own
 * code: the same step (`normalizeLocked`, with `replay`) runs for each message in one transaction
 * that is then rolled back, each message after the ones before it as in a run, so the prediction
 * is what a run started now does with these messages (unless webhooks about the same orders
 * arrive in between). Thin webhooks are not hydrated. Nothing is written or published.
 */
export async function previewReplay(
  deps: Pick<NormalizeDeps, 'db' | 'clock' | 'log' | 'config'>,
  filter: InboxSearchFilter,
) {
  const replayed = replayable(filter)
  const { count, maxId } = await countInbox(deps.db, replayed)
  const redacted = await countInbox(deps.db, { ...filter, redacted: true })
  const sample =
    maxId === null
      ? []
      : await nextInboxIds(deps.db, replayed, { afterId: '0', maxId, limit: DRY_RUN_SAMPLE })
  const previews = await predictReplay(deps, sample)
  return { matching: count, skippedRedacted: redacted.count, sample, previews }
}

class RollBack extends Error {
  constructor(readonly predictions: MessagePrediction[]) {
    super('dry run: rolled back')
  }
}

/** Replays `ids` in order inside a transaction that is always rolled back. */
export async function predictReplay(
  deps: Pick<NormalizeDeps, 'db' | 'clock' | 'log' | 'config'>,
  ids: readonly string[],
): Promise<MessagePrediction[]> {
  if (ids.length === 0) return []
  const step = { clock: deps.clock, config: deps.config, log: deps.log.child({ dryRun: true }) }
  try {
    await deps.db.transaction().execute(async (trx) => {
      await sql`set local lock_timeout = ${sql.lit(DRY_RUN_LOCK_TIMEOUT)}`.execute(trx)
      const predictions: MessagePrediction[] = []
      for (const id of ids) {
        // A savepoint per message: one that fails is undone alone, as a run goes on past it.
        await sql`savepoint replay_dry_run`.execute(trx)
        try {
          const predicted = await predictOne(trx, step, id)
          if (predicted) predictions.push(predicted)
          await sql`release savepoint replay_dry_run`.execute(trx)
        } catch (err) {
          await sql`rollback to savepoint replay_dry_run`.execute(trx)
          predictions.push({ id, result: 'error', reason: errorMessage(err) })
        }
      }
      throw new RollBack(predictions)
    })
  } catch (err) {
    if (err instanceof RollBack) return err.predictions
    throw err
  }
  throw new Error('unreachable: a dry run always rolls back')
}

async function predictOne(
  trx: Kysely<Database>,
  step: Pick<NormalizeDeps, 'clock' | 'log' | 'config'>,
  id: string,
): Promise<MessagePrediction | undefined> {
  await refuseRedacted(trx, id)
  const before = await listInboxEvents(trx, id)
  const replayed = await observeReplay(trx, id, async () => {
    const pass = await normalizeLocked(trx, step, id, undefined, true, undefined)
    if (pass.kind !== 'hydrate') return replayResult(pass)
    const reason =
      'a thin webhook: the normalizer needs the channel API, which a dry run does not call'
    return { result: 'needs-hydration' as const, reason }
  })
  if (!replayed) return undefined
  if (replayed.newEvents.length === 0) return { ...replayed, newEvents: [] }
  const after = new Map((await listInboxEvents(trx, id)).map((e) => [e.id, e] as const))
  const newEvents = replayed.newEvents.map((e): PredictedEvent => {
    const old = before.findLast((b) => b.subject === e.subject && family(b.type) === family(e.type))
    if (!old) return { ...e, supersedes: null }
    const diff = diffJson(dataOf(old.envelope), dataOf(after.get(e.id)?.envelope))
    return { ...e, supersedes: { id: old.id, type: old.type, diff } }
  })
  return { ...replayed, newEvents }
}

/** Order events of one order replace each other (a created can come back as an updated). */
function family(type: string): string {
  return type.startsWith('order.') && type !== 'order.returned.v1' ? 'order' : type
}

function dataOf(envelope: unknown): unknown {
  return (envelope as { data?: unknown } | undefined)?.data ?? null
}
