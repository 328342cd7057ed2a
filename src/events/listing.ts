import { z } from 'zod'
import { defineEvent } from './envelope.js'

export const ListingRef = z
  .object({
    sellerSku: z
      .string()
      .min(1)
      .nullable()
      .describe("The seller's own SKU code, where the channel reports it."),
    productId: z.string().min(1).nullable().describe("The channel's product or listing id."),
    unitId: z
      .string()
      .min(1)
      .nullable()
      .describe(
        "The channel's id of the sellable unit within the product (variant, SKU, inventory item).",
      ),
    locationId: z
      .string()
      .min(1)
      .nullable()
      .describe(
        'Warehouse, location, ship node or fulfilment channel, where levels are kept per location.',
      ),
    marketplaceId: z
      .string()
      .min(1)
      .nullable()
      .describe('Amazon marketplace id; null on other channels.'),
  })
  .strict()
  .describe(
    "A channel's sellable unit, in the channel's own identifiers. Which fields a channel fills:\n- Shopify: `unitId` = inventory item id, `locationId` = location id\n- Amazon: `sellerSku`, `productId` = ASIN, `marketplaceId`, `locationId` = fulfilment channel code\n- Walmart: `sellerSku`, `productId` = item id, `locationId` = ship node\n- TikTok Shop: `productId` = product id, `unitId` = SKU id, `sellerSku` when reported, `locationId` = warehouse id\nFields the channel does not report are null; every id is a string, never a JavaScript number.",
  )
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

export const ListingStatus = z
  .enum(['active', 'inactive', 'under_review', 'rejected', 'suspended', 'deleted', 'unknown'])
  .describe(
    "Where a listing stands at the channel, the same for every channel:\n- `active`: buyable (subject to stock)\n- `inactive`: the seller or the channel took it off sale\n- `under_review`: waiting for the channel's review\n- `rejected`: failed review; `reason` says why where the channel does\n- `suspended`: frozen by the channel\n- `deleted`: gone\n- `unknown`: the channel reported a change without saying what the listing's status is now",
  )
export type ListingStatus = z.infer<typeof ListingStatus>

export const ListingStatusChanged = defineEvent(
  'listing.status_changed.v1',
  z
    .object({
      listing: ListingRef,
      status: ListingStatus,
      channelStatus: z
        .record(z.string(), z.string().nullable())
        .describe("The channel's own status fields, verbatim."),
      reason: z
        .string()
        .nullable()
        .describe("The channel's reason (rejection, suspension), when it gives one."),
      changedFields: z
        .array(z.string())
        .describe(
          'Listing properties the channel says changed (its own names); empty when it does not say.',
        ),
    })
    .strict(),
).describe("A channel reported a change to a listing's status or content.")
export type ListingStatusChanged = z.infer<typeof ListingStatusChanged>
