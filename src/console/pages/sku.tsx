import { readItem } from '../../db/repos/inventory.js'
import { searchInbox } from '../../db/repos/inbox-search.js'
import { listListings } from '../../db/repos/listings.js'
import { HISTORY_SINCE_MS, skuHistoryWithSeries } from '../../lineage/index.js'
import { ActionButton } from '../actions/form.js'
import type { ConsoleDeps } from '../deps.js'
import { stamp } from '../format.js'
import { Page } from '../layout.js'
import { outcomeText } from '../panels/accounts.js'
import { SkuChart } from '../panels/sku-chart.js'
import { Timeline } from '../panels/timeline.js'

const MESSAGES_SHOWN = 20
const HISTORY_SHOWN = 100

/**
 * A SKU's stock, its listings with what each was sent and reported and why, the latest webhooks
 * about it, and its history in the week up to `until` (default: now).
 */
export async function loadSkuPage(deps: ConsoleDeps, sku: string, until?: Date) {
  const end = until ?? deps.clock.now()
  const window = {
    since: new Date(end.getTime() - HISTORY_SINCE_MS),
    until: end,
    limit: HISTORY_SHOWN,
  }
  const [item, listings, messages, read] = await Promise.all([
    readItem(deps.db, sku),
    listListings(deps.db, { sku }),
    searchInbox(deps.db, { sku }, { limit: MESSAGES_SHOWN }),
    skuHistoryWithSeries(deps, sku, window),
  ])
  if (!item && listings.length === 0 && messages.length === 0) return undefined
  const { history, series } = read ?? { history: undefined, series: { ats: [], pushed: [] } }
  return { sku, item, listings, messages, history, series, window }
}

type Data = NonNullable<Awaited<ReturnType<typeof loadSkuPage>>>

export function SkuPage(props: { readonly data: Data }) {
  const { sku, item, listings, messages, history, series, window } = props.data
  return (
    <Page title={`SKU ${sku}`}>
      <section class="card" data-testid="sku-stock">
        <h2>Stock</h2>
        {item ? (
          <table>
            <tbody>
              <tr>
                <th>On hand</th>
                <td class="n" data-testid="on-hand">
                  {item.on_hand_known ? item.on_hand : `${item.on_hand} (not known yet)`}
                </td>
                <td class="muted">as of {stamp(item.on_hand_as_of)}</td>
              </tr>
              <tr>
                <th>Reserved</th>
                <td class="n" data-testid="reserved">
                  {item.reserved}
                </td>
                <td></td>
              </tr>
              <tr>
                <th>Safety stock</th>
                <td class="n">{item.safety_stock}</td>
                <td></td>
              </tr>
              <tr>
                <th>Available to sell</th>
                <td class="n" data-testid="ats">
                  {item.ats}
                </td>
                <td class="muted">changed {stamp(item.ats_changed_at)}</td>
              </tr>
            </tbody>
          </table>
        ) : (
          <p class="muted">No inventory row yet: no level or adjustment has been recorded.</p>
        )}
        <ActionButton action="reconcile-sku" field="sku" value={sku} testid="reconcile">
          Reconcile this SKU…
        </ActionButton>
      </section>
      <section class="card" data-testid="sku-listings">
        <h2>Listings</h2>
        <table>
          <thead>
            <tr>
              <th>Listing</th>
              <th class="n">Last pushed</th>
              <th>Push</th>
              <th class="n">Channel reported</th>
              <th class="n">Last check</th>
              <th class="n">Drift</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {listings.map((l) => (
              <tr data-testid={`listing-${l.id}`}>
                <td>
                  {l.channel}/{l.account_id} <span class="muted">#{l.id}</span>
                  {l.channel_sku ? <div class="muted">channel SKU {l.channel_sku}</div> : null}
                </td>
                <td class="n" data-testid="pushed">
                  {l.last_pushed_quantity ?? '–'}
                  <div class="muted">{stamp(l.last_pushed_at)}</div>
                </td>
                <td class={l.last_push_status === 'failed' ? 'bad' : ''} data-testid="push-status">
                  {l.last_push_status ?? 'never'}
                  {l.last_push_error ? <div>{l.last_push_error}</div> : null}
                </td>
                <td class="n" data-testid="reported">
                  {l.last_reported_quantity ?? '–'}
                  <div class="muted">{stamp(l.last_reported_at)}</div>
                </td>
                <td class="n" data-testid="checked">
                  {l.last_checked_quantity ?? '–'}
                  <div class="muted">{stamp(l.last_checked_at)}</div>
                </td>
                <td class={l.last_drift ? 'n bad' : 'n'} data-testid="drift">
                  {l.last_drift ?? '–'}
                </td>
                <td>
                  <ActionButton
                    action="retry-push"
                    field="listing"
                    value={l.id}
                    testid={`retry-push-${l.id}`}
                  >
                    Push again…
                  </ActionButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <SkuChart series={series} since={window.since} until={window.until} />
      {history && history.listings.length > 0 ? (
        <section class="card" data-testid="sku-explanations">
          <h2>Why each listing shows what it does</h2>
          <ul>
            {history.listings.map((l) => (
              <li data-testid={`explanation-${l.listing.id}`}>{l.summary}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section class="card" data-testid="sku-messages">
        <h2>Latest webhooks about {sku}</h2>
        <MessageTable messages={messages} />
      </section>
      <Timeline
        entries={history?.entries ?? []}
        sku={sku}
        more={
          history?.next ? (
            <a href={`/console/skus/${encodeURIComponent(sku)}?until=${history.next}`}>
              Older entries
            </a>
          ) : undefined
        }
      />
    </Page>
  )
}

/** Stored webhooks, newest first, each with a replay button. */
export function MessageTable(props: {
  readonly messages: Awaited<ReturnType<typeof searchInbox>>
  readonly events?: ReadonlyMap<
    string,
    readonly { id: string; type: string; position: string | null }[]
  >
}) {
  if (props.messages.length === 0) return <p class="muted">None stored.</p>
  return (
    <table data-testid="messages">
      <tbody>
        {props.messages.map((m) => (
          <tr data-testid={`message-${m.id}`}>
            <td>#{m.id}</td>
            <td>{stamp(m.received_at)}</td>
            <td>
              {m.channel}/{m.account_id} {m.topic}
            </td>
            <td class={m.status === 'failed' ? 'bad' : ''} data-testid="status">
              {m.status}
              {m.status === 'failed' || m.status === 'ignored' ? (
                <div>{outcomeText(m.outcome)}</div>
              ) : null}
            </td>
            {props.events ? (
              <td data-testid="events">
                {(props.events.get(m.id) ?? []).map((e) => (
                  <div>
                    {e.type}{' '}
                    <span class="muted">
                      {e.id}
                      {e.position ? ` @${e.position}` : ' (unpublished)'}
                    </span>
                  </div>
                ))}
              </td>
            ) : null}
            <td>
              <ActionButton
                action="replay-message"
                field="inboxId"
                value={m.id}
                testid={`replay-${m.id}`}
              >
                Replay…
              </ActionButton>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
