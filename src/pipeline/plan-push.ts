import { sql, type Kysely } from 'kysely'
import {
  lockAllocation,
  lockAllocations,
  markInflight,
  markInflights,
  readSkuForAllocation,
  readSkusForAllocation,
  skuOfListing,
  type ListingForAllocation,
  type SkuForAllocation,
} from '../db/repos/allocation.js'
import { recordPushesNotSent, type ListingRoute } from '../db/repos/listings.js'
import type { Database, Listing } from '../db/schema.js'
import { DEFAULT_STOCK_SETTINGS, type Account } from '../config/accounts.js'
import { isChannelHeld, listingAvailable, readLocationStock } from '../inventory/locations.js'
import { isAccountLive, notLiveReason } from '../inventory/onboarding.js'
import type { AccountDirectory } from '../config/account-directory.js'
import {
  believedOffer,
  planAllocation,
  type AllocationListing,
  type AllocationPlan,
  type Decision,
} from '../inventory/allocation.js'
import { effectivePolicy, StockPolicy } from '../inventory/policy.js'
import type { ChannelClient, StockSupport } from '../../connectors/index.js'
import type { StepResult } from './step-result.js'

/**
 * Orders of the last ten minutes are the demand the allocation follows (a listing's weight counts
 * once more per unit its account sold in that window).
 */
export const RECENT_SALES_SECONDS = 600

/**
 * How long lowering every channel takes, for `auto`'s derived threshold: a queue wait and a
 * channel round trip, generously (docs/inventory.md, "Allocation").
 */
const LOWERING_SECONDS = 10

/** The time spans the allocation reads orders over (see `readSkuForAllocation`). */
export interface AllocationWindow {
  readonly recentSeconds: number
  readonly skewSeconds: number
}

/** The allocation's spans for a hub's stock settings (`STOCK_ORDER_CLOCK_SKEW_MS`). */
export function allocationWindow(stock: { readonly orderClockSkewMs: number }): AllocationWindow {
  return { recentSeconds: RECENT_SALES_SECONDS, skewSeconds: stock.orderClockSkewMs / 1000 }
}

/** A listing's channel side, resolved from the configured accounts. */
export interface ListingChannel {
  readonly account: Account
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the unit type is the channel's
  readonly stock: StockSupport<unknown, any, ChannelClient>
  readonly client: ChannelClient
  readonly unit: unknown
  readonly policy: StockPolicy
}

export type PushDecision =
  | Decision
  /** Not sent, and why: the listing must not be told anything yet. */
  | { readonly kind: 'hold'; readonly status: 'held' | 'not-live'; readonly reason: string }

export interface PlannedPush extends ListingChannel {
  readonly listing: ListingForAllocation
  readonly decision: PushDecision
  /** What the hub believes the channel offers now (compare-and-set's expected value). */
  readonly believed: number
  /** The SKU's available-to-sell the decision was made from (kept with the push's record). */
  readonly ats: number
  /** Other listings of the SKU to lower before this one can be raised: push them now. */
  readonly donors: ListingRoute[]
  /** Every other listing of the SKU (a confirmed lowering makes room for them). */
  readonly siblings: ListingRoute[]
}

/**
 * Decides a listing's push under its SKU's allocation lock and, when it is to be written, marks
 * the write in flight before the lock is released, so no other listing's raise can count on units
 * this one may be offering (DESIGN.md §10 invariant 7). Nothing is sent for a SKU whose on-hand is
 * unknown unless the listing's policy says `pushUnknownOnHand`.
 */
