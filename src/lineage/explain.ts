import type { Kysely } from 'kysely'
import type { AccountDirectory } from '../config/account-directory.js'
import { readItem } from '../db/repos/inventory.js'
import { listListings } from '../db/repos/listings.js'
import type { Database, InventoryItem, Listing } from '../db/schema.js'
import { isAccountLive } from '../inventory/onboarding.js'
import {
  allocationView,
  holdOf,
  resolveListingChannel,
  type AllocationWindow,
  type ListingAllocationView,
} from '../pipeline/plan-push.js'
import { iso } from './entries.js'
import {
  explanationSummary,
  type ExplanationParts,
  type ListingExplanation,
  type OnHandSource,
} from './explain-summary.js'
import {
  RESERVING_ORDERS_SHOWN,
  readLevelCause,
  readNewestAdjustment,
  readReservingOrders,
} from './sku-rows.js'

/**
 * Why each listing of `sku` offers what it does: the SKU's on-hand and where it came from, what
 * reserves it, its safety stock, each listing's policy and allocation share, and the quantity
 * computed from them by the code the push runs (`allocationView`, `holdOf` in
 * src/pipeline/plan-push.ts), beside what was last pushed, reported and checked.
 */
export async function explainListings(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  sku: string,
  window: AllocationWindow,
): Promise<{
  item: InventoryItem | undefined
  listings: Listing[]
  stock: StockParts
  explanations: ListingExplanation[]
}> {
  const item = await readItem(db, sku)
  const listings = await listListings(db, { sku })
  const stock = await stockParts(db, sku, item)
  if (listings.length === 0) return { item, listings, stock, explanations: [] }
  const allocation = await allocationView(db, accounts, sku, window)
  const explanations: ListingExplanation[] = []
  for (const listing of listings) {
    const computed = await computedQuantity(db, accounts, listing, item, allocation.listings)
    const parts: ExplanationParts = {
      ...stock,
      listing: {
        id: listing.id,
        channel: listing.channel,
        account: listing.account_id,
        channelSku: listing.channel_sku,
      },
      ...computed,
      ...lastSeen(listing),
    }
    explanations.push({ ...parts, summary: explanationSummary(parts) })
  }
  return { item, listings, stock, explanations }
}

export type StockParts = Pick<
  ExplanationParts,
  | 'sku'
  | 'onHand'
  | 'onHandAsOf'
  | 'onHandSource'
  | 'reserved'
  | 'reservingOrders'
  | 'reservingOrdersMore'
  | 'safetyStock'
  | 'ats'
>

/** The SKU's side of every listing's explanation, read once. */
async function stockParts(
  db: Kysely<Database>,
  sku: string,
  item: InventoryItem | undefined,
): Promise<StockParts> {
  const orders = item && item.reserved > 0 ? await readReservingOrders(db, sku) : []
  return {
    sku,
    onHand: item?.on_hand ?? 0,
    onHandAsOf: item?.on_hand_as_of ? iso(item.on_hand_as_of) : null,
    onHandSource: item ? await onHandSource(db, item) : null,
    reserved: item?.reserved ?? 0,
    reservingOrders: orders.slice(0, RESERVING_ORDERS_SHOWN).map((o) => ({
      channel: o.channel,
      account: o.account_id,
      orderId: o.order_id,
      units: o.units,
      changedAt: iso(o.changed),
    })),
    reservingOrdersMore: orders.length > RESERVING_ORDERS_SHOWN,
    safetyStock: item?.safety_stock ?? 0,
    ats: item?.ats ?? 0,
  }
}

/** The newest of the SKU's last level and last adjustment. */
async function onHandSource(
  db: Kysely<Database>,
  item: InventoryItem,
): Promise<OnHandSource | null> {
  const adjustment = await readNewestAdjustment(db, item.sku)
  const level = item.on_hand_as_of
  if (adjustment && (!level || adjustment.applied_at > level))
    return {
      kind: 'adjustment',
      at: iso(adjustment.applied_at),
      reference: adjustment.idempotency_key,
      reason: adjustment.reason,
    }
  if (!level) return null
  const cause = await readLevelCause(db, item.sku, level)
  return cause?.channel
    ? {
        kind: 'report',
        at: iso(level),
        reference: `${cause.channel}/${cause.account}`,
        reason: null,
      }
    : { kind: 'count', at: iso(level), reference: null, reason: null }
}

/** The listing's policy, allocation and computed quantity, or why nothing may be pushed. */
async function computedQuantity(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  listing: Listing,
  item: InventoryItem | undefined,
  views: ReadonlyMap<string, ListingAllocationView>,
): Promise<Pick<ExplanationParts, 'policy' | 'allocation' | 'quantity' | 'notPushed'>> {
  const own = resolveListingChannel(accounts, listing)
  if ('kind' in own) {
    const reason = 'reason' in own ? own.reason : own.kind
    return { policy: {}, allocation: null, quantity: null, notPushed: reason }
  }
  const hold = holdOf(own, listing, item, await isAccountLive(db, own.account))
  const view = views.get(listing.id)
  const allocation = view
    ? { mode: view.mode, share: view.target, offered: view.offered, inflight: view.inflight }
    : null
  if (hold) return { policy: own.policy, allocation, quantity: null, notPushed: hold.reason }
  return {
    policy: own.policy,
    allocation,
    quantity: view ? view.target : null,
    notPushed: view ? null : 'the listing has no share in its SKU allocation',
  }
}

/** What the listing last pushed, and what the channel and reconciliation last said. */
function lastSeen(l: Listing): Pick<ExplanationParts, 'lastPushed' | 'lastReported' | 'lastCheck'> {
  return {
    lastPushed:
      l.last_push_attempt_at || l.last_pushed_at
        ? {
            quantity: l.last_pushed_quantity,
            at: l.last_pushed_at ? iso(l.last_pushed_at) : null,
            status: l.last_push_status,
          }
        : null,
    lastReported:
      l.last_reported_quantity !== null && l.last_reported_at
        ? {
            quantity: l.last_reported_quantity,
            at: iso(l.last_reported_at),
            echo: l.last_report_echo === true,
          }
        : null,
    lastCheck: l.last_checked_at
      ? { quantity: l.last_checked_quantity, at: iso(l.last_checked_at), drift: l.last_drift }
      : null,
  }
}
