import {
  DEFAULT_ALLOCATION,
  listedQuantity,
  type AllocationMode,
  type StockPolicy,
} from './policy.js'

/** One listing of a SKU as the allocation sees it when a push for any of them runs. */
export interface AllocationListing {
  readonly id: string
  /** The account's policy with the listing's own fields in place of the account's. */
  readonly policy: StockPolicy
  /**
   * What the hub believes the channel offers now: the last quantity pushed or reported, less the
   * units the account's orders took since (and plus those they gave back).
   */
  readonly believed: number
  /** A write sent whose outcome is not known yet: the channel may offer this already. */
  readonly inflight: number | null
  /**
   * Sales a read of the channel showed that the hub has not heard of yet: they count in
   * `believed` until their orders arrive, and no write can take them back.
   */
  readonly unheard: number
  /** The most it may offer: the SKU's available-to-sell at its locations (≤ the SKU's). */
  readonly cap: number
  /** Units its account's orders took recently: where demand is, the next units go. */
  readonly recentUnits: number
  /**
   * The hub has written to (or read) the channel's quantity before. A listing it never has is
   * written its share even when that is 0: what the channel shows is not the hub's. Default true.
   */
  readonly known?: boolean
}

export type Decision =
  /** Send this quantity; `reason` says why (and is counted). */
  | { readonly kind: 'write'; readonly quantity: number; readonly reason: WriteReason }
  /** The channel offers what it should: nothing to send. */
  | { readonly kind: 'keep' }
  /**
   * The listing should get more, but the units are offered elsewhere until their lowering is
   * confirmed; that confirmation brings this listing's next push (lower first, raise after).
   */
  | { readonly kind: 'wait'; readonly quantity: number }

export type WriteReason = 'shared' | 'lower' | 'raise'

export interface AllocationPlan {
  /** Each partitioned listing's share of available-to-sell after its policy; shared ones absent. */
  readonly targets: ReadonlyMap<string, number>
  readonly decisions: ReadonlyMap<string, Decision>
  /** Listings to lower so that a starved one can be raised: push them first. */
  readonly donors: readonly string[]
}

/**
 * Decides, for every listing of one SKU, what to send now (DESIGN.md §6, §10 invariant 7).
 *
 * `shared` listings are offered all of `ats` (after policy), as before. The `partitioned` ones
 * (and `auto` ones below their threshold) split it by weight into targets whose sum is at most
 * `ats`, and the channels are moved towards them without the sum of what they may offer ever
 * exceeding `ats`:
 * - a listing is **lowered** to its target when the partitioned listings together may offer more
 *   than `ats` (a lower recount), or when a starved listing needs its units;
 * - a listing is **raised** only from units no other listing may offer: the room left by what the
 *   others offer or are being sent (`inflight`), so a raise waits for the lowering it depends on;
 * - a listing whose own sales took it below its target is left alone (its channel counted the
 *   sale itself, and writing to a channel that is selling races its next sale), unless it is
 *   starved: empty, or below half its target.
 * Pure: the caller holds the SKU's allocation lock while it plans and marks the writes in flight.
 */
