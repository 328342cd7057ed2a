import { EXPIRING_SHOWN_FOR_MS, listAccountAlerts } from '../../db/repos/account-alerts.js'
import {
  intakeByMinute,
  lastWebhookAt,
  latestFailedMessages,
} from '../../db/repos/intake-activity.js'
import { listOrderSync } from '../../db/repos/order-sync.js'
import type { InboxOutcome } from '../../db/schema.js'
import { errorMessage } from '../../errors.js'
import { readApiBudgetUse } from '../../metrics/api-budget.js'
import type { ConsoleDeps } from '../deps.js'
import { ago, duration, num, stamp } from '../format.js'
import { Panel } from '../layout.js'
import type { AccountWebhookCounts } from '../webhook-counts.js'

/** Failed messages listed under the table (the latest, whatever their account). */
const FAILED_SHOWN = 20
/** "Per minute" is the mean over this many whole minutes before the current one. */
const RATE_MINUTES = 5
/**
 * Accepted and failed are counted over this window: this panel refreshes every few seconds, and
 * its count reads every webhook of the window (the hour is the charts', every 30 s).
 */
const WINDOW_MINUTES = 10

export async function loadAccountsPanel(
  deps: ConsoleDeps,
  webhookCounts: (now: Date) => Promise<AccountWebhookCounts[]>,
) {
  const now = deps.clock.now()
  const accounts = deps.config.accounts
  const [intake, last, failed, alerts, syncs, budget, counts] = await Promise.all([
    intakeByMinute(deps.db, new Date(now.getTime() - WINDOW_MINUTES * 60_000)),
    lastWebhookAt(deps.db, accounts),
    latestFailedMessages(deps.db, FAILED_SHOWN),
    listAccountAlerts(deps.db, new Date(now.getTime() - EXPIRING_SHOWN_FOR_MS)),
    listOrderSync(deps.db),
    // The budget's counts live in Redis: without it the rest of the panel still shows.
    readApiBudgetUse(deps.redis.producer, deps.config.queues.prefix).catch(
      (err: unknown) => new Error(errorMessage(err)),
    ),
    webhookCounts(now),
  ])
  const currentMinute = Math.floor(now.getTime() / 60_000) * 60_000
  const rows = accounts.map((a) => {
    const key = `${a.channel}/${a.id}`
    const mine = intake.accounts.filter((m) => m.channel === a.channel && m.accountId === a.id)
    const recent = mine.filter((m) => {
      const t = m.minute.getTime()
      return t < currentMinute && t >= currentMinute - RATE_MINUTES * 60_000
    })
    const sync = syncs.find(
      (s) => s.channel === a.channel && s.account_id === a.id && s.kind === 'sync',
    )
    const use =
      budget instanceof Error
        ? []
        : budget.filter((u) => u.channel === a.channel && u.account === a.id)
    return {
      key,
      channel: a.channel,
      id: a.id,
      lastWebhook: last.get(key) ?? null,
      accepted: mine.reduce((n, m) => n + m.received, 0),
      failed: mine.reduce((n, m) => n + m.failed, 0),
      perMinute: recent.reduce((n, m) => n + m.received, 0) / RATE_MINUTES,
      watermark: sync?.watermark ?? null,
      synced: sync !== undefined,
      syncError: sync?.last_error ?? null,
      apiCalls: use.reduce((n, u) => n + u.calls, 0),
      throttled: use.reduce((n, u) => n + u.throttled, 0),
      budgetRefused: use.reduce((n, u) => n + u.refused, 0),
      alerts: alerts.filter((x) => x.channel === a.channel && x.accountId === a.id),
    }
  })
  return {
    now,
    rows,
    failed,
    counts,
    budgetError: budget instanceof Error ? budget.message : null,
  }
}

type Data = Awaited<ReturnType<typeof loadAccountsPanel>>

/** Why a message failed, from its inbox row's outcome. */
export function outcomeText(outcome: InboxOutcome | null): string {
  if (!outcome) return 'no reason recorded'
  if ('reason' in outcome) return outcome.reason
  if ('issues' in outcome) return outcome.issues.join('; ')
  return `${outcome.events} events`
}

