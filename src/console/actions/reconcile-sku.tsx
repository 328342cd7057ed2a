import { listListings } from '../../db/repos/listings.js'
import { reconcileAll } from '../../pipeline/reconcile.js'
import { hasUnstorableChar } from '../../storable.js'
import { duration, stamp } from '../format.js'
import { defineAction } from './action.js'

/** Reads a SKU's listings back from their channels, as `POST /v1/admin/reconcile` with `sku`. */
export const reconcileSku = defineAction<{ readonly sku: string }>({
  name: 'reconcile-sku',
  title: "Reconcile a SKU's listings",
  confirmLabel: 'Read them back now',
  fields: [{ name: 'sku', label: 'SKU' }],
  async check(deps, values) {
    const sku = values.sku ?? ''
    if (sku === '') return { ok: false, errors: { sku: 'required' } }
    if (sku.length > 200 || hasUnstorableChar(sku))
      return { ok: false, errors: { sku: 'not a SKU (at most 200 characters, no U+0000)' } }
    if ((await listListings(deps.db, { sku })).length === 0)
      return { ok: false, errors: { sku: `no listing has SKU ${sku}` } }
    return { ok: true, input: { sku } }
  },
  async preview(deps, { sku }) {
    const listings = await listListings(deps.db, { sku })
    return (
      <>
        <p>
          Each listing of {sku} is read back from its channel on its account's stock queue, and its
          drift recorded. A listing pushed in the last{' '}
          {duration(deps.config.stock.echoWindowMs / 1000)} is skipped (the channel may not show the
          push yet).
        </p>
        <ul data-testid="reconcile-preview">
          {listings.map((l) => (
            <li>
              {l.channel}/{l.account_id} (listing {l.id}): last push attempt{' '}
              {stamp(l.last_push_attempt_at)}, last check {stamp(l.last_checked_at)}
            </li>
          ))}
        </ul>
      </>
    )
  },
  async perform(deps, { sku }) {
    const { queued, skipped } = await reconcileAll(deps, { sku })
    return {
      ok: true,
      status: 200,
      audit: { sku, queued, skipped: skipped.length },
      message: (
        <>
          Reconciliation of {sku}: <strong data-testid="result">{queued} queued</strong>
          {skipped.length === 0 ? '.' : ', skipped: '}
          {skipped.map((s) => (
            <div>
              {s.channel}/{s.account} listing {s.listingId}: {s.reason}
              {s.until ? ` (until ${s.until})` : ''}
            </div>
          ))}
        </>
      ),
    }
  },
})
