/**
 * The emulated shop's stock: Update Inventory, Inventory Search and the type-27 inventory status
 * webhook. TikTok keeps a quantity per warehouse of a SKU; `state.stock` holds the SKU's total
 * (what buyers take and tests set), and the split last written per warehouse is kept here.
 * Specs mirrored in repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/:
 * - Update Inventory (products/update-inventory.spec.json, channels.md §4 B1): every warehouse of
 *   the SKU in one call, else per-SKU error 12019028; a warehouse the SKU is not assigned to
 *   12052990 with 12052097; quantities within [0, 99,999], else 12052055 (0: MIN_QUANTITY); all
 *   the SKUs of one product per call, at most 100 (12052050), each once (12052553). Per-SKU
 *   refusals come as `data.errors[]` with `code` 0, the other SKUs applied.
 * - Inventory Search (products/inventory-search.spec.json): by `product_ids`, at most 100, else
 *   12019120; per SKU and warehouse `available_quantity` and `committed_quantity`, "units reserved
 *   by existing customer orders" (records.ts), with their totals.
 */
import type { ChannelState, SignedWebhook } from '../types.js'
import type { Outcome } from './admission.js'
import { committedUnits } from './records.js'
import { idsOf, skusOfProduct, WAREHOUSE_IDS } from './seller.js'
import { tiktokWebhook, unixSeconds } from './webhooks.js'

const MAX_PRODUCT_IDS = 100
/** SKUs one Update Inventory call takes: a product has at most 100 (its error 12052050). */
export const MAX_SKUS_PER_PRODUCT = 100
/**
 * Update Inventory's quantity bounds. The page's range is [1, 99,999]; 0 is accepted as the
 * earlier revision of the same page documented it ("non-negative numbers (include number 0) And
 * less then 99999", repo:lywzx/tiktok-partner-api packages/tk-origin-api/src/products/UpdateInventory.ts),
 * because TikTok documents no other per-SKU way to show a SKU out of stock (Deactivate Products
 * acts on whole products; Partial Edit Product's `skus[].inventory[].quantity` has the same
 * [1, 99,999]); see connectors/tiktok-shop/stock.ts. Below 0 or above 99,999: 12052055.
 */
const MIN_QUANTITY = 0
const MAX_QUANTITY = 99_999
/** Type 27, the inventory status change (connectors/tiktok-shop/topics.ts). */
const INVENTORY_STATUS_CHANGE = 27

const writtenByState = new WeakMap<ChannelState, Map<string, readonly number[]>>()

/**
 * The SKU's available units per warehouse (WAREHOUSE_IDS order), undefined for a SKU the shop
 * holds no stock record for. Changes to the total that name no warehouse are settled on the split
 * last written: units added (a cancellation, a test's `stock.set`) go to the first warehouse,
 * units sold come from the first warehouse that holds any.
 */
function availableUnits(state: ChannelState, sku: string): number[] | undefined {
  const total = state.stock.get(sku)
  if (total === undefined) return undefined
  const written = writtenByState.get(state)?.get(sku)
  const split = WAREHOUSE_IDS.map((_, i) => written?.[i] ?? 0)
  let missing = total - sum(split)
  if (missing > 0) split[0]! += missing
  for (let i = 0; missing < 0 && i < split.length; i += 1) {
    const taken = Math.min(split[i]!, -missing)
    split[i]! -= taken
    missing += taken
  }
  return split
}

interface SkuError {
  readonly code: number
  readonly message: string
  readonly detail: {
    readonly sku_id: string
    readonly extra_errors: readonly { warehouse_id: string; code: number; message: string }[]
  }
}

/**
 * Update Inventory of `productId` with the request `body`: every SKU listed must be one of the
 * product's, each at most once (12052553), at most 100 (12052050, "A single product cannot have
 * more than 100 different SKUs"). Each SKU is applied or refused on its own: the answer is
 * `code` 0 with a `data.errors[]` entry per refused SKU, naming it in `detail.sku_id`, which is
 * how the page shapes its answer (whether TikTok applies the other SKUs of a call with a refused
 * one is not stated there; the per-SKU errors under `code` 0 suggest it does).
 */
export function updateInventory(state: ChannelState, productId: string, body: unknown): Outcome {
  const productSkus = skusOfProduct(state, productId)
  if (productSkus.length === 0) return { code: 12052032, message: 'The product does not exist' }
  const skus = isObject(body) ? body.skus : undefined
  if (!Array.isArray(skus) || skus.length === 0) {
    const message =
      'The SKU list is empty. Either omit the list entirely, or provide all required details.'
    return { code: 12052902, message }
  }
  if (skus.length > MAX_SKUS_PER_PRODUCT) {
    return { code: 12052050, message: 'A single product cannot have more than 100 different SKUs' }
  }
  const skuById = new Map(productSkus.map((sku) => [idsOf(sku).skuId, sku]))
  const errors: SkuError[] = []
  const splits = new Map<string, readonly number[]>()
  const listed = new Set<unknown>()
  for (const entry of skus as unknown[]) {
    const { id, inventory } = isObject(entry) ? entry : {}
    const fail = (code: number, message: string, extra: SkuError['detail']['extra_errors'] = []) =>
      errors.push({ code, message, detail: { sku_id: String(id), extra_errors: extra } })
    const sku = typeof id === 'string' ? skuById.get(id) : undefined
    if (sku === undefined) {
      fail(12052556, 'The SKU id not exist.')
      continue
    }
    if (listed.has(id)) {
      fail(12052553, 'Sku id duplicate')
      continue
    }
    listed.add(id)
    const outcome = readInventory(inventory)
    if ('error' in outcome) fail(outcome.error.code, outcome.error.message, outcome.error.extra)
    else splits.set(sku, outcome.split)
  }
  if (errors.length > 0) state.stats.rejected += 1
  const written = writtenByState.get(state) ?? new Map<string, readonly number[]>()
  writtenByState.set(state, written)
  for (const [sku, split] of splits) {
    written.set(sku, split)
    state.stock.set(sku, sum(split))
    state.stats.stockWrites += 1
  }
  return { data: errors.length > 0 ? { errors } : {} }
}