export async function planPush(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  listingId: string,
  window: AllocationWindow,
): Promise<PlannedPush | StepResult> {
  const found = await skuOfListing(db, listingId)
  if (!found) return { kind: 'done' } // deleted since the job was queued
  return db.transaction().execute(async (trx) => {
    await lockAllocation(trx, found.sku)
    const { item, listings } = await readSkuForAllocation(trx, found.sku, window)
    const row = listings.find((l) => l.id === listingId)
    if (!row) return { kind: 'done' } as const
    const own = resolveListingChannel(accounts, row)
    if ('kind' in own) return own
    const believed = believedNow(row)
    const routes = (ls: readonly ListingForAllocation[]) =>
      ls
        .filter((l) => l.id !== listingId)
        .map((l) => ({ id: l.id, channel: l.channel, account_id: l.account_id, sku: l.sku }))
    const base = {
      ...own,
      listing: row,
      believed,
      ats: item?.ats ?? 0,
      donors: [],
      siblings: routes(listings),
    }
    // Safe onboarding (src/inventory/onboarding.ts): nothing is sent to an account not live.
    const hold = holdOf(own, row, item, await isAccountLive(trx, own.account))
    if (hold) return { ...base, decision: hold }
    const caps = await locationCaps(trx, accounts, found.sku, listings)
    const plan = allocate(accounts, item?.ats ?? 0, listings, caps)
    const decision = plan.decisions.get(listingId)!
    if (decision.kind === 'write') await markInflight(trx, listingId, decision.quantity)
    const donors = routes(listings.filter((l) => plan.donors.includes(l.id)))
    return { ...base, decision, donors }
  })
}

/**
 * `planPush` for many listings in one transaction and a handful of statements (a bulk push plans
 * a whole call's worth at once): the SKUs' allocation locks are taken together, in sorted order;
 * each account's liveness is read once; the writes are marked in flight in one update. The
 * decisions are those `planPush` would make called on each listing in turn, in the order given:
 * a write marked in flight counts in the plans of the SKU's later listings, as it would once
 * marked (planAllocation's raises take room from what the others may offer, `inflight` included).
 */
export async function planPushes(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  listingIds: readonly string[],
  window: AllocationWindow,
): Promise<Map<string, PlannedPush | StepResult>> {
  const ids = [...new Set(listingIds)]
  const planned = new Map<string, PlannedPush | StepResult>()
  if (ids.length === 0) return planned
  const found = await db
    .selectFrom('listing')
    .select(['id', 'sku'])
    .where('id', '=', sql<string>`any(${ids}::bigint[])`)
    .execute()
  const skuOf = new Map(found.map((f) => [f.id, f.sku]))
  for (const id of ids) if (!skuOf.has(id)) planned.set(id, { kind: 'done' }) // deleted since queued
  if (found.length === 0) return planned
  const skus = [...new Set(found.map((f) => f.sku))]
  return db.transaction().execute(async (trx) => {
    await lockAllocations(trx, skus)
    const bySku = await readSkusForAllocation(trx, skus, window)
    const isLive = livenessOf(trx)
    const capsOf = new Map<string, Map<string, number>>()
    const writes: { id: string; quantity: number }[] = []
    for (const id of ids) {
      const sku = skuOf.get(id)
      if (sku === undefined) continue
      const { item, listings } = bySku.get(sku)!
      const row = listings.find((l) => l.id === id)
      if (!row) {
        planned.set(id, { kind: 'done' })
        continue
      }
      const own = resolveListingChannel(accounts, row)
      if ('kind' in own) {
        planned.set(id, own)
        continue
      }
      const routes = (ls: readonly ListingForAllocation[]) =>
        ls
          .filter((l) => l.id !== id)
          .map((l) => ({ id: l.id, channel: l.channel, account_id: l.account_id, sku: l.sku }))
      // The row as read, as `planPush` returns it (before its own write is marked).
      const base = {
        ...own,
        listing: { ...row },
        believed: believedNow(row),
        ats: item?.ats ?? 0,
        donors: [],
        siblings: routes(listings),
      }
      const hold = holdOf(own, row, item, await isLive(own.account))
      if (hold) {
        planned.set(id, { ...base, decision: hold })
        continue
      }
      let caps = capsOf.get(sku)
      if (!caps) {
        caps = await locationCaps(trx, accounts, sku, listings)
        capsOf.set(sku, caps)
      }
      const plan = allocate(accounts, item?.ats ?? 0, listings, caps)
      const decision = plan.decisions.get(id)!
      if (decision.kind === 'write') {
        writes.push({ id, quantity: decision.quantity })
        // What the SKU's later listings see, as they would after `markInflight`.
        Object.assign(row, { inflight_quantity: decision.quantity })
      }
      const donors = routes(listings.filter((l) => plan.donors.includes(l.id)))
      planned.set(id, { ...base, decision, donors })
    }
    await markInflights(trx, writes)
    return planned
  })
}

