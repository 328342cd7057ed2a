/**
 * The one check every stock quantity passes before the hub calls a channel with it: each channel
 * declares the quantities its stock write takes (`StockSupport.quantityRange`, with its source),
 * and the push pipeline fits the hub's quantity into that range here, for every channel alike.
 */

/** Whole units a channel's stock write accepts, both ends included. */
export interface QuantityRange {
  readonly min: number
  readonly max: number
}

/**
 * The largest quantity the hub itself stores: `listing.last_pushed_quantity` and the ledger's
 * `on_hand` are PostgreSQL `integer` columns (src/db/migrations/2026-11-22T0990_inventory-ledger.ts). The bound
 * for a channel that documents none.
 */
export const HUB_MAX_QUANTITY = 2_147_483_647

export type QuantityFit =
  /** Send `quantity`; `cappedFrom` is the hub's quantity when it was above the channel's maximum. */
  | { readonly ok: true; readonly quantity: number; readonly cappedFrom?: number }
  /** Sending cannot be right: a permanent error, worded for an operator. */
  | { readonly ok: false; readonly reason: string }

/**
 * What to send a channel for `quantity`. Above the channel's maximum the maximum is sent: the
 * channel then offers fewer units than the hub holds, which never oversells, whereas refusing
 * would leave an older, possibly far lower or higher, level in place. Anything else outside the
 * range (negative, fractional, not a number, below a channel minimum) means a bug upstream, and
 * no call can fix it.
 */
export function fitQuantity(range: QuantityRange, quantity: number): QuantityFit {
  const bound = `the channel takes whole units from ${range.min} to ${range.max}`
  if (!Number.isInteger(quantity)) {
    return { ok: false, reason: `quantity ${quantity} is not a whole number; ${bound}` }
  }
  if (quantity < range.min) {
    return { ok: false, reason: `quantity ${quantity} is below ${range.min}; ${bound}` }
  }
  if (quantity > range.max) return { ok: true, quantity: range.max, cappedFrom: quantity }
  return { ok: true, quantity }
}
