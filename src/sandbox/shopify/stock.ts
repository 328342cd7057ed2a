/**
 * The two inventory operations the emulator serves, against `state.stock` (units by internal SKU,
 * found from the inventory item id through ids.ts):
 * - `inventorySetQuantities` (channels.md §1 B1; https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities):
 *   2026-04 rules — `@idempotent(key:)` and an explicit `changeFromQuantity` per quantity are
 *   required; a `changeFromQuantity` other than null must equal the level
 *   (`CHANGE_FROM_QUANTITY_STALE`); all or nothing; a key used again with the same input answers
 *   as the first time, with another input `IDEMPOTENCY_KEY_PARAMETER_MISMATCH`.
 * - `inventoryItem(id:) { inventoryLevel(locationId:) { quantities(names: ["available"]) } }`.
 * Error codes: https://shopify.dev/docs/api/admin-graphql/latest/enums/InventorySetQuantitiesUserErrorCode.
 */
import { z } from 'zod'
import type { ChannelState } from '../types.js'
import { invalidVariable, type GraphqlError, type Operation } from './graphql.js'
import { LOCATION_ID, idsOf, skuOfItem } from './seller.js'

/** What an operation answers: `data`, or top-level errors (nothing done). */
export type Resolved =
  { readonly data: Record<string, unknown> } | { readonly errors: readonly GraphqlError[] }

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

interface UserError {
  readonly code: string
  readonly field: readonly string[] | null
  readonly message: string
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
    return answer([
      {
        code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
        field: null,
        message: 'The same idempotency key cannot be used with different operation parameters.',
      },
    ])
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
  if (input.name !== 'available') {
    // `on_hand` is valid at Shopify; the emulator keeps only what is available.
    errors.push({
      code: 'INVALID_NAME',
      field: ['input', 'name'],
      message: "The quantity name must be 'available' here.",
    })
  }
  if (!REASONS.has(input.reason)) {
    errors.push({
      code: 'INVALID_REASON',
      field: ['input', 'reason'],
      message: 'The specified reason is invalid.',
    })
  }
  if (
    input.referenceDocumentUri != null &&
    !/^[a-z][a-z0-9+.-]*:\S+$/i.test(input.referenceDocumentUri)
  ) {
    errors.push({
      code: 'INVALID_REFERENCE_DOCUMENT',
      field: ['input', 'referenceDocumentUri'],
      message: 'The specified reference document is invalid.',
    })
  }
  const writes: { sku: string; quantity: number }[] = []
  const seen = new Set<string>()
  input.quantities.forEach((q, i) => {
    const item = /^gid:\/\/shopify\/InventoryItem\/(\d+)$/.exec(q.inventoryItemId)?.[1]
    const sku = item === undefined ? undefined : skuOfItem(state, item)
    if (sku === undefined) {
      errors.push({
        code: 'INVALID_INVENTORY_ITEM',
        field: at(i, 'inventoryItemId'),
        message: 'The specified inventory item could not be found.',
      })
      return
    }
    if (q.locationId !== `gid://shopify/Location/${LOCATION_ID}`) {
      errors.push({
        code: 'INVALID_LOCATION',
        field: at(i, 'locationId'),
        message: 'The specified location could not be found.',
      })
      return
    }
    if (seen.has(sku)) {
      errors.push({
        code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
        field: at(i, 'inventoryItemId'),
        message: 'The combination of inventoryItemId and locationId must be unique.',
      })
      return
    }
    seen.add(sku)
    if (q.quantity < 0) {
      errors.push({
        code: 'INVALID_QUANTITY_NEGATIVE',
        field: at(i, 'quantity'),
        message: "The quantity can't be negative.",
      })
      return
    }
    if (q.quantity > MAX_QUANTITY) {
      errors.push({
        code: 'INVALID_QUANTITY_TOO_HIGH',
        field: at(i, 'quantity'),
        message: "The total quantity can't be higher than 1,000,000,000.",
      })
      return
    }
    const current = state.stock.get(sku) ?? 0
    if (q.changeFromQuantity != null && q.changeFromQuantity !== current) {
      errors.push({
        code: 'CHANGE_FROM_QUANTITY_STALE',
        field: at(i, 'changeFromQuantity'),
        message: 'The changeFromQuantity value does not match persisted value.',
      })
      return
    }
    writes.push({ sku, quantity: q.quantity })
  })
  if (errors.length > 0) return answer(errors)

  const changes = writes.map(({ sku, quantity }) => {
    const before = state.stock.get(sku) ?? 0
    state.stock.set(sku, quantity)
    state.stats.stockWrites += 1
    return { name: 'available', delta: quantity - before, quantityAfterChange: quantity }
  })
  // Shopify announces a level that changed; a write of the same value changes nothing.
  onApplied(writes.filter((_, i) => changes[i]!.delta !== 0).map((w) => w.sku))
  adjustmentGroups += 1
  return answer([], {
    id: `gid://shopify/InventoryAdjustmentGroup/${30_000_000_000 + adjustmentGroups}`,
    changes,
  })
}

function answer(userErrors: readonly UserError[], group: object | null = null): Resolved {
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
  const item = /^gid:\/\/shopify\/InventoryItem\/(\d+)$/.exec(itemId as string)?.[1]
  const sku = item === undefined ? undefined : skuOfItem(state, item)
  if (sku === undefined) return { data: { inventoryItem: null } }
  const { inventoryItemId, inventoryLevelId } = idsOf(sku)
  const stocked = locationId === `gid://shopify/Location/${LOCATION_ID}`
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
