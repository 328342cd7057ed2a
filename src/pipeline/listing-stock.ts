import type { Kysely } from 'kysely'
import { readListingWithStock } from '../db/repos/listings.js'
import type { Database, Listing } from '../db/schema.js'
import { DEFAULT_STOCK_SETTINGS } from '../config/accounts.js'
import { effectivePolicy, listedQuantity, StockPolicy } from '../inventory/policy.js'
import { ChannelApiError, type ChannelClient, type StockSupport } from '../../connectors/index.js'
import type { AccountDirectory } from '../config/account-directory.js'
import type { Account } from '../config/index.js'
import { holdPushNotLive, isAccountLive } from '../inventory/onboarding.js'
import { DONE, type StepResult } from './step-result.js'

/** Everything a stock job needs about its listing, read when the job runs. */
export interface ListingStock {
  readonly listing: Listing
  /** The SKU's available-to-sell now (0 when the SKU has no ledger entry yet). */
  readonly ats: number
  /** What the channel should offer: the listing's policy applied to `ats`. */
  readonly quantity: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the unit type is the channel's
  readonly stock: StockSupport<unknown, any, ChannelClient>
  readonly client: ChannelClient
  readonly unit: unknown
}

/**
 * Reads a listing with its SKU's current ats and resolves its channel's stock support; a listing
 * that cannot be served (deleted, account gone from the configuration) ends the job with a reason.
 */
export async function loadListingStock(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  listingId: string,
): Promise<ListingStock | StepResult> {
  const row = await readListingWithStock(db, listingId)
  if (!row) return { kind: 'done' } // deleted since the job was queued
  const found = accounts.find(row.channel, row.account_id)
  const stock = found?.connector.stock
  const client = accounts.client(row.channel, row.account_id)
  if (!found || !stock || !client) {
    return {
      kind: 'permanent',
      reason: `listing ${listingId}: account ${row.channel}/${row.account_id} is not configured for stock pushes`,
    }
  }
  // Safe onboarding (src/inventory/onboarding.ts): nothing is sent to an account not live.
  if (!(await isAccountLive(db, found.account))) {
    await holdPushNotLive(db, found.account, listingId)
    return DONE
  }
  const unit = stock.unit.safeParse(row.unit)
  if (!unit.success)
    return { kind: 'permanent', reason: `listing ${listingId}: stored unit no longer valid` }
  const { ats, ...listing } = row
  const available = ats ?? 0
  return {
    listing,
    ats: available,
    quantity: listingQuantity(found.account, listing, available),
    stock,
    client,
    unit: unit.data,
  }
}

/**
 * What a listing should offer: its account's policy, overridden by its own, applied to the SKU's
 * ats. The one place the quantity to push is computed (the push, reconciliation and the onboarding
 * dry run all use it).
 */
export function listingQuantity(
  account: Account,
  listing: Pick<Listing, 'policy'>,
  ats: number,
): number {
  const accountPolicy = (account.stock ?? DEFAULT_STOCK_SETTINGS).policy
  return listedQuantity(ats, effectivePolicy(accountPolicy, StockPolicy.parse(listing.policy)))
}

/** How a failed channel call ends a stock job. Rate limits pause the account's queue instead of spending an attempt. */
export function stockCallFailure(err: unknown, throttlePauseMs: number): StepResult {
  if (!(err instanceof ChannelApiError)) throw err
  switch (err.kind) {
    case 'rate-limited':
      return {
        kind: 'later',
        reason: err.message,
        delayMs: err.details.retryAfterMs ?? throttlePauseMs,
      }
    case 'transient':
    case 'unauthorized':
      return { kind: 'retry', reason: err.message, retryAfterMs: err.details.retryAfterMs }
    case 'permanent':
      return { kind: 'permanent', reason: err.message }
  }
}

export function isStepResult(value: ListingStock | StepResult): value is StepResult {
  return 'kind' in value
}
