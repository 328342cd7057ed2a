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
    /**
     * How the SKU's available-to-sell is shared among its listings (docs/inventory.md,
     * "Allocation"): `partitioned` (the default) splits it so what all channels list adds up to at
     * most what is available; `shared` offers every listing all of it; `auto` is shared while at
     * least `autoBelow` units are available and partitioned below.
     */
    allocation: z.enum(['shared', 'partitioned', 'auto']).optional(),
    /** A listing's relative share of a partition (default 1): weight 2 gets twice weight 1's units. */
    weight: z
      .number()
      .positive(
        'weight must be above 0: weights are relative shares (use maxListed to cap a listing)',
      )
      .max(1_000_000)
      .optional(),
    /** Who gets the odd units of a partition first, and is lowered last (default 0; higher first). */
    priority: z.number().int().min(-1000).max(1000).optional(),
    /** `auto`: partition when fewer units than this are available (default: derived from sales). */
    autoBelow: Units.optional(),
    /**
     * Push even while the SKU's on-hand is unknown (no level, no adjustment yet). Off by default:
     * a listing created before the first count would otherwise tell the channel 0 and hide a live
     * listing.
     */
    pushUnknownOnHand: z.boolean().optional(),
  })
  .strict()
export type StockPolicy = z.infer<typeof StockPolicy>

export type AllocationMode = NonNullable<StockPolicy['allocation']>

/** The mode when neither the account nor the listing names one: the one that cannot oversell. */
export const DEFAULT_ALLOCATION: AllocationMode = 'partitioned'

/**
 * The field that makes a policy unable to offer a unit whatever is available (percentage 0,
 * maximum 0; every other step only matters for small quantities), and why; undefined when it can
 * offer one. Such a
 * policy is refused, not stored: a listing that must offer nothing is deleted, not starved.
 */
export function neverLists(policy: StockPolicy): { field: string; reason: string } | undefined {
  if (listedQuantity(Number.MAX_SAFE_INTEGER, policy) > 0) return undefined
  if (policy.percentage === 0)
    return { field: 'percentage', reason: 'percentage 0 never offers a unit' }
  return { field: 'maxListed', reason: 'maxListed 0 never offers a unit' }
}

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
