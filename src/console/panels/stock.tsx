import { listingsByDrift } from '../../db/repos/stock-overview.js'
import type { ConsoleDeps } from '../deps.js'
import { ago, stamp } from '../format.js'
import { Panel } from '../layout.js'

/** Listings shown: never the whole catalogue (a hub can hold 100k listings). */
export const STOCK_ROWS = 50

export async function loadStockPanel(deps: ConsoleDeps, skuPrefix: string | undefined) {
  const now = deps.clock.now()
  const rows = await listingsByDrift(deps.db, { limit: STOCK_ROWS, skuPrefix })
  return { now, rows, skuPrefix }
}

type Data = Awaited<ReturnType<typeof loadStockPanel>>

export function StockPanel(props: { readonly data: Data }) {
  const { now, rows, skuPrefix } = props.data
  const src = `/console/panels/stock${skuPrefix ? `?sku=${encodeURIComponent(skuPrefix)}` : ''}`
  return (
    <Panel name="stock" title="Stock" src={src} now={now} refreshMs={15_000}>
      <form method="get" action="/console" data-testid="stock-filter">
        <input
          type="search"
          name="sku"
          value={skuPrefix ?? ''}
          placeholder="SKU starts with…"
          aria-label="SKU starts with"
        />{' '}
        <button type="submit">Filter</button>
      </form>
      {rows.length === 0 ? (
        <p class="muted" data-testid="no-listings">
          No listings{skuPrefix ? ` with a SKU starting with ${skuPrefix}` : ''}.
        </p>
      ) : (
        <table data-testid="stock-table">
          <thead>
            <tr>
              <th>SKU</th>
              <th>Listing</th>
              <th class="n">Available to sell</th>
              <th class="n">Last pushed</th>
              <th>Push</th>
              <th class="n">Channel reported</th>
              <th class="n">Last check</th>
              <th class="n">Drift</th>
              <th>Checked</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-testid={`stock-${r.listingId}`}>
                <td>
                  <a href={`/console/skus/${encodeURIComponent(r.sku)}`}>{r.sku}</a>
                </td>
                <td>
                  {r.channel}/{r.accountId}
                </td>
                <td class="n" data-testid="ats">
                  {r.ats === null ? '–' : r.onHandKnown ? r.ats : `${r.ats} (on-hand unknown)`}
                </td>
                <td class="n" data-testid="pushed" title={stamp(r.pushedAt)}>
                  {r.pushed ?? '–'}
                </td>
                <td class={r.pushStatus === 'failed' ? 'bad' : ''} data-testid="push-status">
                  {r.pushStatus ?? 'never'}
                  {r.pushError ? <div class="bad">{r.pushError}</div> : null}
                </td>
                <td class="n" data-testid="reported" title={stamp(r.reportedAt)}>
                  {r.reported ?? '–'}
                </td>
                <td class="n" data-testid="checked">
                  {r.checked ?? '–'}
                </td>
                <td class={r.drift ? 'n bad' : 'n'} data-testid="drift">
                  {r.drift ?? '–'}
                </td>
                <td data-testid="checked-at" title={stamp(r.checkedAt)}>
                  {ago(r.checkedAt, now)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="note">
        The {STOCK_ROWS} listings with the largest drift at their last reconciliation, then by SKU.
        Drift: what the channel held at the check minus what it should have held.
      </p>
    </Panel>
  )
}
