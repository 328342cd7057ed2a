import { z } from 'zod'

const Units = z.number().int().nonnegative()

/**
 * How much of a SKU's available-to-sell a channel is offered. Set per account in the accounts
 * file (`stock.policy`) and overridable per listing; a listing's fields replace the account's.
 */
export const StockPolicy = z
  .object({
    /** Offer only this percentage of ats, rounded down (0–100). */
    percentage: z.number().min(0).max(100).optional(),
    /** Then hold back this many units. */
    buffer: Units.optional(),
    /** Then offer 0 when fewer than this many units would be offered (avoid selling the last few). */
    zeroBelow: Units.optional(),
    /** Never offer more than this. */
    maxListed: Units.optional(),
  })
  .strict()
export type StockPolicy = z.infer<typeof StockPolicy>

/**
 * The quantity a channel is offered for `ats` units under `policy`, applied in a fixed order:
 * percentage, buffer, zero-below, maximum. Every step only lowers the number, so the result is
 * never more than `ats` (DESIGN.md §10 invariant 5) and never negative.
 */
export function listedQuantity(ats: number, policy: StockPolicy): number {
  let q = Math.max(0, Math.floor(ats))
  if (policy.percentage !== undefined) q = Math.floor((q * policy.percentage) / 100)
  if (policy.buffer !== undefined) q = Math.max(0, q - policy.buffer)
  if (policy.zeroBelow !== undefined && q < policy.zeroBelow) q = 0
  if (policy.maxListed !== undefined) q = Math.min(q, policy.maxListed)
  return q
}

/** A listing's policy: the account's, with the listing's own fields in place of the account's. */
export function effectivePolicy(account: StockPolicy, listing: StockPolicy): StockPolicy {
  return { ...account, ...listing }
}

/** Available-to-sell: `max(0, onHand − reserved − safetyStock)` (DESIGN.md §6). */
export function availableToSell(onHand: number, reserved: number, safetyStock: number): number {
  return Math.max(0, onHand - reserved - safetyStock)
}
