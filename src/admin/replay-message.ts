import { listInboxEvents } from '../db/repos/inbox-search.js'
import type { InboxStatus } from '../db/schema.js'
import { errorMessage } from '../errors.js'
import { normalizeInboxItem, type NormalizeDeps } from '../pipeline/normalize-inbox-item.js'
import { ChannelApiError } from '../../connectors/index.js'

export interface ReplayedMessage {
  readonly id: string
  readonly statusBefore: InboxStatus
  readonly statusAfter: InboxStatus
  /**
   * `applied`: normalized (or ignored) and applied; `failed`: the current normalizer rejects it
   * (see `reason`, the row's outcome has the issues); `deferred`: the channel's API could not
   * hydrate it now (rate limit, outage, refused credentials): nothing changed, try again later.
   */
  readonly result: 'applied' | 'failed' | 'deferred'
  readonly reason: string | null
  readonly outcome: unknown
  /** Events this replay appended; empty when everything it produced was already in the outbox. */
  readonly newEvents: readonly {
    readonly id: string
    readonly type: string
    readonly subject: string
  }[]
}

/**
 * Re-runs one stored message through the current normalizer and applies it, whatever its status
 * (see `normalizeInboxItem`'s `replay`). Runs inline, hydrating through the channel's API as the
 * worker would: an operator replaying one message wants the answer now, and the inbox row lock
 * keeps it from racing a worker on the same message. Undefined when there is no such message.
 */
export async function replayInboxMessage(
  deps: NormalizeDeps,
  id: string,
): Promise<ReplayedMessage | undefined> {
  const before = await statusOf(deps, id)
  if (!before) return undefined
  const known = new Set((await listInboxEvents(deps.db, id)).map((e) => e.id))
  let result: ReplayedMessage['result'] = 'applied'
  let reason: string | null = null
  try {
    const step = await normalizeInboxItem(deps, id, { finalAttempt: false, replay: true })
    switch (step.kind) {
      case 'done':
        break
      case 'permanent':
        result = 'failed'
        reason = step.reason
        break
      case 'retry':
      case 'later':
        result = 'deferred'
        reason = step.reason
        break
    }
  } catch (err) {
    // A transient or credentials fault of the channel's API; nothing was written.
    if (!(err instanceof ChannelApiError)) throw err
    result = 'deferred'
    reason = `hydration failed (${err.kind}): ${errorMessage(err)}`
  }
  const after = (await statusOf(deps, id)) ?? before
  const newEvents = (await listInboxEvents(deps.db, id))
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

function statusOf(deps: NormalizeDeps, id: string) {
  return deps.db
    .selectFrom('inbox_message')
    .select(['status', 'outcome'])
    .where('id', '=', id)
    .executeTakeFirst()
}