type InventoryOutcome =
  | { readonly split: readonly number[] }
  | {
      readonly error: {
        readonly code: number
        readonly message: string
        readonly extra?: SkuError['detail']['extra_errors']
      }
    }

/** One SKU's `inventory[]`: the units per warehouse it sets, or why TikTok would refuse it. */
function readInventory(inventory: unknown): InventoryOutcome {
  if (!Array.isArray(inventory) || inventory.length === 0) {
    return { error: { code: 12019022, message: 'SKU must contain a valid warehouse.' } }
  }
  const split: (number | undefined)[] = WAREHOUSE_IDS.map(() => undefined)
  for (const item of inventory as unknown[]) {
    const { warehouse_id: warehouseId, quantity } = isObject(item) ? item : {}
    // `warehouse_id` may be left out only when the SKU has one warehouse; it has two.
    const at = (WAREHOUSE_IDS as readonly unknown[]).indexOf(warehouseId)
    if (at < 0) {
      const id = String(warehouseId)
      const extra = [{ warehouse_id: id, code: 12052097, message: 'The warehouse does not exist' }]
      return { error: { code: 12052990, message: 'The check failed.', extra } }
    }
    if (split[at] !== undefined) {
      const message = `The check failed: warehouse ${String(warehouseId)} is listed twice.`
      return { error: { code: 12052990, message } }
    }
    if (
      !Number.isInteger(quantity) ||
      (quantity as number) < MIN_QUANTITY ||
      (quantity as number) > MAX_QUANTITY
    ) {
      const message = 'The SKU inventory quantity for the warehouse must be within allowed limits.'
      return { error: { code: 12052055, message } }
    }
    split[at] = quantity as number
  }
  if (split.some((n) => n === undefined)) {
    const message =
      'Multiple warehouses detected. Include all warehouse IDs and the corresponding details and try again.'
    return { error: { code: 12019028, message } }
  }
  return { split: split as number[] }
}

/** Inventory Search by the `product_ids` of the request `body`. */
export function searchInventory(state: ChannelState, body: unknown): Outcome {
  const requested = isObject(body) ? body.product_ids : undefined
  const productIds = Array.isArray(requested) ? requested.map(String) : []
  if (productIds.length > MAX_PRODUCT_IDS) {
    return { code: 12019120, message: 'The number of provided product IDs exceeds the limit.' }
  }
  const inventory = productIds.flatMap((productId) => {
    const skus = skusOfProduct(state, productId).flatMap((sku) => {
      const available = availableUnits(state, sku)
      if (available === undefined) return []
      const committed = committedUnits(state, sku)
      const warehouses = WAREHOUSE_IDS.map((warehouseId, i) => ({
        warehouse_id: warehouseId,
        available_quantity: available[i]!,
        committed_quantity: committed[i]!,
      }))
      return [
        {
          id: idsOf(sku).skuId,
          seller_sku: sku,
          total_available_quantity: sum(available),
          total_committed_quantity: sum(committed),
          warehouse_inventory: warehouses,
        },
      ]
    })
    return skus.length === 0 ? [] : [{ product_id: productId, skus }]
  })
  return { data: { inventory } }
}

/** The seller's low-stock threshold the emulated shop has configured. */
const LOW_STOCK_THRESHOLD = 5
/** How far ahead a PREDICTION alert looks. */
const PREDICTION_LEAD_DAYS = 3

/**
 * Type 27. TikTok sends it only when stock falls to LOW_STOCK / OUT_OF_STOCK (REALTIME) or a
 * stock-out is predicted (PREDICTION) (channels.md §4 A4), so above the threshold the report is a
 * prediction; either way it carries the current quantities, `total_quantity` being available +
 * reserved + committed (§4 A5).
 */
export function reportStock(state: ChannelState, sku: string, at: Date): SignedWebhook | undefined {
  const available = state.stock.get(sku)
  if (available === undefined) return undefined
  const committed = sum(committedUnits(state, sku))
  const { productId, skuId } = idsOf(sku)
  const low = available <= LOW_STOCK_THRESHOLD
  const data = {
    product_id: productId,
    sku_id: skuId,
    trigger_reason: low
      ? { alert_type: 'REALTIME', low_stock_threshold: LOW_STOCK_THRESHOLD }
      : { alert_type: 'PREDICTION', lead_days: PREDICTION_LEAD_DAYS },
    current_inventory_status:
      available === 0 ? 'OUT_OF_STOCK' : low ? 'LOW_STOCK' : 'SUFFICIENT_STOCK',
    inventory_distribution: {
      total_quantity: available + committed,
      available_quantity: available,
      creator_reserved_quantity: 0,
      campaign_reserved_quantity: 0,
      committed_quantity: committed,
    },
    update_time: unixSeconds(at),
  }
  return tiktokWebhook(state, INVENTORY_STATUS_CHANGE, data, at)
}

function sum(numbers: readonly number[]): number {
  return numbers.reduce((total, n) => total + n, 0)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