export function planAllocation(
  ats: number,
  listings: readonly AllocationListing[],
  derivedAutoBelow: number,
): AllocationPlan {
  const partitioned = listings.filter(
    (l) => modeAt(l.policy, ats, derivedAutoBelow) === 'partitioned',
  )
  // Sales a read showed are gone from their channel but still in `ats` until their orders arrive:
  // they stay with the listing that sold them, and only the rest is split. The pins are granted
  // only from `ats` (by priority): `unheard` (committed_at_base − committed) also counts orders
  // cancelled since the base, and a cancellation on an oversold SKU restocks a unit on its channel
  // that `ats` (floored at 0) does not get back; pinned regardless, the targets added up to more
  // than `ats` and that listing was never lowered (the reads find what the hub believes).
  const pins = new Map<string, number>()
  let unpinned = Math.max(0, ats)
  for (const l of byPriority(partitioned)) {
    pins.set(l.id, Math.min(l.unheard, unpinned))
    unpinned -= pins.get(l.id)!
  }
  const targets = splitByWeight(unpinned, partitioned)
  for (const l of partitioned) targets.set(l.id, targets.get(l.id)! + pins.get(l.id)!)
  const decisions = new Map<string, Decision>()
  for (const l of listings) {
    if (!targets.has(l.id))
      decisions.set(l.id, {
        kind: 'write',
        quantity: listedQuantity(Math.min(ats, l.cap), l.policy),
        reason: 'shared',
      })
  }
  const upper = (l: AllocationListing) => Math.max(l.believed, l.inflight ?? 0)
  const offered = partitioned.reduce((n, l) => n + upper(l), 0)
  const starved = partitioned.filter((l) => isStarved(l, targets.get(l.id)!))
  const free = ats - offered
  const wanted = starved.reduce((n, l) => n + targets.get(l.id)! - l.believed, 0)
  // Lower what is above target when the sum is too high, or when the starved need more than is free.
  const lowerAll = free < 0 || (starved.length > 0 && wanted > free)
  const donors = lowerAll
    ? byPriority(partitioned)
        .filter((l) => upper(l) > targets.get(l.id)!)
        .map((l) => l.id)
    : []
  for (const l of partitioned) {
    const target = targets.get(l.id)!
    if (donors.includes(l.id)) {
      decisions.set(l.id, { kind: 'write', quantity: target, reason: 'lower' })
    } else if (l.known === false) {
      const quantity = Math.max(0, Math.min(target, ats - offered + upper(l)))
      decisions.set(l.id, { kind: 'write', quantity, reason: 'raise' })
    } else if (l.believed < target && (starved.includes(l) || free > 0)) {
      const room = ats - offered + upper(l)
      const quantity = Math.min(target, room)
      decisions.set(
        l.id,
        quantity > l.believed
          ? { kind: 'write', quantity, reason: 'raise' }
          : { kind: 'wait', quantity: target },
      )
    } else {
      decisions.set(l.id, { kind: 'keep' })
    }
  }
  return { targets, decisions, donors }
}

/** The mode a listing is in at this `ats`: `auto` is shared at or above its threshold. */
export function modeAt(
  policy: StockPolicy,
  ats: number,
  derivedAutoBelow: number,
): 'shared' | 'partitioned' {
  const mode: AllocationMode = policy.allocation ?? DEFAULT_ALLOCATION
  if (mode !== 'auto') return mode
  return ats < (policy.autoBelow ?? derivedAutoBelow) ? 'partitioned' : 'shared'
}

/**
 * Starved: empty while its target is not, or below half its target. Only a starved listing takes
 * units from others; a listing merely below target waits for free units, so a sale never by
 * itself sends a write to the channel that made it.
 */
function isStarved(l: AllocationListing, target: number): boolean {
  return target > 0 && (l.believed === 0 || l.believed * 2 < target)
}

/**
 * Splits `ats` by weight, tilted towards demand (see `weightOf`: units follow the channels that
 * still have buyers), each share then
 * reduced by its policy and capped by its locations; what a policy or cap leaves unused goes to
 * the others in a further pass. Odd units go by priority, then demand, then id. The targets add
 * up to at most `ats`.
 */
export function splitByWeight(
  ats: number,
  listings: readonly AllocationListing[],
): Map<string, number> {
  const shares = new Map(listings.map((l) => [l.id, 0]))
  const targets = new Map(listings.map((l) => [l.id, 0]))
  let pool = Math.max(0, Math.floor(ats))
  let open = byPriority(listings)
  const k = Math.max(5, listings.reduce((n, l) => n + l.recentUnits, 0) / (listings.length || 1))
  for (let pass = 0; pass < 4 && pool > 0 && open.length > 0; pass++) {
    const weights = open.map((l) => weightOf(l, k))
    const total = weights.reduce((a, b) => a + b, 0)
    const give = weights.map((w) => Math.floor((pool * w) / total))
    let odd = pool - give.reduce((a, b) => a + b, 0)
    for (let i = 0; odd > 0; i = (i + 1) % open.length, odd--) give[i]! += 1
    let unused = 0
    const stillOpen: AllocationListing[] = []
    open.forEach((l, i) => {
      const share = shares.get(l.id)! + give[i]!
      const target = Math.min(listedQuantity(share, l.policy), l.cap)
      shares.set(l.id, target)
      targets.set(l.id, target)
      unused += share - target
      if (target === share) stillOpen.push(l)
    })
    pool = unused
    open = stillOpen
  }
  return targets
}

