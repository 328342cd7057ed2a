import type { PushRow } from './push-entry.js'
import type { SkuEventRow } from './sku-rows.js'

/** A quantity from a moment on. */
export interface QuantityAt {
  readonly at: Date
  readonly quantity: number
}

export interface SkuSeries {
  /** Available to sell after each change in the window (`inventory.changed.v1`), oldest first. */
  readonly ats: readonly QuantityAt[]
  /** What each listing was sent by each push that sent a quantity, oldest first. */
  readonly pushed: readonly {
    readonly listingId: string
    readonly where: string
    readonly points: readonly QuantityAt[]
  }[]
}

/**
 * A SKU's stock over a window as numbers to draw (the console's per-SKU picture): its
 * available-to-sell and each listing's pushed quantity, from the rows its history read (the
 * newest of each source in the window, newest first).
 */
export function seriesOf(
  sku: string,
  events: readonly SkuEventRow[],
  pushes: readonly PushRow[],
): SkuSeries {
  const ats = events
    .filter(
      (e) =>
        e.type === 'inventory.changed.v1' &&
        e.subject === `sku/${sku}` &&
        typeof e.data.ats === 'number',
    )
    .map((e) => ({ at: e.recorded_at, quantity: e.data.ats as number }))
    .reverse()
  const byListing = new Map<string, { where: string; points: QuantityAt[] }>()
  for (const p of [...pushes].reverse()) {
    if (p.quantity === null || p.status === 'failed') continue
    let listing = byListing.get(p.listing_id)
    if (!listing) {
      listing = { where: `${p.channel}/${p.account_id}`, points: [] }
      byListing.set(p.listing_id, listing)
    }
    listing.points.push({ at: p.at, quantity: p.quantity })
  }
  return {
    ats,
    pushed: [...byListing].map(([listingId, l]) => ({ listingId, ...l })),
  }
}
