import { z } from 'zod'
import { defineEvent } from './envelope.js'
import { ListingRef } from './listing.js'

export const StockStatus = z
  .enum(['in_stock', 'low_stock', 'out_of_stock'])
  .describe("A channel's coarse stock band, where it reports one instead of (or beside) a number.")
export type StockStatus = z.infer<typeof StockStatus>

export const InventoryReported = defineEvent(
  'inventory.reported.v1',
  z
    .object({
      listing: ListingRef,
      available: z
        .number()
        .int()
        .nonnegative()
        .nullable()
        .describe('Units the channel says it can sell now; null when it reports only a band.'),
      onHand: z
        .number()
        .int()
        .nonnegative()
        .nullable()
        .describe(
          'Units physically held for the listing, including ones reserved or committed; null when not reported.',
        ),
      stockStatus: StockStatus.nullable(),
      channelStatus: z
        .record(z.string(), z.string().nullable())
        .describe(
          "The channel's own fields about the report, verbatim (e.g. TikTok's `alert_type`).",
        ),
    })
    .strict(),
).describe(
  "A channel's own report of a listing's stock level: what the channel believes, not the hub's available-to-sell. Emitted for every report; comparing it with what the hub pushed is the consumer's (and the inventory ledger's) business.",
)
export type InventoryReported = z.infer<typeof InventoryReported>
