import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { countInbox, type InboxSearchFilter } from '../db/repos/inbox-search.js'
import type { Database } from '../db/schema.js'
import { replayable } from './inbox-filter.js'

/**
 * How far back a message may be replayed: REPLAY_WINDOW_DAYS. A replay re-reads the stored
 * message and re-derives its events against the stored ones, so both must still be there; the
 * configuration refuses a retention shorter than the window (src/config/index.ts).
 */
export interface ReplayWindowDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly config: { readonly lifecycle: { readonly replayWindowDays: number } }
}

/** The earliest receipt time a replay accepts now. */
export function replayWindowStart(deps: Omit<ReplayWindowDeps, 'db'>): Date {
  return new Date(deps.clock.now().getTime() - deps.config.lifecycle.replayWindowDays * 86_400_000)
}

const windowText = (deps: ReplayWindowDeps, start: Date) =>
  `the replay window (REPLAY_WINDOW_DAYS=${deps.config.lifecycle.replayWindowDays}: received since ${start.toISOString()})`

/**
 * Why the message cannot be replayed (received before the window), or undefined. A redacted
 * message is left to the replay's own refusal, whatever its age: its body is gone, which is the
 * reason that stays true.
 */
export async function messageOutsideWindow(
  deps: ReplayWindowDeps,
  id: string,
): Promise<string | undefined> {
  const start = replayWindowStart(deps)
  const row = await deps.db
    .selectFrom('inbox_message')
    .select(['received_at', 'redacted_at'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row || row.redacted_at || row.received_at >= start) return undefined
  return `message ${id} was received at ${row.received_at.toISOString()}, outside ${windowText(deps, start)}: it cannot be replayed`
}

/**
 * Why a filtered replay cannot run: it matches messages it would replay (redacted ones are skipped
 * anyway) received before the window (counted), or undefined. Refused whole rather than trimmed, so a run never does less than it was asked to
 * without saying so.
 */
export async function filterOutsideWindow(
  deps: ReplayWindowDeps,
  filter: InboxSearchFilter,
): Promise<string | undefined> {
  const start = replayWindowStart(deps)
  const to = filter.to && filter.to < start ? filter.to : start
  if (filter.from && filter.from >= to) return undefined
  const { count } = await countInbox(deps.db, replayable({ ...filter, to }))
  if (count === 0) return undefined
  return `${count} matching message(s) were received before ${start.toISOString()}, outside ${windowText(deps, start)}; set "from" to that time or later`
}