/**
 * A listing's weight, tilted towards demand: `weight × (k + recent units)`, with `k` the mean of
 * the listings' recent units (at least 5), so a listing selling alone gets up to about five
 * times the others' share, while the noise of which channel's orders arrived first barely moves
 * an even split.
 */
function weightOf(l: AllocationListing, k: number): number {
  return (l.policy.weight ?? 1) * (k + Math.max(0, l.recentUnits))
}

function byPriority(listings: readonly AllocationListing[]): AllocationListing[] {
  return [...listings].sort(
    (a, b) =>
      (b.policy.priority ?? 0) - (a.policy.priority ?? 0) ||
      b.recentUnits - a.recentUnits ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
}

/**
 * What the hub believes a channel offers: what it last told (or read from) the channel, less the
 * units the account's orders committed since; `committedAtBase` may run ahead of `committed` by
 * sales a read showed before their orders arrived, and those count as offered until they do.
 * `raced`: units of orders placed while the last write was on its way (between the read before
 * it and its answer); on a channel without compare-and-set the write may have overwritten them,
 * so they do not lower the belief.
 */
export function believedOffer(
  offeredBase: number | null,
  committed: number,
  committedAtBase: number,
  raced = 0,
): number {
  return Math.max(0, (offeredBase ?? 0) - (committed - committedAtBase) + raced)
}

/**
 * A partitioned write of `planned`, given what the channel offers now (read just before the
 * write; null when not read): sales the hub has not heard of (the channel offers fewer than
 * `believed`) are already gone from the channel, so the write moves it by the planned difference
 * rather than setting a level they took. The new base counts those sales as committed, so their
 * orders, when they arrive, do not lower the belief again.
 */
export function partitionedWrite(
  planned: number,
  believed: number,
  onChannel: number | null,
  committed: number,
): { readonly quantity: number; readonly committedAtBase: number | undefined } {
  if (onChannel === null) return { quantity: planned, committedAtBase: undefined }
  const unheard = Math.max(0, believed - onChannel)
  return { quantity: Math.max(0, planned - unheard), committedAtBase: committed + unheard }
}

/**
 * The base a reconciliation read sets (`offered_base`, `committed_at_base`): the channel offers
 * `onChannel` now, and the hub believed `believed` with `committed` units heard.
 *
 * A **quiet** listing (its account committed no units of the SKU in the recent window,
 * `RECENT_SALES_SECONDS` in src/pipeline/plan-push.ts) has no sale in flight as far as the hub can
 * tell, so the read is taken as the truth. This is what releases units the writes strand on the
 * conservative side: a sale heard between a write landing and its record counted inside the base,
 * or a cancellation heard between a plan and its write lost by `partitionedWrite`'s clamp, leave
 * the hub believing the channel offers more than it does; the next quiet reconciliation ends that.
 *
 * A listing that is selling may have sales on the channel whose orders the hub has not heard of
 * yet: the shortfall is counted as those sales (committed at the base), so their orders, when they
 * arrive, do not lower the belief again (as `partitionedWrite` does).
 *
 * The quiet side has no conservative option: a sale the read already shows but whose order the
 * hub hears only after the read (a sale just before the read on a listing that had no other heard
 * sale in the window, or a shortfall whose webhook comes later than the window) is then counted
 * twice, and the hub believes the channel offers one unit fewer than it does until the next read.
 */
export function channelReadBase(
  believed: number,
  onChannel: number,
  committed: number,
  quiet: boolean,
): { readonly offeredBase: number; readonly committedAtBase: number } {
  if (quiet) return { offeredBase: onChannel, committedAtBase: committed }
  return { offeredBase: onChannel, committedAtBase: committed + Math.max(0, believed - onChannel) }
}
