/**
 * Walmart stock: a listing's unit is the seller SKU, at one ship node or (no `shipNode`) the
 * seller's default node (channels.md §3 B3). Writes are absolute (`PUT /v3/inventory`); Walmart
 * documents no compare-and-set and no idempotency key (channels.md §3 B1, unconfirmed that none
 * exists), so `expected` and `idempotencyKey` are not sent: resending an absolute level is safe.
 */
import { z } from 'zod'
import { ChannelApiError } from '../shared/api-error.js'
import { HUB_MAX_QUANTITY } from '../shared/quantity-range.js'
import type { StockSupport } from '../types.js'
import type { WalmartClient } from './client.js'
import type { WalmartCredentials } from './config.js'
import { MAX_FEED_BYTES, MAX_FEED_ITEMS } from './feeds.js'
import { FEED_GATHER } from '../shared/feed-wait.js'

/**
 * The longest line of an inventory feed: `{"sku":"…","quantity":{"unit":"EACH","amount":…}}`
 * with a 50-character SKU of 4-byte characters (Walmart's `sku` maxLength is 50 in its item
 * specs: an assumption here), a 9-digit amount, the comma and `"shipNode":"…"` of 20 bytes.
 */
const MAX_LINE_BYTES = 50 * 4 + 55 + 9 + 35

export const WalmartUnit = z
  .object({
    sku: z.string().min(1, 'must not be empty'),
    /** A ship node id; absent means the seller's default node. The client refuses an empty one. */
    shipNode: z.string().min(1, 'must not be empty; leave it out for the default node').optional(),
  })
  .strict()
export type WalmartUnit = z.infer<typeof WalmartUnit>

export const walmartStock: StockSupport<WalmartCredentials, WalmartUnit, WalmartClient> = {
  unit: WalmartUnit,
  // The seller SKU alone names the unit at the default node.
  defaultUnit: (sku) => ({ sku }),
  unitKey: (unit) => `${unit.sku}@${unit.shipNode ?? ''}`,
  reportedUnitKey: (ref) =>
    ref.sellerSku === null ? undefined : `${ref.sellerSku}@${ref.locationId ?? ''}`,
  channelSku: (unit) => unit.sku,
  /**
   * Assumption, not a documented figure: Walmart's limit for the single-SKU `PUT /v3/inventory`
   * is unconfirmed (channels.md §3 B2; Walmart calls the non-feed inventory APIs "highly
   * throttled"). 5 per second matches the client's own default pacing per API
   * (`rateLimitPerSecond` in config.ts), so pushes are never queued twice.
   */
  pushRate: { max: 5, durationMs: 1_000 },
  /** Walmart documents Retry-After for feeds only (channels.md §3 B2); without it, pause 1 s. */
  throttlePauseMs: 1_000,
  /**
   * `quantity.amount` is typed `number`, "Inventory Count", with no documented bounds
   * (https://developer.walmart.com/us-marketplace/docs/update-single-item-inventory; spec mirrored
   * in realworld-samples/walmart/inventory-put.spec.json). Undocumented, so: a count is ≥ 0, and
   * at most the largest quantity the hub stores.
   */
  quantityRange: { min: 0, max: HUB_MAX_QUANTITY },

  /**
   * Inventory feeds (feeds.ts). `maxItems`: the fewer of 50,000 items and what fits in 5 MB at
   * the longest line, so a full chunk is never refused for its size. `minItems`: ten feeds an
   * hour is one per 6 minutes, in which single writes at 5/s (`pushRate`) send 1,800; fewer go
   * out sooner as single writes, without a feed's half hour of processing and its share of the
   * hourly limit. A line Walmart reports SUCCESS is `applied`.
   */
  bulk: {
    maxItems: Math.min(MAX_FEED_ITEMS, Math.floor(MAX_FEED_BYTES / MAX_LINE_BYTES) - 1),
    minItems: 1_800,
    gather: FEED_GATHER,
    async writeMany(client, items) {
      const outcomes = await client.setStockMany(
        items.map(({ unit, write }) => ({ ...unit, quantity: write.quantity })),
      )
      return items.map(({ key, unit, write }, i) => {
        const outcome = outcomes[i]!
        if (outcome.ok) return { key, ok: true, status: 'applied', quantity: write.quantity }
        const error = new ChannelApiError(
          outcome.kind,
          `Walmart sku ${unit.sku}: ${outcome.reason}`,
          outcome.code === undefined ? {} : { code: outcome.code },
        )
        return { key, ok: false, error }
      })
    },
  },

  async write(client, unit, write) {
    await client.setStock({ ...unit, quantity: write.quantity })
    return { status: 'applied', quantity: write.quantity }
  },

  async read(client, unit) {
    try {
      return (await client.getStock(unit)).quantity
    } catch (err) {
      if (isUnknownSku(err)) return null
      throw err
    }
  },
}

/**
 * Get inventory answers 404 `CONTENT_NOT_FOUND…` for a SKU the seller does not list
 * (https://developer.walmart.com/us-marketplace/docs/error-codes). Any other 404 (a wrong base
 * URL, `URI_NOT_FOUND`) stays an error: it says nothing about the listing.
 */
function isUnknownSku(err: unknown): boolean {
  return (
    err instanceof ChannelApiError &&
    err.details.status === 404 &&
    err.details.code?.startsWith('CONTENT_NOT_FOUND') === true
  )
}
