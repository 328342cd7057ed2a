/**
 * The emulated store's GraphQL Admin API: `POST /admin/api/{version}/graphql.json`, JSON
 * `{ query, variables }`, admitted by admission.ts (token, cost bucket); and its REST order list,
 * `GET /admin/api/{version}/orders.json` (order-list.ts, behind the REST bucket).
 *
 * Answers, as Shopify gives them (channels.md §1 B2):
 * - a missing or wrong token → 401 `{"errors":"[API] Invalid API key or access token …"}`;
 * - a body that is not `{ query }` JSON → 400; an unsupported version → 404;
 * - a call the cost bucket cannot pay for → THROTTLED (admission.ts);
 * - otherwise 200 with `data` or `errors`, and `extensions.cost` in every GraphQL answer.
 * Query costs are the emulator's approximation: 10 points for the mutation (Shopify's mutation
 * cost), 3 for the read (one object, one nested object, one list).
 */
import { Hono, type Context } from 'hono'
import { jsonBody } from '../json-body.js'
import type { ChannelState } from '../types.js'
import {
  API_VERSION,
  costBucketOf,
  INVALID_TOKEN_BODY,
  throttled,
  tokenAccepted,
} from './admission.js'
import { answerBody, operationOf, type Resolved } from './graphql.js'
import { listOrders } from './order-list.js'
import { readLevel, setQuantities, type IdempotencyKeys } from './stock.js'
import { echoLevels } from './webhooks.js'

export const SET_COST = 10
export const READ_COST = 3

export function shopifyRoutes(state: ChannelState): Hono {
  const keys: IdempotencyKeys = new Map()
  const app = new Hono()

  app.post('/admin/api/:version/graphql.json', async (c) => {
    state.stats.calls += 1
    const refuse = (status: 400 | 401 | 404, body: object) => {
      state.stats.rejected += 1
      return c.json(body, status)
    }
    if (!tokenAccepted(c.req.header('x-shopify-access-token')))
      return refuse(401, INVALID_TOKEN_BODY)
    if (!API_VERSION.test(c.req.param('version'))) return refuse(404, { errors: 'Not Found' })
    const body = await readBody(c)
    if (!body) return refuse(400, { errors: { query: 'Required parameter missing or invalid' } })

    const op = operationOf(body.query, body.variables)
    if (!('kind' in op)) {
      state.stats.rejected += 1
      return answer(c, { errors: [op] }, 0)
    }
    const cost = op.kind === 'set' ? SET_COST : READ_COST
    const refused = throttled(state, cost)
    if (refused) {
      state.stats.throttled += 1
      return c.json(refused.body, refused.status, refused.headers)
    }
    const now = state.now()
    const resolved =
      op.kind === 'set'
        ? setQuantities(state, op, body.variables, keys, (skus) => echoLevels(state, skus, now))
        : readLevel(state, op, body.variables)
    if ('errors' in resolved) state.stats.rejected += 1
    return answer(c, resolved, cost)
  })

  app.get('/admin/api/:version/orders.json', (c) => listOrders(c, state))

  const answer = (c: Context, resolved: Resolved, cost: number) =>
    c.json(answerBody(resolved, cost, costBucketOf(state).status()))

  return app
}

async function readBody(
  c: Context,
): Promise<{ query: string; variables: Record<string, unknown> } | undefined> {
  const value = await jsonBody(c)
  if (typeof value !== 'object' || value === null) return undefined
  const { query, variables } = value as { query?: unknown; variables?: unknown }
  if (typeof query !== 'string' || query.trim() === '') return undefined
  const vars =
    typeof variables === 'object' && variables !== null && !Array.isArray(variables)
      ? variables
      : {}
  return { query, variables: vars as Record<string, unknown> }
}
