/**
 * Stock writes and reads: the two inventory operations the emulator serves, against `state.stock`
 * (units by internal SKU, found from the inventory item id through seller.ts):
 * - `inventorySetQuantities` (channels.md §1 B1; https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities):
 *   2026-04 rules — `@idempotent(key:)` and an explicit `changeFromQuantity` per quantity are
 *   required; a `changeFromQuantity` other than null must equal the level
 *   (`CHANGE_FROM_QUANTITY_STALE`), checked per quantity, each refusal naming its quantity's
 *   index in `field`; at most 250 quantities (MAX_INPUT_ARRAY); all or nothing (Shopify does not
 *   document partial success: the emulator applies no quantity of a call with any userError and
 *   answers a null `inventoryAdjustmentGroup`); a key used again with the same input answers
 *   as the first time, with another input `IDEMPOTENCY_KEY_PARAMETER_MISMATCH`.
 * - `inventoryItem(id:) { inventoryLevel(locationId:) { quantities(names: ["available"]) } }`.
 * Error codes: https://shopify.dev/docs/api/admin-graphql/latest/enums/InventorySetQuantitiesUserErrorCode.
 */
import { z } from 'zod'
import type { ChannelState } from '../types.js'
import { invalidVariable, type Operation, type Resolved } from './graphql.js'
import { LOCATION_ID, idsOf, skuOfItem, storeLocation } from './seller.js'

/** Per store: the first answer given under each idempotency key, and the input it was for. */
export type IdempotencyKeys = Map<string, { readonly input: string; readonly answer: Resolved }>

/** Keys kept; Shopify's retention window is unconfirmed, the emulator forgets the oldest. */
const KEYS_KEPT = 50_000

/** GraphQL `Int` is 32-bit signed. */
const Int = z
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1)

const QuantityInput = z
  .object({
    inventoryItemId: z.string(),
    locationId: z.string(),
    quantity: Int,
    changeFromQuantity: Int.nullable().optional(),
  })
  .strict()

const SetInput = z
  .object({
    name: z.string(),
    reason: z.string(),
    referenceDocumentUri: z.string().nullable().optional(),
    quantities: z.array(QuantityInput),
  })
  .strict()

/** Shopify's inventory adjustment reasons (InventorySetQuantitiesInput.reason docs). */
const REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_canceled',
  'movement_created',
  'movement_received',
  'movement_updated',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
])

const MAX_QUANTITY = 1_000_000_000

/**
 * "Input arguments that accept an array have a maximum size of 250 for all APIs. Requests return
 * an error if an input array exceeds 250 items." (https://shopify.dev/docs/api/usage/limits).
 * The error's wording and code are not on that page; the emulator answers the
 * `MAX_INPUT_SIZE_EXCEEDED` top-level error public Shopify mocks answer (unconfirmed).
 */
export const MAX_INPUT_ARRAY = 250

/**
 * The message Shopify gives with each `InventorySetQuantitiesUserErrorCode` the emulator answers,
 * or a test injects (the two it gives only under failure: a concurrent request under the same
 * key, a key whose earlier attempt failed). The enum's descriptions:
 * https://shopify.dev/docs/api/admin-graphql/latest/enums/InventorySetQuantitiesUserErrorCode.
 */
const MESSAGES = {
  CHANGE_FROM_QUANTITY_STALE: 'The changeFromQuantity value does not match persisted value.',
  IDEMPOTENCY_CONCURRENT_REQUEST: 'This request is currently in progress, please try again.',
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH:
    'The same idempotency key cannot be used with different operation parameters.',
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED:
    'A previous request with this idempotency key failed. Retry with a new idempotency key.',
  INVALID_INVENTORY_ITEM: 'The specified inventory item could not be found.',
  INVALID_LOCATION: 'The specified location could not be found.',
  // `on_hand` is valid at Shopify too; the emulator keeps only what is available.
  INVALID_NAME: "The quantity name must be 'available' here.",
  INVALID_QUANTITY_NEGATIVE: "The quantity can't be negative.",
  INVALID_QUANTITY_TOO_HIGH: "The total quantity can't be higher than 1,000,000,000.",
  INVALID_REASON: 'The specified reason is invalid.',
  INVALID_REFERENCE_DOCUMENT: 'The specified reference document is invalid.',
  ITEM_NOT_STOCKED_AT_LOCATION: 'The specified inventory item is not stocked at the location.',
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR:
    'The combination of inventoryItemId and locationId must be unique.',
} as const

