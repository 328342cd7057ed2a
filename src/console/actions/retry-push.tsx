import { readListingWithStock } from '../../db/repos/listings.js'
import { queueListingPush } from '../../pipeline/retry-push.js'
import { stamp } from '../format.js'
import { defineAction } from './action.js'

const LISTING_ID = /^[1-9]\d{0,17}$/

/** Pushes one listing's stock again (src/pipeline/retry-push.ts). */
export const retryPush = defineAction<{ readonly listing: string }>({
  name: 'retry-push',
  title: "Push a listing's stock again",
  confirmLabel: 'Queue the push',
  fields: [{ name: 'listing', label: 'Listing id' }],
  async check(deps, values) {
    const listing = values.listing ?? ''
    if (!LISTING_ID.test(listing))
      return { ok: false, errors: { listing: 'must be a listing id (digits)' } }
    if (!(await readListingWithStock(deps.db, listing)))
      return { ok: false, errors: { listing: `no listing has id ${listing}` } }
    return { ok: true, input: { listing } }
  },
  async preview(deps, { listing }) {
    const l = await readListingWithStock(deps.db, listing)
    if (!l) return <p>No such listing.</p>
    return (
      <p data-testid="push-preview">
        Listing {listing}: {l.sku} on {l.channel}/{l.account_id}. Available to sell now:{' '}
        {l.ats ?? 'unknown'}; last pushed {l.last_pushed_quantity ?? 'nothing'} (
        {l.last_push_status ?? 'never'}, {stamp(l.last_pushed_at)})
        {l.last_push_error ? `, error: ${l.last_push_error}` : ''}. A push is queued on the
        account's stock queue; it computes the quantity from the SKU's stock and the listing's
        policy when it runs, under the account's rate limit.
      </p>
    )
  },
  async perform(deps, { listing }) {
    const result = await queueListingPush(deps, listing)
    const audit = { listing, result }
    switch (result) {
      case 'queued':
        return {
          ok: true,
          status: 200,
          audit,
          message: (
            <>
              Push of listing {listing} <strong data-testid="result">queued</strong>.
            </>
          ),
        }
      case 'missing':
        return { ok: false, status: 409, audit, message: `Listing ${listing} no longer exists.` }
      case 'account-not-configured':
        return {
          ok: false,
          status: 409,
          audit,
          message: `Listing ${listing}'s account has no stock queue (not configured, or its channel takes no stock writes).`,
        }
    }
  },
})