/**
 * Records, for new listings, the hold their first push would meet, and returns the ones held: a
 * catalog listed before its on-hand is known (or on an onboarding account) then costs no queued
 * job, and none of the channel's rate-limited turns (a held push sends nothing, but a queued one
 * waits its turn as a write would). Checked and recorded under the SKUs' allocation locks, so a
 * level committed meanwhile queues pushes that run after this record, and their outcome is the
 * one shown.
 */
export async function holdNewListings(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  listings: readonly ListingRoute[],
  at: Date,
): Promise<Set<string>> {
  const held = new Set<string>()
  if (listings.length === 0) return held
  const wanted = new Set(listings.map((l) => l.id))
  await db.transaction().execute(async (trx) => {
    const skus = listings.map((l) => l.sku)
    await lockAllocations(trx, skus)
    const bySku = await readSkusForAllocation(trx, skus, { recentSeconds: 0, skewSeconds: 0 })
    const isLive = livenessOf(trx)
    const records: { id: string; at: Date; held: Hold }[] = []
    for (const { item, listings: rows } of bySku.values()) {
      for (const row of rows) {
        if (!wanted.has(row.id)) continue
        const own = resolveListingChannel(accounts, row)
        if ('kind' in own) continue // the push job reports it
        const hold = holdOf(own, row, item, await isLive(own.account))
        if (hold) records.push({ id: row.id, at, held: hold })
      }
    }
    await recordPushesNotSent(trx, records)
    for (const r of records) held.add(r.id)
  })
  return held
}

/** Whether an account is live (not onboarding), read once per account within `trx`. */
function livenessOf(trx: Kysely<Database>): (account: Account) => Promise<boolean> {
  const live = new Map<Account, boolean>()
  return async (account) => {
    if (!live.has(account)) live.set(account, await isAccountLive(trx, account))
    return live.get(account)!
  }
}

export type Hold = Extract<PushDecision, { kind: 'hold' }>

/**
 * Why nothing may be sent to a listing now, if so: its account is onboarding (safe onboarding,
 * src/inventory/onboarding.ts), its SKU's on-hand is not known and its policy does not say
 * `pushUnknownOnHand`, or the channel holds the stock.
 */
export function holdOf(
  own: ListingChannel,
  row: Listing,
  item: SkuForAllocation['item'],
  live: boolean,
): Hold | undefined {
  if (!live) return { kind: 'hold', status: 'not-live', reason: notLiveReason(own.account) }
  if (!item?.on_hand_known && own.policy.pushUnknownOnHand !== true) {
    const reason = `the on-hand of ${row.sku} is not known yet: set it (PUT /v1/inventory/${row.sku}, an adjustment, or adopt the channels' quantities) and the push goes out`
    return { kind: 'hold', status: 'held', reason }
  }
  if (isChannelHeld(row)) {
    const reason = 'the channel holds this stock (Amazon FBA): it is reported, never pushed'
    return { kind: 'hold', status: 'held', reason }
  }
  return undefined
}

/** The allocation of a SKU's listings (those the hub can push) at `ats`. */
export function allocate(
  accounts: AccountDirectory,
  ats: number,
  listings: readonly ListingForAllocation[],
  caps: ReadonlyMap<string, number>,
): AllocationPlan {
  const candidates: AllocationListing[] = []
  for (const l of listings) {
    const side = resolveListingChannel(accounts, l)
    // A listing the hub cannot push (its account is gone from the configuration, or the channel
    // holds the stock) has no share.
    if ('kind' in side || isChannelHeld(l)) continue
    candidates.push({
      id: l.id,
      policy: side.policy,
      believed: believedNow(l),
      inflight: l.inflight_quantity,
      unheard: unheardNow(l),
      cap: Math.min(ats, caps.get(l.id) ?? ats),
      recentUnits: l.recent,
      known: l.offered_base !== null,
    })
  }
  return planAllocation(ats, candidates, derivedAutoBelow(candidates))
}

/**
 * What each listing limited to some locations may offer: the available-to-sell at those locations
 * (src/inventory/locations.ts); listings drawing from all of them are absent (the SKU's ats).
 */
