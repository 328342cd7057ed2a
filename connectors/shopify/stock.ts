/**
 * Shopify stock: a listing is one inventory item at one location (channels.md §1 B3), its
 * `available` quantity set absolutely with `inventorySetQuantities` (§1 B1).
 */
import { z } from 'zod'
import type { StockSupport } from '../types.js'
import { MAX_QUANTITY, type ShopifyClient } from './client.js'
import type { ShopifyCredentials } from './config.js'
import { shopifyIdDigits, type ShopifyIdType } from './ids.js'

/** A Shopify id given as digits or as a gid of `type`, kept as digits. */
const IdOf = (type: ShopifyIdType) =>
  z.string().transform((value, ctx) => {
    const digits = shopifyIdDigits(type, value)
    if (digits === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a ${type} id: digits or gid://shopify/${type}/<digits>`,
      })
      return z.NEVER
    }
    return digits
  })

export const ShopifyUnit = z
  .object({
    inventoryItemId: IdOf('InventoryItem'),
    locationId: IdOf('Location'),
  })
  .strict()
export type ShopifyUnit = z.infer<typeof ShopifyUnit>

export const shopifyStock: StockSupport<ShopifyCredentials, ShopifyUnit, ShopifyClient> = {
  unit: ShopifyUnit,
  // An internal SKU names no inventory item: Shopify's ids must be given.
  defaultUnit: () => undefined,
  unitKey: (unit) => `${unit.inventoryItemId}@${unit.locationId}`,
  reportedUnitKey: (ref) =>
    ref.unitId !== null && ref.locationId !== null ? `${ref.unitId}@${ref.locationId}` : undefined,
  // Order lines are matched by the variant's SKU, which is the seller's own (not a Shopify id).
  channelSku: () => undefined,
  // Assumption: a Standard plan's bucket restores 100 points/s (channels.md §1 B2) and a
  // one-quantity set costs about 10 points, so 10 writes/s; larger plans restore faster.
  pushRate: { max: 10, durationMs: 1_000 },
  throttlePauseMs: 1_000,
  /**
   * `INVALID_QUANTITY_NEGATIVE` below 0, `INVALID_QUANTITY_TOO_HIGH` above 1,000,000,000
   * (channels.md §1 B1; https://shopify.dev/docs/api/admin-graphql/latest/enums/InventorySetQuantitiesUserErrorCode).
   */
  quantityRange: { min: 0, max: MAX_QUANTITY },
  async write(client, unit, write) {
    await client.setQuantities({
      quantities: [
        {
          inventoryItemId: unit.inventoryItemId,
          locationId: unit.locationId,
          quantity: write.quantity,
          changeFromQuantity: client.compareAndSet ? write.expected : null,
        },
      ],
      idempotencyKey: write.idempotencyKey,
    })
    return { status: 'applied', quantity: write.quantity }
  },
  read: (client, unit) => client.readAvailable(unit.inventoryItemId, unit.locationId),
}
