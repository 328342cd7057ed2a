export interface Adjustment {
  readonly idempotencyKey: string
  readonly sku: string
  /** Signed change of on-hand units. */
  readonly delta: number
  readonly reason: string | null
  /** The location whose on-hand changes; absent: `default`. */
  readonly location?: string
}

/**
 * What became of an adjustment. Applied exactly once per idempotency key (see `planLedger`); its
 * `inventory.changed.v1`, if ats moved, is its SKU's one event of the batch it was applied in.
 */
export type AdjustmentOutcome =
  | { readonly status: 'applied'; readonly onHandAfter: number }
  /** The key was applied before with the same SKU and delta: nothing changes now. */
  | { readonly status: 'duplicate'; readonly onHandAfter: number }
  /** The key was applied before to a different SKU, delta or location: a client bug, refused. */
  | {
      readonly status: 'conflict'
      /** `location` only when not `default`. */
      readonly existing: { sku: string; delta: number; location?: string }
    }
