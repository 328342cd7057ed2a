import {
  InboxFilter,
  createReplayRun,
  filterOutsideWindow,
  previewReplay,
  toSearchFilter,
} from '../../admin/index.js'
import { CHANNEL_IDS } from '../../events/index.js'
import { defineAction, fieldErrors } from './action.js'
import { PredictionView } from './replay-prediction.js'

const STATUSES = InboxFilter.shape.status.unwrap().options

/**
 * A bulk replay of every stored webhook matching a filter, as `POST /v1/admin/replays` does: the
 * review shows its dry run (how many match, what the first ten would become).
 */
export const replayFilter = defineAction<InboxFilter>({
  name: 'replay-filter',
  title: 'Replay stored webhooks matching a filter',
  confirmLabel: 'Start the replay run',
  fields: [
    { name: 'channel', label: 'Channel', options: CHANNEL_IDS },
    { name: 'account', label: 'Account id' },
    { name: 'status', label: 'Status', options: STATUSES },
    {
      name: 'from',
      label: 'Received from (inclusive)',
      hint: 'ISO 8601 with an offset, e.g. 2026-12-05T09:00:00Z',
    },
    { name: 'to', label: 'Received before', hint: 'ISO 8601 with an offset' },
    { name: 'orderId', label: "Channel's order id" },
    { name: 'sku', label: 'SKU' },
  ],
  async check(deps, values) {
    // An empty field means "any", as a missing query parameter does in the API.
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''))
    const parsed = InboxFilter.safeParse(given)
    if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error.issues, 'filter') }
    const tooOld = await filterOutsideWindow(deps, toSearchFilter(parsed.data))
    return tooOld ? { ok: false, errors: { from: tooOld } } : { ok: true, input: parsed.data }
  },
  async preview(deps, filter) {
    const preview = await previewReplay(deps, toSearchFilter(filter))
    return (
      <>
        <p data-testid="matching">
          <strong>{preview.matching}</strong> stored webhook(s) match
          {Object.keys(filter).length === 0 ? ' (no filter: every stored webhook)' : ''}. They are
          replayed oldest first, in the background, in batches.
          {preview.skippedRedacted > 0
            ? ` ${preview.skippedRedacted} more match but are skipped: their personal data was redacted.`
            : ''}
        </p>
        {preview.previews.length === 0 ? null : (
          <>
            <p class="note">
              The first {preview.previews.length}, from a dry run rolled back (thin webhooks not
              hydrated):
            </p>
            {preview.previews.map((p) => (
              <PredictionView prediction={p} />
            ))}
          </>
        )}
      </>
    )
  },
  async perform(deps, filter, actor) {
    const run = await createReplayRun(deps, filter, actor)
    return {
      ok: true,
      status: 200,
      audit: { filter, runId: run.id, matching: run.total },
      message: (
        <>
          Replay run{' '}
          <a href={`/console/replays/${run.id}`} data-testid="run-link">
            {run.id}
          </a>{' '}
          {run.status}: {run.total} message(s).
        </>
      ),
    }
  },
})