export type UserErrorCode = keyof typeof MESSAGES

export interface UserError {
  readonly code: UserErrorCode
  readonly field: readonly string[] | null
  readonly message: string
}

/** A userError as Shopify words it; `field` is the path to the input that caused it. */
export function userError(code: UserErrorCode, field: readonly string[] | null = null): UserError {
  return { code, field, message: MESSAGES[code] }
}

let adjustmentGroups = 0

export function setQuantities(
  state: ChannelState,
  op: Extract<Operation, { kind: 'set' }>,
  variables: Readonly<Record<string, unknown>>,
  keys: IdempotencyKeys,
  onApplied: (skus: readonly string[]) => void,
): Resolved {
  const raw = variables[op.inputVariable]
  const parsed = SetInput.safeParse(raw)
  if (!parsed.success) {
    return {
      errors: [
        invalidVariable(op.inputVariable, 'InventorySetQuantitiesInput!', raw, parsed.error.issues),
      ],
    }
  }
  // Mandatory from 2026-04 (channels.md §1 B1); the exact error Shopify answers is unconfirmed.
  if (typeof op.idempotencyKey !== 'string' || op.idempotencyKey === '') {
    return {
      errors: [
        {
          message: 'The @idempotent directive with a non-empty key is required for this mutation.',
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    }
  }
  const input = parsed.data
  if (input.quantities.length > MAX_INPUT_ARRAY) {
    return {
      errors: [
        {
          message: `The input array size of ${input.quantities.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
          path: ['inventorySetQuantities', 'input', 'quantities'],
          extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
        },
      ],
    }
  }
  const missing = input.quantities.findIndex((q) => q.changeFromQuantity === undefined)
  if (missing >= 0) {
    // Required at run time from 2026-04, null to opt out; the exact error is unconfirmed.
    return {
      errors: [
        {
          message: `quantities.${missing}.changeFromQuantity must be given (null to skip the compare-and-set check)`,
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    }
  }

  const key = op.idempotencyKey
  const inputJson = JSON.stringify(input)
  const earlier = keys.get(key)
  if (earlier) {
    if (earlier.input === inputJson) return earlier.answer
    return setQuantitiesResult([userError('IDEMPOTENCY_KEY_PARAMETER_MISMATCH')])
  }
  const resolved = apply(state, input, onApplied)
  if (keys.size >= KEYS_KEPT) keys.delete(keys.keys().next().value!)
  keys.set(key, { input: inputJson, answer: resolved })
  return resolved
}

function apply(
  state: ChannelState,
  input: z.infer<typeof SetInput>,
  onApplied: (skus: readonly string[]) => void,
): Resolved {
  const errors: UserError[] = []
  const at = (i: number, name: string) => ['input', 'quantities', String(i), name]
  if (input.name !== 'available') errors.push(userError('INVALID_NAME', ['input', 'name']))
  if (!REASONS.has(input.reason)) errors.push(userError('INVALID_REASON', ['input', 'reason']))
  if (
    input.referenceDocumentUri != null &&
    !/^[a-z][a-z0-9+.-]*:\S+$/i.test(input.referenceDocumentUri)
  ) {
    errors.push(userError('INVALID_REFERENCE_DOCUMENT', ['input', 'referenceDocumentUri']))
  }
  const writes: { sku: string; quantity: number }[] = []
  const seen = new Set<string>()
  input.quantities.forEach((q, i) => {
    const sku = skuOfItem(state, q.inventoryItemId)
    const refused = refusal(state, sku, q, seen)
    if (refused) errors.push(userError(refused[0], at(i, refused[1])))
    else writes.push({ sku: sku!, quantity: q.quantity })
  })
  if (errors.length > 0) return setQuantitiesResult(errors)

  const changes = writes.map(({ sku, quantity }) => {
    const before = state.stock.get(sku) ?? 0
    state.stock.set(sku, quantity)
    state.stats.stockWrites += 1
    return { name: 'available', delta: quantity - before, quantityAfterChange: quantity }
  })
  // Shopify announces a level that changed; a write of the same value changes nothing.
  onApplied(writes.filter((_, i) => changes[i]!.delta !== 0).map((w) => w.sku))
  adjustmentGroups += 1
  return setQuantitiesResult([], {
    id: `gid://shopify/InventoryAdjustmentGroup/${30_000_000_000 + adjustmentGroups}`,
    changes,
  })
}

/** Why Shopify refuses to set one quantity (the code, and the input field at fault), if it does. */
function refusal(
  state: ChannelState,
  sku: string | undefined,
  q: z.infer<typeof QuantityInput>,
  seen: Set<string>,
): [UserErrorCode, keyof typeof q] | undefined {
  if (sku === undefined) return ['INVALID_INVENTORY_ITEM', 'inventoryItemId']
  const location = storeLocation(q.locationId)
  if (location === undefined) return ['INVALID_LOCATION', 'locationId']
  if (location !== LOCATION_ID) return ['ITEM_NOT_STOCKED_AT_LOCATION', 'locationId']
  if (seen.has(sku)) return ['NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', 'inventoryItemId']
  seen.add(sku)
  if (q.quantity < 0) return ['INVALID_QUANTITY_NEGATIVE', 'quantity']
  if (q.quantity > MAX_QUANTITY) return ['INVALID_QUANTITY_TOO_HIGH', 'quantity']
  const current = state.stock.get(sku) ?? 0
  if (q.changeFromQuantity != null && q.changeFromQuantity !== current)
    return ['CHANGE_FROM_QUANTITY_STALE', 'changeFromQuantity']
  return undefined
}

/** `inventorySetQuantities`' payload: the adjustment group made, or the userErrors and none. */
export function setQuantitiesResult(
  userErrors: readonly UserError[],
  group: object | null = null,
): Resolved {
  return { data: { inventorySetQuantities: { inventoryAdjustmentGroup: group, userErrors } } }
}

export function readLevel(
  state: ChannelState,
  op: Extract<Operation, { kind: 'read' }>,
  variables: Readonly<Record<string, unknown>>,
): Resolved {
  const itemId = variables[op.itemVariable]
  const locationId = variables[op.locationVariable]
  for (const [name, value] of [
    [op.itemVariable, itemId],
    [op.locationVariable, locationId],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      return {
        errors: [
          invalidVariable(name, 'ID!', value, [
            { code: 'custom', path: [], message: 'Expected value to be an ID', input: value },
          ]),
        ],
      }
    }
  }
  const sku = skuOfItem(state, itemId)
  if (sku === undefined) return { data: { inventoryItem: null } }
  const { inventoryItemId, inventoryLevelId } = idsOf(sku)
  // An item has a level only where it is stocked: the shop location, not the warehouse.
  const stocked = storeLocation(locationId) === LOCATION_ID
  return {
    data: {
      inventoryItem: {
        id: `gid://shopify/InventoryItem/${inventoryItemId}`,
        inventoryLevel: stocked
          ? {
              id: `gid://shopify/InventoryLevel/${inventoryLevelId}?inventory_item_id=${inventoryItemId}`,
              quantities: [{ name: 'available', quantity: state.stock.get(sku) ?? 0 }],
            }
          : null,
      },
    },
  }
}
