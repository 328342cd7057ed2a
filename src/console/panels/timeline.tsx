import type { Child } from 'hono/jsx'
import type { HistoryEntry } from '../../lineage/index.js'
import { stamp } from '../format.js'

interface ConsoleLink {
  readonly label: string
  readonly href: string
}

/**
 * The console pages an entry's ids lead to. The entries' own `links` are admin API paths, which
 * take the Bearer token a browser does not send, so they are shown as text to copy; these are
 * the pages and actions an operator can follow from here.
 */
function consoleLinks(entry: HistoryEntry, self: { readonly sku?: string }): ConsoleLink[] {
  const { ids, links } = entry
  const found: ConsoleLink[] = []
  if (ids.sku && ids.sku !== self.sku)
    found.push({ label: `SKU ${ids.sku}`, href: `/console/skus/${encodeURIComponent(ids.sku)}` })
  // An order named in a SKU's history: its history link carries the channel and account.
  const order = links.orderHistory?.match(/^\/v1\/admin\/orders\/([^/]+\/[^/]+\/[^/]+)\/history$/)
  if (order)
    found.push({ label: `order ${ids.order ?? ''}`.trim(), href: `/console/orders/${order[1]}` })
  if (ids.inbox && entry.kind === 'webhook')
    found.push({
      label: 'replay…',
      href: `/console/actions/replay-message?inboxId=${encodeURIComponent(ids.inbox)}`,
    })
  return found
}

/**
 * An order's or a SKU's history, oldest first (src/lineage): each step with its time, kind, the
 * lineage's sentence, the ids involved, and where to go next.
 */
export function Timeline(props: {
  readonly entries: readonly HistoryEntry[]
  /** The page's own SKU, not linked to itself. */
  readonly sku?: string
  /** Shown under the list when the history was cut (what was left out, a link to older entries). */
  readonly more?: Child
}) {
  const self = props.sku === undefined ? {} : { sku: props.sku }
  return (
    <section class="card" data-testid="timeline">
      <h2>Timeline</h2>
      {props.entries.length === 0 ? (
        <p class="muted" data-testid="timeline-empty">
          Nothing recorded in this window.
        </p>
      ) : (
        <ol class="timeline">
          {props.entries.map((e) => (
            <li data-testid="timeline-entry" data-kind={e.kind}>
              <time datetime={e.at}>{stamp(new Date(e.at))}</time> <strong>{e.kind}</strong>{' '}
              {e.summary}{' '}
              {consoleLinks(e, self).map((l) => (
                <a href={l.href}>{l.label}</a>
              ))}{' '}
              <span class="muted ids">
                {Object.entries(e.ids)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(' · ')}
              </span>
            </li>
          ))}
        </ol>
      )}
      {props.more ? <p data-testid="timeline-more">{props.more}</p> : null}
    </section>
  )
}
