import { z } from 'zod'
import { ChannelId, EventOriginId } from './channel.js'
import { defineEvent } from './envelope.js'

const Units = z.number().int().nonnegative()

/**
 * Why a SKU's available-to-sell changed:
 * - `on-hand-set`: an absolute on-hand level (`PUT /v1/inventory/:sku`, or the SKU's inventory-source channel)
 * - `adjustment`: a delta (`POST /v1/inventory/adjustments`)
 * - `reservation`: a channel order reserved, released or consumed units
 * - `safety-stock`: the SKU's safety stock was changed
 */
export const InventoryChangeCause = z
  .object({
    kind: z.enum(['on-hand-set', 'adjustment', 'reservation', 'safety-stock']),
    /** The order id, adjustment key or source of the change, where there is one. */
    reference: z.string().nullable(),
    /** The channel and account whose order or report caused it; null for the hub's own API. */
    channel: ChannelId.nullable(),
    account: z.string().nullable(),
  })
  .strict()
export type InventoryChangeCause = z.infer<typeof InventoryChangeCause>

/** One location's on-hand of a SKU (docs/inventory.md, "Locations"). */
export const LocationOnHand = z
  .object({
    location: z.string().min(1),
    onHand: z.number().int(),
    /** When the location's last absolute level was counted; null when it has had none. */
    onHandAsOf: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict()

/**
 * A SKU's available-to-sell changed: `ats = max(0, onHand − reserved − safetyStock)`. Emitted once
 * per SKU per committed batch that moved `ats` (changes applied together under one lock yield one
 * event carrying the batch's net result), in the transaction that changed it; the hub pushes the
 * new quantity to every listing of the SKU after its channel policy.
 */
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
      /**
       * Per location, the on-hand that adds up to `onHand`: present when the SKU is kept in a
       * location besides `default` and the change came from a level or adjustment (a change by
       * reservations alone leaves every location's on-hand as the last event said).
       */
      locations: z.array(LocationOnHand).optional(),
    })
    .strict(),
  EventOriginId,
)
export type InventoryChanged = z.infer<typeof InventoryChanged>

/** A listing as the hub maps it: a SKU's unit at one channel account. */
export const MappedListing = z
  .object({
    channel: ChannelId,
    account: z.string().min(1),
    /** The channel's ids of the unit, as configured in `PUT /v1/listings`. */
    unit: z.record(z.string(), z.unknown()),
  })
  .strict()

/**
 * Reconciliation found a channel offering a quantity other than the one the SKU's
 * available-to-sell and the listing's policy say; the hub pushes the expected quantity again.
 */
export const InventoryDriftDetected = defineEvent(
  'inventory.drift_detected.v1',
  z
    .object({
      sku: z.string().min(1),
      listing: MappedListing,
      /** What the channel should offer: the policy applied to the SKU's ats. */
      expected: Units,
      /** What the channel offers. */
      actual: Units,
      /** What the hub last pushed, and when; null when it never has. */
      lastPushed: z.object({ quantity: Units, at: z.iso.datetime({ offset: true }) }).nullable(),
    })
    .strict(),
  EventOriginId,
)
export type InventoryDriftDetected = z.infer<typeof InventoryDriftDetected>
