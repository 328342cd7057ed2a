import { replayRunView } from '../../admin/index.js'
import type { ReplayRun } from '../../db/schema.js'
import { Page } from '../layout.js'

/** A bulk replay's progress (as `GET /v1/admin/replays/:id`), refreshed with the page. */
export function ReplayRunPage(props: { readonly run: ReplayRun }) {
  const run = replayRunView(props.run)
  return (
    <Page title={`Replay run ${run.id}`}>
      <section class="card" data-testid="replay-run">
        <table>
          <tbody>
            <tr>
              <th>Status</th>
              <td data-testid="run-status">{run.status}</td>
            </tr>
            <tr>
              <th>Progress</th>
              <td data-testid="run-progress">
                {run.processed} of {run.total} messages, {run.producedEvents} new events,{' '}
                {run.errorCount} errors
              </td>
            </tr>
            <tr>
              <th>Filter</th>
              <td>
                <pre>{JSON.stringify(run.filter, null, 2)}</pre>
              </td>
            </tr>
            <tr>
              <th>Requested by</th>
              <td>
                {run.requestedBy} at {run.createdAt}
              </td>
            </tr>
          </tbody>
        </table>
        {run.errors.length === 0 ? null : (
          <ul data-testid="run-errors">
            {run.errors.map((e) => (
              <li>
                #{e.inboxId}: {e.reason}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  )
}
