import { z } from 'zod'
import { ChannelId, EventOriginId } from './channel.js'
import { defineEvent } from './envelope.js'

const Units = z.number().int().nonnegative()

export const InventoryChangeCause = z
  .object({
    kind: z.enum(['on-hand-set', 'adjustment', 'reservation', 'safety-stock']),
    reference: z
      .string()
      .nullable()
      .describe('The order id, adjustment key or source of the change, where there is one.'),
    channel: ChannelId.nullable().describe(
      "The channel and account whose order or report caused it; null for the hub's own API.",
    ),
    account: z.string().nullable(),
  })
  .strict()
  .describe(
    "Why a SKU's available-to-sell changed:\n- `on-hand-set`: an absolute on-hand level (`PUT /v1/inventory/:sku`, or the SKU's inventory-source channel)\n- `adjustment`: a delta (`POST /v1/inventory/adjustments`)\n- `reservation`: a channel order reserved, released or consumed units\n- `safety-stock`: the SKU's safety stock was changed",
  )
export type InventoryChangeCause = z.infer<typeof InventoryChangeCause>

export const LocationOnHand = z
  .object({
    location: z.string().min(1),
    onHand: z.number().int(),
    onHandAsOf: z.iso
      .datetime({ offset: true })
      .nullable()
      .describe("When the location's last absolute level was counted; null when it has had none."),
  })
  .strict()
  .describe('One location\'s on-hand of a SKU (docs/inventory.md, "Locations").')

export const InventoryChanged = defineEvent(
  'inventory.changed.v1',
  z
    .object({
      sku: z.string().min(1),
      onHand: z.number().int(),
      reserved: Units,
      safetyStock: Units,
      ats: Units,
      previousAts: Units,
      cause: InventoryChangeCause,
      locations: z
        .array(LocationOnHand)
        .optional()
        .describe(
          "Per location, the on-hand that adds up to `onHand`: present when the SKU is kept in a location besides `default` and the change came from a level or adjustment (a change by reservations alone leaves every location's on-hand as the last event said).",
        ),
    })
    .strict(),
  EventOriginId,
).describe(
  "A SKU's available-to-sell changed: `ats = max(0, onHand − reserved − safetyStock)`. Emitted once per SKU per committed batch that moved `ats` (changes applied together under one lock yield one event carrying the batch's net result), in the transaction that changed it; the hub pushes the new quantity to every listing of the SKU after its channel policy.",
)
export type InventoryChanged = z.infer<typeof InventoryChanged>

export const MappedListing = z
  .object({
    channel: ChannelId,
    account: z.string().min(1),
    unit: z
      .record(z.string(), z.unknown())
      .describe("The channel's ids of the unit, as configured in `PUT /v1/listings`."),
  })
  .strict()
  .describe("A listing as the hub maps it: a SKU's unit at one channel account.")

export const InventoryDriftDetected = defineEvent(
  'inventory.drift_detected.v1',
  z
    .object({
      sku: z.string().min(1),
      listing: MappedListing,
      expected: Units.describe(
        "What the channel should offer: the policy applied to the SKU's ats.",
      ),
      actual: Units.describe('What the channel offers.'),
      lastPushed: z
        .object({ quantity: Units, at: z.iso.datetime({ offset: true }) })
        .nullable()
        .describe('What the hub last pushed, and when; null when it never has.'),
    })
    .strict(),
  EventOriginId,
).describe(
  "Reconciliation found a channel offering a quantity other than the one the SKU's available-to-sell and the listing's policy say; the hub pushes the expected quantity again.",
)
export type InventoryDriftDetected = z.infer<typeof InventoryDriftDetected>
