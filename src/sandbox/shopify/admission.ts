/**
 * Shopify's GraphQL cost limit as the emulator enforces it: a leaky bucket per app and store of
 * calculated query cost, 1000 points restoring at 100 points/s (a Standard plan's restore rate,
 * channels.md §1 B2; the bucket size is unconfirmed there, 1000 being the documented limit of a
 * single query). A call is admitted when the bucket holds its cost, and answered THROTTLED
 * otherwise; every answer reports the bucket in `extensions.cost.throttleStatus`.
 */

export const MAXIMUM_AVAILABLE = 1_000
export const RESTORE_RATE = 100

export interface ThrottleStatus {
  readonly maximumAvailable: number
  readonly currentlyAvailable: number
  readonly restoreRate: number
}

export class EmulatedCostBucket {
  private available = MAXIMUM_AVAILABLE
  private updatedAt = Date.now()

  /** Takes `cost` points when the bucket holds them; says whether it did. */
  take(cost: number): boolean {
    this.refill()
    if (this.available < cost) return false
    this.available -= cost
    return true
  }

  status(): ThrottleStatus {
    this.refill()
    return {
      maximumAvailable: MAXIMUM_AVAILABLE,
      // Shopify reports whole points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: RESTORE_RATE,
    }
  }

  private refill(): void {
    const now = Date.now()
    this.available = Math.min(
      MAXIMUM_AVAILABLE,
      this.available + ((now - this.updatedAt) / 1000) * RESTORE_RATE,
    )
    this.updatedAt = now
  }
}