export function AccountsPanel(props: { readonly data: Data }) {
  const { now, rows, failed, counts } = props.data
  return (
    <Panel name="accounts" title="Channel accounts" src="/console/panels/accounts" now={now}>
      <table data-testid="accounts-table">
        <thead>
          <tr>
            <th>Account</th>
            <th>Last webhook</th>
            <th class="n">Accepted, {WINDOW_MINUTES} min</th>
            <th class="n">Accepted / min</th>
            <th class="n">Failed, {WINDOW_MINUTES} min</th>
            <th>Order sync watermark</th>
            <th class="n">API calls</th>
            <th class="n">429s</th>
            <th class="n">Budget refused</th>
            <th>Alerts</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-testid={`account-${r.channel}-${r.id}`}>
              <td>{r.key}</td>
              <td data-testid="last-webhook" title={stamp(r.lastWebhook)}>
                {ago(r.lastWebhook, now)}
              </td>
              <td class="n" data-testid="accepted">
                {r.accepted}
              </td>
              <td class="n" data-testid="accepted-per-minute">
                {num(r.perMinute)}
              </td>
              <td class={r.failed > 0 ? 'n bad' : 'n'} data-testid="failed">
                {r.failed}
              </td>
              <td data-testid="watermark">
                {!r.synced
                  ? '–'
                  : r.watermark
                    ? `${duration((now.getTime() - r.watermark.getTime()) / 1000)} old`
                    : 'not yet'}
                {r.syncError ? <div class="bad">sync failing: {r.syncError}</div> : null}
              </td>
              <td class="n" data-testid="api-calls">
                {r.apiCalls}
              </td>
              <td class={r.throttled > 0 ? 'n warn' : 'n'} data-testid="throttled">
                {r.throttled}
              </td>
              <td class="n" data-testid="budget-refused">
                {r.budgetRefused}
              </td>
              <td data-testid="alerts">
                {r.alerts.map((a) => (
                  <div class="bad">
                    {a.kind}: {a.message} <small>({stamp(a.occurredAt)})</small>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        Accepted and failed: stored webhooks in PostgreSQL (every process); failed: the normalizer
        refused them; per minute: the mean of the last {RATE_MINUTES} whole minutes. API calls and
        429s: the shared API budget's counts in Redis, all processes, since Redis last lost them.
        {props.data.budgetError ? (
          <span class="bad"> API budget unavailable: {props.data.budgetError}</span>
        ) : null}
      </p>
      <h3>Answered by this process</h3>
      <table data-testid="webhook-counts">
        <thead>
          <tr>
            <th>Account</th>
            <th class="n">Received</th>
            <th class="n">Refused</th>
            <th class="n">Received / min</th>
            <th class="n">Refused / min</th>
            <th>Refusals</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((c) => (
            <tr data-testid={`webhook-counts-${c.channel}-${c.account || 'unknown'}`}>
              <td>
                {c.channel}/{c.account || <span class="muted">no such account</span>}
              </td>
              <td class="n" data-testid="received">
                {c.received}
              </td>
              <td class={c.refused > 0 ? 'n warn' : 'n'} data-testid="refused">
                {c.refused}
              </td>
              <td class="n">{num(c.receivedPerMinute)}</td>
              <td class="n">{num(c.refusedPerMinute)}</td>
              <td data-testid="refusals">
                {[
                  ...Object.entries(c.refusedBy).map(([k, v]) => `${k} ${v}`),
                  ...Object.entries(c.failureReasons).map(([k, v]) => `${k} ${v}`),
                ].join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        Refused webhooks are never stored, so they are counted only by the process that answered
        them: these are this process's counts since it started (behind a load balancer, each process
        sees its share). Per minute appears after a minute of refreshes.
      </p>
      <h3>Latest failed webhooks</h3>
      {failed.length === 0 ? (
        <p class="muted" data-testid="no-failures">
          None.
        </p>
      ) : (
        <table data-testid="failed-messages">
          <tbody>
            {failed.map((m) => (
              <tr data-testid={`failed-${m.id}`}>
                <td>{stamp(m.receivedAt)}</td>
                <td>
                  {m.channel}/{m.accountId}
                </td>
                <td>{m.topic}</td>
                <td class="bad" data-testid="reason">
                  {outcomeText(m.outcome)}
                </td>
                <td>
                  <a href={`/console/actions/replay-message?inboxId=${m.id}`}>replay #{m.id}…</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  )
}
