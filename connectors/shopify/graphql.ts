/**
 * The GraphQL documents the client sends, and the shapes of their `data` it reads.
 *
 * - `inventorySetQuantities(input: InventorySetQuantitiesInput!)` with `@idempotent(key:)`,
 *   answering `InventorySetQuantitiesPayload { inventoryAdjustmentGroup, userErrors { code field
 *   message } }` (channels.md §1 B1;
 *   https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities,
 *   https://shopify.dev/docs/api/usage/idempotent-requests for the directive).
 * - `inventoryItem(id:) { inventoryLevel(locationId:) { quantities(names: ["available"]) } }`:
 *   null item → unknown item; null level → not stocked at the location
 *   (https://shopify.dev/docs/api/admin-graphql/latest/objects/InventoryItem,
 *   https://shopify.dev/docs/api/admin-graphql/latest/objects/InventoryLevel).
 */
import { z } from 'zod'

export const SET_QUANTITIES = `mutation HubSetAvailable($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup {
      id
      changes { name delta quantityAfterChange }
    }
    userErrors { code field message }
  }
}`

export const READ_AVAILABLE = `query HubReadAvailable($inventoryItemId: ID!, $locationId: ID!) {
  inventoryItem(id: $inventoryItemId) {
    id
    inventoryLevel(locationId: $locationId) {
      id
      quantities(names: ["available"]) { name quantity }
    }
  }
}`

const UserError = z.object({
  /** An `InventorySetQuantitiesUserErrorCode`; nullable in the schema. */
  code: z
    .string()
    .nullish()
    .transform((c) => c ?? undefined),
  /** The path to the input field, e.g. `["input", "quantities", "0", "quantity"]`. */
  field: z.array(z.string()).nullish(),
  message: z.string(),
})
export type SetQuantitiesUserError = z.infer<typeof UserError>

export const SetQuantitiesAnswer = z.object({
  inventorySetQuantities: z.object({
    /** The adjustment made; null when nothing was (the emulator's all-or-nothing, stock.ts). */
    inventoryAdjustmentGroup: z.object({ id: z.string() }).nullish(),
    userErrors: z.array(UserError),
  }),
})

export const ReadAvailableAnswer = z.object({
  inventoryItem: z
    .object({
      inventoryLevel: z
        .object({
          quantities: z.array(z.object({ name: z.string(), quantity: z.int() })),
        })
        .nullable(),
    })
    .nullable(),
})