export async function locationCaps(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  sku: string,
  listings: readonly ListingForAllocation[],
): Promise<Map<string, number>> {
  const limited = listings.filter((l) => l.locations !== null)
  if (limited.length === 0) return new Map()
  const stock = await readLocationStock(db, sku, accounts.locations)
  return new Map(limited.map((l) => [l.id, stock ? listingAvailable(stock, l.locations) : 0]))
}

/**
 * `auto`'s threshold when its policy names none: the units the SKU's recent sales rate would sell
 * while every channel is being lowered, twice over, and at least two per listing.
 */
function derivedAutoBelow(listings: readonly AllocationListing[]): number {
  const recent = listings.reduce((n, l) => n + l.recentUnits, 0)
  const perSecond = recent / RECENT_SALES_SECONDS
  return Math.max(
    2 * listings.length,
    Math.ceil(2 * perSecond * LOWERING_SECONDS * listings.length),
  )
}

/**
 * What the hub believes a channel offers now: what it last told (or read from) the channel, less
 * the units the account's orders committed since (a cancellation gives them back). A listing
 * never pushed counts as offering nothing: until its first push the hub has not allocated it any.
 */
export function believedNow(listing: ListingForAllocation): number {
  return believedOffer(
    listing.offered_base,
    listing.committed,
    listing.committed_at_base,
    listing.raced,
  )
}

/** Sales a read showed that the hub has not heard of yet: no write can lower the belief below them. */
export function unheardNow(listing: ListingForAllocation): number {
  return Math.max(0, listing.committed_at_base - listing.committed)
}

/**
 * A listing's channel, client, unit and policy; a listing that cannot be served (account gone from
 * the configuration, unit no longer valid) ends the job with a reason.
 */
export function resolveListingChannel(
  accounts: AccountDirectory,
  row: Listing,
): ListingChannel | StepResult {
  const found = accounts.find(row.channel, row.account_id)
  const stock = found?.connector.stock
  const client = accounts.client(row.channel, row.account_id)
  if (!found || !stock || !client) {
    return {
      kind: 'permanent',
      reason: `listing ${row.id}: account ${row.channel}/${row.account_id} is not configured for stock pushes`,
    }
  }
  const unit = stock.unit.safeParse(row.unit)
  if (!unit.success)
    return { kind: 'permanent', reason: `listing ${row.id}: stored unit no longer valid` }
  const accountPolicy = (found.account.stock ?? DEFAULT_STOCK_SETTINGS).policy
  const policy = effectivePolicy(accountPolicy, StockPolicy.parse(row.policy))
  return { account: found.account, stock, client, unit: unit.data, policy }
}

/** How one listing stands in its SKU's allocation, for `GET /v1/inventory/:sku`. */
export interface ListingAllocationView {
  readonly mode: 'shared' | 'partitioned'
  /** Its share after policy (partitioned), or what it is offered (shared). */
  readonly target: number
  /** What the hub believes the channel offers now. */
  readonly offered: number
  /** A write sent and not yet confirmed. */
  readonly inflight: number | null
  /** The quantity its next push would send now; null when it would send nothing. */
  readonly next: number | null
}

/** The SKU's allocation as the next push of each listing would see it (listings the hub can push). */
export async function allocationView(
  db: Kysely<Database>,
  accounts: AccountDirectory,
  sku: string,
  window: AllocationWindow,
): Promise<{ onHandKnown: boolean; listings: Map<string, ListingAllocationView> }> {
  const { item, listings } = await readSkuForAllocation(db, sku, window)
  const caps = await locationCaps(db, accounts, sku, listings)
  const plan = allocate(accounts, item?.ats ?? 0, listings, caps)
  const views = new Map<string, ListingAllocationView>()
  for (const l of listings) {
    const decision = plan.decisions.get(l.id)
    if (!decision) continue
    const target = plan.targets.get(l.id)
    views.set(l.id, {
      mode: target === undefined ? 'shared' : 'partitioned',
      target: target ?? (decision.kind === 'write' ? decision.quantity : 0),
      offered: believedNow(l),
      inflight: l.inflight_quantity,
      next: decision.kind === 'write' ? decision.quantity : null,
    })
  }
  return { onHandKnown: item?.on_hand_known ?? false, listings: views }
}
