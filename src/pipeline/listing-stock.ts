import type { Kysely } from 'kysely'
import {
  readSkuForAllocation,
  skuOfListing,
  type ListingForAllocation,
} from '../db/repos/allocation.js'
import { recordPushNotSent } from '../db/repos/listings.js'
import type { Database } from '../db/schema.js'
import { isChannelHeld } from '../inventory/locations.js'
import { isAccountLive, notLiveReason } from '../inventory/onboarding.js'
import { ChannelApiError } from '../../connectors/index.js'
import type { AccountDirectory } from '../config/account-directory.js'
import {
  allocate,
  believedNow,
  locationCaps,
  resolveListingChannel,
  type AllocationWindow,
  type ListingChannel,
} from './plan-push.js'
import { DONE, type StepResult } from './step-result.js'

/** Everything a reconciliation check needs about its listing, read when the job runs. */
export interface ListingStock extends ListingChannel {
  readonly listing: ListingForAllocation
  /**
   * What the channel should offer: under `shared` allocation the listing's policy applied to the
   * SKU's available-to-sell; under `partitioned` what the hub last told it, less what it sold since
   * (its share, before its first push).
   */
  readonly quantity: number
  /** What the hub believes the channel offers now (see `believedNow`). */
  readonly believed: number
}

/**
 * Reads a listing with what its channel should offer now; a listing that cannot be served
 * (deleted, account gone from the configuration) ends the job with a reason.
 */
export async function loadListingStock(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  listingId: string,
  window: AllocationWindow,
): Promise<ListingStock | StepResult> {
  const found = await skuOfListing(db, listingId)
  if (!found) return { kind: 'done' } // deleted since the job was queued
  const { item, listings } = await readSkuForAllocation(db, found.sku, window)
  const row = listings.find((l) => l.id === listingId)
  if (!row) return { kind: 'done' }
  const side = resolveListingChannel(accounts, row)
  if ('kind' in side) return side
  // The channel holds this stock (Amazon FBA): there is no quantity of the hub's to compare.
  if (isChannelHeld(row)) return DONE
  // Safe onboarding: an account not live is neither pushed to nor compared.
  if (!(await isAccountLive(db, side.account))) {
    await recordPushNotSent(db, listingId, new Date(), {
      status: 'not-live',
      reason: notLiveReason(side.account),
    })
    return DONE
  }
  const caps = await locationCaps(db, accounts, found.sku, listings)
  const plan = allocate(accounts, item?.ats ?? 0, listings, caps)
  const decision = plan.decisions.get(listingId)
  // Shared: the quantity a push sends. Partitioned: what the hub told the channel, less what it
  // sold since; before the first push, the listing's share.
  const quantity =
    decision?.kind === 'write' && decision.reason === 'shared'
      ? decision.quantity
      : row.offered_base === null
        ? (plan.targets.get(listingId) ?? 0)
        : believedNow(row)
  return { ...side, listing: row, quantity, believed: believedNow(row) }
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

export function isStepResult<T extends object>(value: T | StepResult): value is StepResult {
  return 'kind' in value
}
