/**
 * The emulated TikTok Shop Open API: the calls the hub's client makes (connectors/tiktok-shop/
 * client.ts and inventory.ts), each behind admission.ts's rate limit and checks. Specs mirrored in
 * repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/:
 * - `GET /order/202309/orders?ids=` — Get Order Detail, 1 to 50 ids; an order the shop does not
 *   have is left out of `data.orders` (orders/get-order-detail.spec.json).
 * - `POST /return_refund/202309/returns/search` — Search Returns; the emulated shop has no returns.
 * - `POST /product/202309/products/{product_id}/inventory/update` — Update Inventory: every
 *   warehouse of the SKU in one call or per-SKU error 12019028; quantities within [0, 99,999]
 *   (products/update-inventory.spec.json, else per-SKU error 12052055; 0 is accepted, as an earlier
 *   revision of the page said, which the current range [1, 99,999] leaves unconfirmed, channels.md
 *   §4 B1). Per-SKU refusals come as `data.errors[]` with `code` 0.
 * - `POST /product/202309/inventory/search` — Inventory Search by `product_ids`, at most 100
 *   (products/inventory-search.spec.json).
 */
import { Hono, type Context } from 'hono'
import type { ChannelState } from '../types.js'
import { tiktokApiAnswers, type TikTokApiAnswers } from './admission.js'
import { idsOf, skuOfProduct, WAREHOUSE_IDS } from './ids.js'

const MAX_ORDER_IDS = 50
const MAX_PRODUCT_IDS = 100
/** Update Inventory's documented maximum quantity. */
const MAX_QUANTITY = 99_999
/** Not a documented TikTok code: the answer to parameters the docs say nothing more about. */
const INVALID_PARAMETER = 40_006

export function tiktokShopRoutes(state: ChannelState): Hono {
  const answers = tiktokApiAnswers(state)
  const { admit, success, refuse } = answers
  const app = new Hono()

  app.get('/order/202309/orders', (c) =>
    admit(c, '/order/202309/orders', ({ query }) => {
      const ids = (query.get('ids') ?? '').split(',').filter((id) => id !== '')
      if (ids.length === 0 || ids.length > MAX_ORDER_IDS) {
        return refuse(
          c,
          INVALID_PARAMETER,
          `ids: 1 to ${MAX_ORDER_IDS} order ids, got ${ids.length}`,
        )
      }
      const orders = ids.flatMap((id) => {
        const order = state.orders.get(id)
        return order === undefined ? [] : [order]
      })
      // TikTok leaves an empty list out of the answer.
      return success(c, orders.length === 0 ? {} : { orders })
    }),
  )

  app.post('/return_refund/202309/returns/search', (c) =>
    admit(c, '/return_refund/202309/returns/search', ({ query }) => {
      const pageSize = Number(query.get('page_size') ?? '10')
      if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 50) {
        return refuse(c, 25001001, 'page_size must be within [10, 50]')
      }
      return success(c, { return_orders: [], total_count: 0, next_page_token: '' })
    }),
  )

  app.post('/product/202309/products/:productId/inventory/update', (c) =>
    admit(c, '/product/202309/products/{product_id}/inventory/update', ({ body }) =>
      updateInventory(c, state, answers, c.req.param('productId'), body),
    ),
  )

  app.post('/product/202309/inventory/search', (c) =>
    admit(c, '/product/202309/inventory/search', ({ body }) => {
      const filter = parseObject(body)
      const productIds = Array.isArray(filter?.product_ids) ? filter.product_ids.map(String) : []
      if (productIds.length > MAX_PRODUCT_IDS) {
        return refuse(c, 12019120, 'The number of provided product IDs exceeds the limit.')
      }
      const inventory = productIds.flatMap((productId) => {
        const sku = skuOfProduct(state, productId)
        const available = sku === undefined ? undefined : state.stock.get(sku)
        if (sku === undefined || available === undefined) return []
        // The emulator keeps a SKU's units in its first warehouse (ids.ts).
        const warehouses = WAREHOUSE_IDS.map((warehouseId, i) => ({
          warehouse_id: warehouseId,
          available_quantity: i === 0 ? available : 0,
          committed_quantity: 0,
        }))
        return [
          {
            product_id: productId,
            skus: [
              {
                id: idsOf(sku).skuId,
                seller_sku: sku,
                total_available_quantity: available,
                total_committed_quantity: 0,
                warehouse_inventory: warehouses,
              },
            ],
          },
        ]
      })
      return success(c, { inventory })
    }),
  )

  // "Invalid path. The specified path does not match any available endpoint." (Common errors).
  app.all('*', (c) =>
    refuse(
      c,
      36009009,
      'Invalid path. The specified path does not match any available endpoint.',
      404,
    ),
  )

  return app
}

