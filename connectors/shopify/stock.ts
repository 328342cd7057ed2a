/**
 * Shopify stock: a listing is one inventory item at one location (channels.md §1 B3), its
 * `available` quantity set absolutely with `inventorySetQuantities` (§1 B1).
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { BulkStockResult, StockSupport } from '../types.js'
import { MAX_QUANTITIES_PER_CALL, MAX_QUANTITY, type ShopifyClient } from './client.js'
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
  /**
   * Many levels in one `inventorySetQuantities`: its `quantities` list takes up to 250 (Shopify's
   * limit on every input array, `MAX_QUANTITIES_PER_CALL`), each with its own `changeFromQuantity`,
   * and the call costs what a one-quantity call does (10 points), so from two due levels on one
   * call is cheaper than two.
   */
  bulk: {
    maxItems: MAX_QUANTITIES_PER_CALL,
    minItems: 2,
    async writeMany(client, items) {
      const results: BulkStockResult[] = []
      // The pipeline sends at most maxItems; more would be refused whole by Shopify.
      for (let start = 0; start < items.length; start += MAX_QUANTITIES_PER_CALL) {
        const batch = items.slice(start, start + MAX_QUANTITIES_PER_CALL)
        // One key for the call, from the items' own: the same jobs resent give the same key.
        const batchKey = createHash('sha256')
          .update(JSON.stringify(batch.map((i) => i.write.idempotencyKey)))
          .digest('hex')
          .slice(0, 32)
        const errors = await client.setQuantitiesEach({
          quantities: batch.map(({ unit, write }) => ({
            inventoryItemId: unit.inventoryItemId,
            locationId: unit.locationId,
            quantity: write.quantity,
            changeFromQuantity: client.compareAndSet ? write.expected : null,
          })),
          idempotencyKey: batchKey,
          referenceDocumentUri: `gid://marketplace-hub/StockPushBatch/${batchKey}`,
        })
        batch.forEach(({ key, write }, i) => {
          const error = errors[i]
          results.push(
            error === undefined
              ? { key, ok: true, status: 'applied', quantity: write.quantity }
              : { key, ok: false, error },
          )
        })
      }
      return results
    },
  },
}
