import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { readPushes, readSkuEvents, type HistoryWindow } from './sku-rows.js'

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
 * available-to-sell and each listing's pushed quantity, from the same bounded reads as its
 * history (the newest `limit` of each).
 */
export async function skuSeries(
  db: Kysely<Database>,
  sku: string,
  window: HistoryWindow,
): Promise<SkuSeries> {
  const [events, pushes] = await Promise.all([
    readSkuEvents(db, [`sku/${sku}`], window),
    readPushes(db, sku, window),
  ])
  const ats = events
    .filter((e) => e.type === 'inventory.changed.v1' && typeof e.data.ats === 'number')
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
