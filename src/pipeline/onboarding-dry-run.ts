import type { Kysely } from 'kysely'
import type { AccountDirectory } from '../config/account-directory.js'
import { accountListingsWithStock } from '../db/repos/account-listings.js'
import { skusWithUnknownOnHand } from '../db/repos/on-hand-unknown.js'
import type { Database, Listing } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import { readStockMode, type AccountStockMode } from '../inventory/onboarding.js'
import { fitQuantity } from '../../connectors/index.js'
import { allocationView, allocationWindow, type ListingAllocationView } from './plan-push.js'
import { findStockAccount } from './onboarding-account.js'

/**
 * Why a listing's first push would not happen:
 * - `on-hand-unknown`: its SKU's on-hand was never given (nothing is pushed for it; adopt or
 *   `PUT /v1/inventory/:sku` sets it);
 * - `account-not-live`: the account is onboarding (its first push happens on going live);
 * - `channel-held`: the channel holds the stock (Amazon FBA), which is reported, never pushed.
 */
export type HeldReason = 'on-hand-unknown' | 'account-not-live' | 'channel-held'

export interface DryRunListing {
  readonly listingId: string
  readonly sku: string
  readonly unit: Record<string, unknown>
  /** What the channel shows now, as the hub last learned it (adopt or reconciliation read, report, or push). */
  readonly channelShows: number | null
  readonly channelShowsAt: string | null
  /** The quantity the first push would send; null when none would be sent whatever the account's state. */
  readonly firstPush: number | null
  /** `firstPush − channelShows`: positive raises the channel's quantity; null when either is unknown. */
  readonly difference: number | null
  /** Empty when the push would go out now. */
  readonly heldBecause: readonly HeldReason[]
}

export interface DryRunResult {
  readonly account: string
  readonly mode: AccountStockMode
  readonly listings: readonly DryRunListing[]
  readonly summary: {
    readonly listings: number
    /** Listings with a first push to make (now if live, else on going live). */
    readonly wouldPush: number
    readonly unchanged: number
    readonly raised: number
    readonly lowered: number
    /** The first push's quantity is known but not what the channel shows. */
    readonly channelUnknown: number
    readonly held: Readonly<Record<HeldReason, number>>
  }
}

export interface DryRunDeps {
  readonly db: Kysely<Database>
  readonly accounts: AccountDirectory
  readonly config: { readonly stock: { readonly orderClockSkewMs: number } }
}

/**
 * The dry run of an account's onboarding: per listing, the first push that would happen (the
 * quantity the push path's allocation plans now, `allocationView`, fitted to the channel's range as the
 * push fits it) and its difference from what the channel shows now, with the reasons a push would
 * be held. Reads the database only: nothing is sent, queued or changed.
 */
export async function onboardingDryRun(
  deps: DryRunDeps,
  channel: ChannelId,
  accountId: string,
): Promise<{ ok: true; result: DryRunResult } | { ok: false; problem: string }> {
  const resolved = findStockAccount(deps.accounts, channel, accountId)
  if (!resolved.ok) return resolved
  const { account, stock, name } = resolved.found
  const mode = await readStockMode(deps.db, account)
  const rows = await accountListingsWithStock(deps.db, { channel, accountId })
  const skus = [...new Set(rows.map((r) => r.sku))]
  const unknown = await skusWithUnknownOnHand(deps.db, skus)
  const views = new Map<string, ListingAllocationView>()
  for (const sku of skus)
    for (const [id, view] of (
      await allocationView(deps.db, deps.accounts, sku, allocationWindow(deps.config.stock))
    ).listings)
      views.set(id, view)
  const held: Record<HeldReason, number> = {
    'on-hand-unknown': 0,
    'account-not-live': 0,
    'channel-held': 0,
  }
  const summary = { wouldPush: 0, unchanged: 0, raised: 0, lowered: 0, channelUnknown: 0 }
  const listings = rows.map((row): DryRunListing => {
    const reasons: HeldReason[] = []
    if (isChannelHeld(row)) reasons.push('channel-held')
    if (unknown.has(row.sku)) reasons.push('on-hand-unknown')
    if (!mode.live) reasons.push('account-not-live')
    for (const r of reasons) held[r] += 1
    const shows = channelShows(row)
    // A quantity the channel cannot take is not sent at all (push-stock.ts: fitToChannel).
    // The push's quantity under the SKU's allocation: its next write, or (nothing to send now)
    // the share it is moved towards.
    const view = views.get(row.id)
    const fit = fitQuantity(stock.quantityRange, view?.next ?? view?.target ?? 0)
    const pushes = reasons.every((r) => r === 'account-not-live') && fit.ok
    const firstPush = pushes ? fit.quantity : null
    const difference = firstPush !== null && shows ? firstPush - shows.quantity : null
    if (firstPush !== null) {
      summary.wouldPush += 1
      if (difference === null) summary.channelUnknown += 1
      else if (difference === 0) summary.unchanged += 1
      else if (difference > 0) summary.raised += 1
      else summary.lowered += 1
    }
    return {
      listingId: row.id,
      sku: row.sku,
      unit: row.unit,
      channelShows: shows?.quantity ?? null,
      channelShowsAt: shows?.at.toISOString() ?? null,
      firstPush,
      difference,
      heldBecause: reasons,
    }
  })
  return {
    ok: true,
    result: { account: name, mode, listings, summary: { listings: rows.length, ...summary, held } },
  }
}

/** The newest of what the hub read, heard and pushed: what the channel shows as far as the hub knows. */
function channelShows(l: Listing): { quantity: number; at: Date } | undefined {
  const known = [
    { quantity: l.last_checked_quantity, at: l.last_checked_at },
    { quantity: l.last_reported_quantity, at: l.last_reported_at },
    { quantity: l.last_pushed_quantity, at: l.last_pushed_at },
  ].filter((k): k is { quantity: number; at: Date } => k.quantity !== null && k.at !== null)
  return known.sort((a, b) => b.at.getTime() - a.at.getTime())[0]
}

/**
 * Amazon offers fulfilled by Amazon (channel codes `AMAZON_NA`, `AMAZON_EU`, …) hold Amazon's
 * stock, which the seller does not set (channels.md §2 B1; the emulator refuses such writes).
 */
function isChannelHeld(l: Listing): boolean {
  const code = l.unit.fulfillmentChannelCode
  return l.channel === 'amazon' && typeof code === 'string' && /^AMAZON_/.test(code)
}