interface SkuError {
  readonly code: number
  readonly message: string
  readonly detail: {
    readonly sku_id: string
    readonly extra_errors: readonly { warehouse_id: string; code: number; message: string }[]
  }
}

function updateInventory(
  c: Context,
  state: ChannelState,
  { success, refuse }: TikTokApiAnswers,
  productId: string,
  body: string,
): Response {
  const sku = skuOfProduct(state, productId)
  if (sku === undefined) return refuse(c, 12052032, 'The product does not exist')
  const skus = parseObject(body)?.skus
  if (!Array.isArray(skus) || skus.length === 0) {
    return refuse(
      c,
      12052902,
      'The SKU list is empty. Either omit the list entirely, or provide all required details.',
    )
  }
  const { skuId } = idsOf(sku)
  const errors: SkuError[] = []
  let quantity: number | undefined
  for (const entry of skus as unknown[]) {
    const { id, inventory } = isObject(entry) ? entry : {}
    const fail = (code: number, message: string, extra: SkuError['detail']['extra_errors'] = []) =>
      errors.push({ code, message, detail: { sku_id: String(id), extra_errors: extra } })
    if (id !== skuId) {
      fail(12052556, 'The SKU id not exist.')
      continue
    }
    const outcome = readInventory(inventory)
    if ('error' in outcome) fail(outcome.error.code, outcome.error.message, outcome.error.extra)
    else quantity = outcome.total
  }
  if (errors.length > 0) {
    state.stats.rejected += 1
    return success(c, { errors })
  }
  if (quantity !== undefined) {
    state.stock.set(sku, quantity)
    state.stats.stockWrites += 1
  }
  return success(c, {})
}

type InventoryOutcome =
  | { readonly total: number }
  | {
      readonly error: {
        readonly code: number
        readonly message: string
        readonly extra?: SkuError['detail']['extra_errors']
      }
    }

/** One SKU's `inventory[]`: the total it sets, or why TikTok would refuse it. */
function readInventory(inventory: unknown): InventoryOutcome {
  if (!Array.isArray(inventory) || inventory.length === 0) {
    return { error: { code: 12019022, message: 'SKU must contain a valid warehouse.' } }
  }
  const listed = new Set<string>()
  let total = 0
  for (const item of inventory as unknown[]) {
    const { warehouse_id: warehouseId, quantity } = isObject(item) ? item : {}
    // `warehouse_id` may be left out only when the SKU has one warehouse; it has two.
    if (
      typeof warehouseId !== 'string' ||
      !(WAREHOUSE_IDS as readonly string[]).includes(warehouseId)
    ) {
      const id = String(warehouseId)
      return {
        error: {
          code: 12052990,
          message: 'The check failed.',
          extra: [{ warehouse_id: id, code: 12052097, message: 'The warehouse does not exist' }],
        },
      }
    }
    if (listed.has(warehouseId)) {
      return {
        error: {
          code: 12052990,
          message: `The check failed: warehouse ${warehouseId} is listed twice.`,
        },
      }
    }
    listed.add(warehouseId)
    if (
      typeof quantity !== 'number' ||
      !Number.isInteger(quantity) ||
      quantity < 0 ||
      quantity > MAX_QUANTITY
    ) {
      return {
        error: {
          code: 12052055,
          message: 'The SKU inventory quantity for the warehouse must be within allowed limits.',
        },
      }
    }
    total += quantity
  }
  if (listed.size !== WAREHOUSE_IDS.length) {
    return {
      error: {
        code: 12019028,
        message:
          'Multiple warehouses detected. Include all warehouse IDs and the corresponding details and try again.',
      },
    }
  }
  return { total }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The body as a JSON object, or undefined when it is not one. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}
