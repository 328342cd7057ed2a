import {
  INBOX_ID,
  RedactedMessageError,
  messageOutsideWindow,
  predictReplay,
  replayInboxMessage,
} from '../../admin/index.js'
import { getInboxMessage } from '../../db/repos/inbox-search.js'
import { defineAction } from './action.js'
import { PredictionView } from './replay-prediction.js'

/** Replays one stored webhook now, as `POST /v1/admin/inbox/:id/replay` does. */
export const replayMessage = defineAction<{ readonly inboxId: string }>({
  name: 'replay-message',
  title: 'Replay one stored webhook',
  confirmLabel: 'Replay it now',
  fields: [
    {
      name: 'inboxId',
      label: 'Inbox message id',
      hint: 'Runs it through the current normalizer and applies it; idempotent.',
    },
  ],
  async check(deps, values) {
    const inboxId = values.inboxId ?? ''
    if (!INBOX_ID.test(inboxId))
      return { ok: false, errors: { inboxId: 'must be an inbox message id (digits)' } }
    const message = await getInboxMessage(deps.db, inboxId)
    if (!message) return { ok: false, errors: { inboxId: `no stored webhook has id ${inboxId}` } }
    if (message.redacted_at)
      return {
        ok: false,
        errors: {
          inboxId: `its personal data was redacted at ${message.redacted_at.toISOString()}: the body is no longer what the channel sent, so it is not replayed`,
        },
      }
    const tooOld = await messageOutsideWindow(deps, inboxId)
    if (tooOld) return { ok: false, errors: { inboxId: tooOld } }
    return { ok: true, input: { inboxId } }
  },
  async preview(deps, { inboxId }) {
    const [prediction] = await predictReplay(deps, [inboxId])
    return (
      <>
        <p class="note">
          From a dry run: the replay run in a transaction that was rolled back (a thin webhook is
          not hydrated in the dry run; the real replay calls the channel's API).
        </p>
        {prediction ? <PredictionView prediction={prediction} /> : <p>No such message.</p>}
      </>
    )
  },
  async perform(deps, { inboxId }) {
    let replayed
    try {
      replayed = await replayInboxMessage(deps, inboxId)
    } catch (err) {
      // Redacted since the form was checked.
      if (!(err instanceof RedactedMessageError)) throw err
      return {
        ok: false,
        status: 409,
        message: err.message,
        audit: { inboxId, result: 'redacted' },
      }
    }
    if (!replayed)
      return {
        ok: false,
        status: 409,
        message: `Message #${inboxId} no longer exists.`,
        audit: { inboxId, result: 'missing' },
      }
    const audit = {
      inboxId,
      statusBefore: replayed.statusBefore,
      statusAfter: replayed.statusAfter,
      result: replayed.result,
      newEvents: replayed.newEvents.length,
    }
    return {
      ok: replayed.result !== 'deferred',
      status: replayed.result === 'deferred' ? 503 : 200,
      audit,
      message: (
        <>
          Replayed message #{inboxId}: <strong data-testid="result">{replayed.result}</strong>,{' '}
          {replayed.statusBefore} → {replayed.statusAfter}, {replayed.newEvents.length} new event(s)
          {replayed.reason ? ` (${replayed.reason})` : ''}.
          {replayed.result === 'deferred' ? ' Nothing changed; try again later.' : ''}
        </>
      ),
    }
  },
})
