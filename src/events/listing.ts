import { z } from 'zod'
import { defineEvent } from './envelope.js'

/**
 * A channel's sellable unit, in the channel's own identifiers. Which fields a channel fills:
 * - Shopify: `unitId` = inventory item id, `locationId` = location id
 * - Amazon: `sellerSku`, `productId` = ASIN, `marketplaceId`, `locationId` = fulfilment channel code
 * - Walmart: `sellerSku`, `productId` = item id, `locationId` = ship node
 * - TikTok Shop: `productId` = product id, `unitId` = SKU id, `sellerSku` when reported,
 *   `locationId` = warehouse id
 * Fields the channel does not report are null; every id is a string, never a JavaScript number.
 */
export const ListingRef = z
  .object({
    /** The seller's own SKU code, where the channel reports it. */
    sellerSku: z.string().min(1).nullable(),
    /** The channel's product or listing id. */
    productId: z.string().min(1).nullable(),
    /** The channel's id of the sellable unit within the product (variant, SKU, inventory item). */
    unitId: z.string().min(1).nullable(),
    /** Warehouse, location, ship node or fulfilment channel, where levels are kept per location. */
    locationId: z.string().min(1).nullable(),
    /** Amazon marketplace id; null on other channels. */
    marketplaceId: z.string().min(1).nullable(),
  })
  .strict()
export type ListingRef = z.infer<typeof ListingRef>

/**
 * The subject of an event about a listing: `sku/<seller SKU>` when the channel names the seller's
 * SKU, else `listing/<product id>/<unit id>` from whichever of those it reports.
 */
export function listingSubject(listing: ListingRef): string {
  if (listing.sellerSku) return `sku/${listing.sellerSku}`
  const ids = [listing.productId, listing.unitId].filter((id): id is string => id !== null)
  return `listing/${ids.join('/')}`
}

/**
 * Where a listing stands at the channel, the same for every channel:
 * - `active`: buyable (subject to stock)
 * - `inactive`: the seller or the channel took it off sale
 * - `under_review`: waiting for the channel's review
 * - `rejected`: failed review; `reason` says why where the channel does
 * - `suspended`: frozen by the channel
 * - `deleted`: gone
 * - `unknown`: the channel reported a change without saying what the listing's status is now
 */
export const ListingStatus = z.enum([
  'active',
  'inactive',
  'under_review',
  'rejected',
  'suspended',
  'deleted',
  'unknown',
])
export type ListingStatus = z.infer<typeof ListingStatus>

/** A channel reported a change to a listing's status or content. */
export const ListingStatusChanged = defineEvent(
  'listing.status_changed.v1',
  z
    .object({
      listing: ListingRef,
      status: ListingStatus,
      /** The channel's own status fields, verbatim. */
      channelStatus: z.record(z.string(), z.string().nullable()),
      /** The channel's reason (rejection, suspension), when it gives one. */
      reason: z.string().nullable(),
      /** Listing properties the channel says changed (its own names); empty when it does not say. */
      changedFields: z.array(z.string()),
    })
    .strict(),
)
export type ListingStatusChanged = z.infer<typeof ListingStatusChanged>
