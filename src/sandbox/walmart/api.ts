/**
 * The subset of the Walmart Marketplace API the hub calls, for one emulated seller (request
 * shapes: channels.md §3 B1, connectors/walmart/client.ts; specs mirrored in
 * repo:api-evangelist/walmart openapi/walmart-marketplace-{authentication,orders,inventory}-openapi-original.yml):
 *
 * - `POST /v3/token`: client credentials, `Authorization: Basic base64(clientId:clientSecret)`
 *   (the connector's published sandbox API client), form body `grant_type=client_credentials`;
 *   answers `{ access_token, token_type, expires_in }`. An address whose credentials were wrong
 *   `state.authFailures.limit` times in a window gets 429 (with Retry-After) until it ends.
 * - `GET /v3/orders/{purchaseOrderId}`: `{ order }` from `state.orders`, else 404.
 * - `GET /v3/inventory?sku=[&shipNode=]`: `{ sku, quantity: { unit: 'EACH', amount } }`, else 404.
 * - `PUT /v3/inventory?sku=[&shipNode=]`, body `{ sku, quantity: { unit: 'EACH', amount } }`:
 *   sets `state.stock`, echoes the body.
 * - `PUT /v3/inventories/{sku}`, body `{ inventories: { nodes: [{ shipNode, inputQty }] } }`:
 *   answers `{ sku, nodes: [{ shipNode, status, errors? }] }`.
 *
 * Every call passes the gateway first (gateway.ts). The stock table is by internal SKU, which is
 * the Walmart SKU (seller.ts); the seller has one ship node, its default.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { clientAddress } from '../../http/client-address.js'
import { AuthFailureWindow } from '../auth-failures.js'
import type { ChannelState } from '../types.js'
import {
  decodedQuery,
  IssuedTokens,
  lastSegment,
  refuse,
  TOKEN_TTL_SECONDS,
  UNAUTHORIZED,
  walmartGateway,
} from './gateway.js'
import { SANDBOX, SHIP_NODE } from './seller.js'

// Walmart documents no bounds for `amount` ("Inventory Count", typed number:
// https://developer.walmart.com/us-marketplace/docs/update-single-item-inventory): a whole count
// ≥ 0 is taken, and no maximum is invented.
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

export function walmartRoutes(state: ChannelState): Hono {
  const app = new Hono()
  const tokens = new IssuedTokens()
  const guard = walmartGateway(state, tokens)
  const basic = `Basic ${Buffer.from(`${SANDBOX.clientId}:${SANDBOX.clientSecret}`, 'utf8').toString('base64')}`

  const failures = new AuthFailureWindow(() => state.authFailures)

  // Before the gateway: a locked-out address is refused without using the API's allowance.
  app.post('/v3/token', async (c, next) => {
    const address = clientAddress(c)
    const blocked = failures.blocked(address)
    if (!blocked) return next()
    state.stats.calls += 1
    state.stats.throttled += 1
    state.stats.authLockouts += 1
    if (blocked.refused === 1)
      state.log?.warn(
        {
          channel: 'walmart',
          clientAddress: address,
          retryAfterSeconds: blocked.retryAfterSeconds,
        },
        'emulator: token requests rate-limited after repeated bad client credentials',
      )
    // Walmart sends Retry-After on feeds only (channels.md §3 B2); sent here so a guesser (and a
    // test) can see when the window ends. RFC 6585 §4.
    c.header('Retry-After', String(blocked.retryAfterSeconds))
    return refuse(c, state, 429, {
      code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API',
      description: 'Too Many Requests',
    })
  })
  app.post('/v3/token', guard('POST /v3/token', { token: false }), async (c) => {
    if (c.req.header('authorization')?.trim() !== basic) {
      failures.fail(clientAddress(c))
      state.stats.authFailures += 1
      return refuse(c, state, 401, UNAUTHORIZED)
    }
    const form = new URLSearchParams(await c.req.text())
    const isForm = (c.req.header('content-type') ?? '').startsWith(
      'application/x-www-form-urlencoded',
    )
    if (!isForm || form.get('grant_type') !== 'client_credentials') {
      return refuse(c, state, 400, {
        code: 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API',
        field: 'grant_type',
        description: 'grant_type must be client_credentials, form-encoded',
      })
    }
    return c.json({
      access_token: tokens.issue(),
      token_type: 'Bearer',
      expires_in: TOKEN_TTL_SECONDS,
    })
  })

  app.get(
    '/v3/orders/:purchaseOrderId',
    guard('GET /v3/orders/{purchaseOrderId}', { token: true }),
    (c) => {
      const id = lastSegment(c.req.url) ?? ''
      const order = state.orders.get(id)
      if (order === undefined) {
        return refuse(c, state, 404, {
          code: 'CONTENT_NOT_FOUND.GMP_ORDER_API',
          field: 'purchaseOrderId',
          description: `Order not found for purchaseOrderId ${id}`,
          category: 'APPLICATION',
        })
      }
      return c.json({ order })
    },
  )

  app.get('/v3/inventory', guard('GET /v3/inventory', { token: true }), (c) => {
    const at = inventoryTarget(c, state)
    if (at instanceof Response) return at
    const amount = state.stock.get(at.sku)
    if (amount === undefined) {
      return refuse(c, state, 404, {
        code: 'CONTENT_NOT_FOUND.GMP_INVENTORY_API',
        field: 'sku',
        description: `No inventory for sku ${at.sku}`,
        category: 'APPLICATION',
      })
    }
    return c.json({ sku: at.sku, quantity: { unit: 'EACH', amount } })
  })

  app.put('/v3/inventory', guard('PUT /v3/inventory', { token: true }), async (c) => {
    const at = inventoryTarget(c, state)
    if (at instanceof Response) return at
    const body = await jsonBody(c, SingleUpdate)
    if (body === undefined || body.sku !== at.sku) {
      return refuse(c, state, 400, {
        code: BAD_CONTENT,
        field: 'quantity',
        description: 'Body must be { sku (as in the query), quantity: { unit: EACH, amount } }',
      })
    }
    state.stock.set(at.sku, body.quantity.amount)
    state.stats.stockWrites += 1
    return c.json({ sku: at.sku, quantity: body.quantity })
  })

  app.put(
    '/v3/inventories/:sku',
    guard('PUT /v3/inventories/{sku}', { token: true }),
    async (c) => {
      const sku = lastSegment(c.req.url) ?? ''
      const body = await jsonBody(c, PerNodeUpdate)
      if (sku === '' || body === undefined) {
        return refuse(c, state, 400, {
          code: BAD_CONTENT,
          field: 'inventories',
          description: 'Body must be { inventories: { nodes: [{ shipNode, inputQty }] } }',
        })
      }
      // Per node, as Walmart answers: the seller's node is applied, any other fails on its own.
      const nodes = body.inventories.nodes.map(({ shipNode, inputQty }) => {
        if (shipNode !== SHIP_NODE.id) {
          return {
            shipNode,
            status: 'Failed',
            errors: [
              {
                code: BAD_CONTENT,
                field: 'shipNode',
                description: `Unknown ship node ${shipNode}`,
              },
            ],
          }
        }
        state.stock.set(sku, inputQty.amount)
        state.stats.stockWrites += 1
        return { shipNode, status: 'Success' }
      })
      return c.json({ sku, nodes })
    },
  )

  return app
}

/**
 * The `sku` (and optional `shipNode`) of an inventory call, or the refusal: the SKU is required,
 * and the only node the seller has is its default one.
 */
function inventoryTarget(c: Context, state: ChannelState): { sku: string } | Response {
  const { sku, shipNode } = decodedQuery(c.req.url)
  if (!sku) {
    return refuse(c, state, 400, {
      code: 'MISSING_REQUEST_PARAM.GMP_INVENTORY_API',
      field: 'sku',
      description: 'sku is required',
    })
  }
  if (shipNode !== undefined && shipNode !== SHIP_NODE.id) {
    return refuse(c, state, 400, {
      code: 'INVALID_REQUEST_PARAM.GMP_INVENTORY_API',
      field: 'shipNode',
      description: `Unknown ship node ${shipNode}`,
    })
  }
  return { sku }
}

/** The body as JSON of `schema`, sent as `application/json`; undefined otherwise. */
async function jsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T | undefined> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return undefined
  let value: unknown
  try {
    value = JSON.parse(await c.req.text())
  } catch {
    return undefined
  }
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : undefined
}
