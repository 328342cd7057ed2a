import type { Kysely } from 'kysely'
import { listInboxEvents } from '../db/repos/inbox-search.js'
import { redactionOf } from '../db/repos/personal-data.js'
import type { Database, InboxOutcome, InboxStatus } from '../db/schema.js'
import { errorMessage } from '../errors.js'
import { normalizeInboxItem, type NormalizeDeps } from '../pipeline/normalize-inbox-item.js'
import type { StepResult } from '../pipeline/step-result.js'
import { ChannelApiError } from '../../connectors/index.js'

/**
 * `applied`: normalized (or ignored) and applied; `failed`: the current normalizer rejects it
 * (see `reason`, the row's outcome has the issues); `deferred`: the channel's API could not
 * hydrate it now (rate limit, outage, refused credentials): nothing changed, try again later.
 */
export type ReplayResult = 'applied' | 'failed' | 'deferred'

export interface ReplayedMessage<R extends string = ReplayResult> {
  readonly id: string
  readonly statusBefore: InboxStatus
  readonly statusAfter: InboxStatus
  readonly result: R
  readonly reason: string | null
  readonly outcome: InboxOutcome | null
  /** Events this replay appended; empty when everything it produced was already in the outbox. */
  readonly newEvents: readonly {
    readonly id: string
    readonly type: string
    readonly subject: string
  }[]
}

/**
 * A replay refused because the message's buyer personal data was redacted (by age or by an
 * erasure): its body is no longer what the channel sent, and normalizing it again would write
 * the marker over the order's stored state.
 */
export class RedactedMessageError extends Error {
  constructor(
    readonly inboxId: string,
    readonly redactedAt: Date,
  ) {
    super(
      `message ${inboxId} cannot be replayed: its personal data was redacted at ${redactedAt.toISOString()} (PII_REDACT_AFTER_DAYS or an erasure), so its body is no longer what the channel sent`,
    )
  }
}

/** Throws {@link RedactedMessageError} for a redacted message. */
export async function refuseRedacted(db: Kysely<Database>, id: string): Promise<void> {
  const redacted = (await redactionOf(db, id))?.redactedAt
  if (redacted) throw new RedactedMessageError(id, redacted)
}

/**
 * Re-runs one stored message through the current normalizer and applies it, whatever its status
 * (see `normalizeInboxItem`'s `replay`). Runs inline, hydrating through the channel's API as the
 * worker would: an operator replaying one message wants the answer now, and the inbox row lock
 * keeps it from racing a worker on the same message. Undefined when there is no such message;
 * throws {@link RedactedMessageError} for a redacted one.
 */
export async function replayInboxMessage(
  deps: NormalizeDeps,
  id: string,
): Promise<ReplayedMessage | undefined> {
  await refuseRedacted(deps.db, id)
  return observeReplay(deps.db, id, async () => {
    try {
      return replayResult(await normalizeInboxItem(deps, id, { finalAttempt: false, replay: true }))
    } catch (err) {
      // A transient or credentials fault of the channel's API; nothing was written.
      if (!(err instanceof ChannelApiError)) throw err
      return { result: 'deferred', reason: `hydration failed (${err.kind}): ${errorMessage(err)}` }
    }
  })
}

/** What a replay's step result means to the operator. */
export function replayResult(step: StepResult): { result: ReplayResult; reason: string | null } {
  switch (step.kind) {
    case 'done':
      return { result: 'applied', reason: null }
    case 'permanent':
      return { result: 'failed', reason: step.reason }
    case 'retry':
    case 'later':
      return { result: 'deferred', reason: step.reason }
  }
}

/**
 * Runs `replay` on a message and reports its status before and after and the events it added,
 * all read through `db`: the real replay reads committed state, the dry run reads its own
 * transaction (see `predictReplay`), so both report the same thing the same way.
 */
export async function observeReplay<R extends string>(
  db: Kysely<Database>,
  id: string,
  replay: () => Promise<{ result: R; reason: string | null }>,
): Promise<ReplayedMessage<R> | undefined> {
  const before = await statusOf(db, id)
  if (!before) return undefined
  const known = new Set((await listInboxEvents(db, id)).map((e) => e.id))
  const { result, reason } = await replay()
  const after = (await statusOf(db, id)) ?? before
  const newEvents = (await listInboxEvents(db, id))
    .filter((e) => !known.has(e.id))
    .map((e) => ({ id: e.id, type: e.type, subject: e.subject }))
  return {
    id,
    statusBefore: before.status,
    statusAfter: after.status,
    result,
    reason,
    outcome: after.outcome,
    newEvents,
  }
}

function statusOf(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('inbox_message')
    .select(['status', 'outcome'])
    .where('id', '=', id)
    .executeTakeFirst()
}
