/**
 * The emulated seller's stock, as Walmart's Inventory API writes and reads it (request shapes:
 * channels.md §3 B1, https://developer.walmart.com/us-marketplace/docs/update-single-item-inventory,
 * https://developer.walmart.com/us-marketplace/docs/update-item-inventory-per-ship-node; specs
 * mirrored in repo:api-evangelist/walmart openapi/walmart-marketplace-inventory-openapi-original.yml):
 *
 * - `GET /v3/inventory?sku=[&shipNode=]`: `{ sku, quantity: { unit: 'EACH', amount } }`, 404
 *   `CONTENT_NOT_FOUND` for a SKU without stock at the node. Without `shipNode`, the default
 *   node's ("Omitting the shipNode parameter returns the inventory at the default ship node only":
 *   https://developer.walmart.com/us-marketplace/docs/retrieve-inventory-data).
 * - `PUT /v3/inventory?sku=[&shipNode=]`, body `{ sku, quantity: { unit: 'EACH', amount } }`:
 *   sets the level, echoes the body.
 * - `PUT /v3/inventories/{sku}`, body `{ inventories: { nodes: [{ shipNode, inputQty }] } }`:
 *   answers `{ sku, nodes: [{ shipNode, status, errors? }] }`, each node applied or failed alone.
 *
 * Stock is per ship node (seller.ts): the default node's is `state.stock`, which buyers' orders
 * take from (orders.ts); the other node's is kept here. A node the seller does not have is refused.
 */
import type { Context } from 'hono'
import { z } from 'zod'
import { jsonBody } from '../json-body.js'
import type { ChannelState } from '../types.js'
import { decodedQuery, lastSegment, refuse } from './admission.js'
import { nodeLevels } from './feeds.js'

// Walmart documents no bounds for `amount` ("Inventory Count", typed number:
// update-single-item-inventory page): a whole count ≥ 0 is taken, and no maximum is invented.
const Quantity = z.object({
  unit: z.literal('EACH'),
  amount: z.number().int().nonnegative(),
})
/** Walmart adds fields (e.g. `inventoryAvailableDate`), so unknown ones pass. */
const SingleUpdate = z.looseObject({ sku: z.string().min(1), quantity: Quantity })
const PerNodeUpdate = z.looseObject({
  inventories: z.looseObject({
    nodes: z.array(z.looseObject({ shipNode: z.string().min(1), inputQty: Quantity })).min(1),
  }),
})

const BAD_CONTENT = 'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API'

/** The inventory handlers of one seller. */
export function walmartStock(state: ChannelState) {
  /** The levels at a node by SKU; undefined for a node the seller does not have. */
  const levelsAt = nodeLevels(state, new Map<string, number>())
  const set = (levels: Map<string, number>, sku: string, amount: number) => {
    levels.set(sku, amount)
    state.stats.stockWrites += 1
  }

  /**
   * The `sku` and the levels of the node an inventory call names, or the refusal: the SKU is
   * required, and the node must be one of the seller's.
   */
  function target(c: Context): { sku: string; levels: Map<string, number> } | Response {
    const { sku, shipNode } = decodedQuery(c.req.url)
    if (!sku) {
      return refuse(c, state, 400, {
        code: 'MISSING_REQUEST_PARAM.GMP_INVENTORY_API',
        field: 'sku',
        description: 'sku is required',
      })
    }
    const levels = levelsAt(shipNode)
    if (levels === undefined) {
      return refuse(c, state, 400, {
        code: 'INVALID_REQUEST_PARAM.GMP_INVENTORY_API',
        field: 'shipNode',
        description: `Unknown ship node ${shipNode}`,
      })
    }
    return { sku, levels }
  }

  function read(c: Context): Response {
    const at = target(c)
    if (at instanceof Response) return at
    const amount = at.levels.get(at.sku)
    if (amount === undefined) {
      return refuse(c, state, 404, {
        code: 'CONTENT_NOT_FOUND.GMP_INVENTORY_API',
        field: 'sku',
        description: `No inventory for sku ${at.sku}`,
      })
    }
    return c.json({ sku: at.sku, quantity: { unit: 'EACH', amount } })
  }

  async function write(c: Context): Promise<Response> {
    const at = target(c)
    if (at instanceof Response) return at
    const body = await parsedBody(c, SingleUpdate)
    if (body === undefined || body.sku !== at.sku) {
      return refuse(c, state, 400, {
        code: BAD_CONTENT,
        field: 'quantity',
        description: 'Body must be { sku (as in the query), quantity: { unit: EACH, amount } }',
      })
    }
    set(at.levels, at.sku, body.quantity.amount)
    return c.json({ sku: at.sku, quantity: body.quantity })
  }

  async function writePerNode(c: Context): Promise<Response> {
    const sku = lastSegment(c.req.url) ?? ''
    const body = await parsedBody(c, PerNodeUpdate)
    if (sku === '' || body === undefined) {
      return refuse(c, state, 400, {
        code: BAD_CONTENT,
        field: 'inventories',
        description: 'Body must be { inventories: { nodes: [{ shipNode, inputQty }] } }',
      })
    }
    // Per node, as Walmart answers: the seller's nodes are applied, any other fails on its own.
    const nodes = body.inventories.nodes.map(({ shipNode, inputQty }) => {
      const levels = levelsAt(shipNode)
      if (levels === undefined) {
        return {
          shipNode,
          status: 'Failed',
          errors: [
            { code: BAD_CONTENT, field: 'shipNode', description: `Unknown ship node ${shipNode}` },
          ],
        }
      }
      set(levels, sku, inputQty.amount)
      return { shipNode, status: 'Success' }
    })
    return c.json({ sku, nodes })
  }

  return { read, write, writePerNode, levelsAt }
}

/** The body as JSON of `schema`, sent as `application/json`; undefined otherwise. */
async function parsedBody<T>(c: Context, schema: z.ZodType<T>): Promise<T | undefined> {
  const parsed = schema.safeParse(await jsonBody(c))
  return parsed.success ? parsed.data : undefined
}
