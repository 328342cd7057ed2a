/**
 * The `inventory_levels/update` webhook body (REST InventoryLevel resource), as far as the
 * normalizer reads it (channels.md §1 A5;
 * https://shopify.dev/docs/api/admin-rest/latest/resources/inventorylevel):
 * `{ inventory_item_id, location_id, available, updated_at, admin_graphql_api_id }`. Unknown
 * fields are stripped. `available` is null for an item whose inventory Shopify does not track,
 * and may be negative when a store keeps selling out of stock.
 */
import { z } from 'zod'
import { DigitId } from '../shared/digit-id.js'

export const ShopifyInventoryLevelPayload = z.object({
  inventory_item_id: DigitId,
  location_id: DigitId,
  available: z.int().nullable(),
  updated_at: z.iso.datetime({ offset: true }),
})
export type ShopifyInventoryLevelPayload = z.infer<typeof ShopifyInventoryLevelPayload>
