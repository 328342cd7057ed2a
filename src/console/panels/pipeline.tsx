import { consumerLag, consumersWithLag } from '../../db/repos/consumers.js'
import { backlogSnapshot } from '../../metrics/backlog.js'
import { subscriptionBacklog } from '../../metrics/delivery.js'
import { ActionButton } from '../actions/form.js'
import type { ConsoleDeps } from '../deps.js'
import { duration } from '../format.js'
import { Panel } from '../layout.js'

/** The same reads as `/metrics` (metrics/backlog.ts, delivery.ts, consumers.ts). */
export async function loadPipelinePanel(deps: ConsoleDeps) {
  const now = deps.clock.now()
  const [backlog, subscriptions, consumers] = await Promise.all([
    backlogSnapshot(deps.db, deps.clock),
    subscriptionBacklog(deps.db, now),
    consumersWithLag(deps.db),
  ])
  return {
    now,
    backlog,
    subscriptions,
    consumers: consumers.map((c) => ({ name: c.name, ...consumerLag(c, now) })),
  }
}

type Data = Awaited<ReturnType<typeof loadPipelinePanel>>

export function PipelinePanel(props: { readonly data: Data }) {
  const { now, backlog, subscriptions, consumers } = props.data
  return (
    <Panel name="pipeline" title="Pipeline" src="/console/panels/pipeline" now={now}>
      <table data-testid="backlog">
        <tbody>
          <tr>
            <th>Inbox backlog (stored, not yet normalized)</th>
            <td class="n" data-testid="inbox-backlog">
              {backlog.inboxUnprocessed}
            </td>
            <td data-testid="inbox-oldest">oldest {duration(backlog.inboxOldestSeconds)}</td>
          </tr>
          <tr>
            <th>Outbox lag (events not yet in the feed)</th>
            <td class="n" data-testid="outbox-unpublished">
              {backlog.outboxUnpublished}
            </td>
            <td data-testid="outbox-lag">oldest {duration(backlog.outboxLagSeconds)}</td>
          </tr>
          <tr>
            <th>Deliveries pending</th>
            <td class="n" data-testid="deliveries-pending">
              {backlog.deliveriesPending}
            </td>
            <td>feed position {backlog.feedPosition}</td>
          </tr>
        </tbody>
      </table>
      <h3>Subscribers</h3>
      {subscriptions.length === 0 ? (
        <p class="muted">No subscriptions.</p>
      ) : (
        <table data-testid="subscriptions">
          <thead>
            <tr>
              <th>Subscription</th>
              <th>Status</th>
              <th class="n">Pending</th>
              <th>Oldest</th>
              <th class="n">Retrying</th>
              <th>Last error</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {subscriptions.map((s) => (
              <tr data-testid={`subscription-${s.id}`}>
                <td>
                  {s.id}
                  <div class="muted">{s.url}</div>
                </td>
                <td
                  class={s.status === 'active' ? 'ok' : s.status === 'paused' ? 'warn' : 'bad'}
                  data-testid="status"
                >
                  {s.status}
                  {s.disabledReason ? <div>{s.disabledReason}</div> : null}
                </td>
                <td class="n" data-testid="pending">
                  {s.pending}
                </td>
                <td>{duration(s.oldestSeconds)}</td>
                <td class={s.retrying > 0 ? 'n bad' : 'n'} data-testid="retrying">
                  {s.retrying}
                </td>
                <td class="bad">{s.lastError ?? ''}</td>
                <td>
                  {s.status === 'active' || s.status === 'paused' ? (
                    <ActionButton
                      action={`${s.status === 'active' ? 'pause' : 'resume'}-subscription`}
                      field="subscription"
                      value={s.id}
                      testid={`${s.status === 'active' ? 'pause' : 'resume'}-${s.id}`}
                    >
                      {s.status === 'active' ? 'Pause…' : 'Resume…'}
                    </ActionButton>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {consumers.length === 0 ? null : (
        <>
          <h3>Named consumers</h3>
          <table data-testid="consumers">
            <tbody>
              {consumers.map((c) => (
                <tr data-testid={`consumer-${c.name}`}>
                  <td>{c.name}</td>
                  <td class="n">{c.events} events behind</td>
                  <td>oldest {duration(c.seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p class="note">From PostgreSQL at each refresh: the whole hub, every process.</p>
    </Panel>
  )
}
