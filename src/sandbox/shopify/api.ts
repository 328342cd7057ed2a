/**
 * The emulated store's GraphQL Admin API: `POST /admin/api/{version}/graphql.json`, the token in
 * `X-Shopify-Access-Token` (the connector's published sandbox token), JSON `{ query, variables }`.
 *
 * Answers, as Shopify gives them (channels.md §1 B2):
 * - a missing or wrong token → 401 `{"errors":"[API] Invalid API key or access token …"}`;
 * - a body that is not `{ query }` JSON → 400; an unsupported version → 404;
 * - a call the cost bucket (bucket.ts) cannot pay for → 200 with `errors[].extensions.code`
 *   THROTTLED; an injected fault (`state.throttleNext`) → 429 with `Retry-After: 1` and the same
 *   body, so the hub meets both forms of Shopify's disputed throttle answer;
 * - otherwise 200 with `data` or `errors`, and `extensions.cost` in every GraphQL answer.
 * Query costs are the emulator's approximation: 10 points for the mutation (Shopify's mutation
 * cost), 3 for the read (one object, one nested object, one list).
 */
import { Hono, type Context } from 'hono'
import { shopify } from '../../../connectors/shopify/index.js'
import type { ChannelState } from '../types.js'
import { EmulatedCostBucket } from './admission.js'
import { operationOf, type GraphqlError } from './graphql.js'
import { readLevel, setQuantities, type IdempotencyKeys, type Resolved } from './stock.js'
import { echoLevels } from './webhooks.js'

const TOKEN = shopify.sandboxCredentials('').accessToken
const SET_COST = 10
const READ_COST = 3
const INVALID_TOKEN = {
  errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
}

export function shopifyRoutes(state: ChannelState): Hono {
  const bucket = new EmulatedCostBucket()
  const keys: IdempotencyKeys = new Map()
  const app = new Hono()

  app.post('/admin/api/:version/graphql.json', async (c) => {
    state.stats.calls += 1
    const refuse = (status: 400 | 401 | 404, body: object) => {
      state.stats.rejected += 1
      return c.json(body, status)
    }
    if (c.req.header('x-shopify-access-token') !== TOKEN) return refuse(401, INVALID_TOKEN)
    if (!/^\d{4}-(01|04|07|10)$/.test(c.req.param('version')))
      return refuse(404, { errors: 'Not Found' })
    const body = await readBody(c)
    if (!body) return refuse(400, { errors: { query: 'Required parameter missing or invalid' } })

    const op = operationOf(body.query, body.variables)
    if (!('kind' in op)) {
      state.stats.rejected += 1
      return graphqlAnswer(c, { errors: [op] }, 0)
    }
    const cost = op.kind === 'set' ? SET_COST : READ_COST
    if (state.throttleNext > 0) {
      state.throttleNext -= 1
      state.stats.throttled += 1
      c.header('Retry-After', '1')
      return c.json(throttledBody(bucket, cost), 429)
    }
    if (!bucket.take(cost)) {
      state.stats.throttled += 1
      return c.json(throttledBody(bucket, cost), 200)
    }
    const now = new Date()
    const resolved =
      op.kind === 'set'
        ? setQuantities(state, op, body.variables, keys, (skus) => echoLevels(state, skus, now))
        : readLevel(state, op, body.variables)
    if ('errors' in resolved) state.stats.rejected += 1
    return graphqlAnswer(c, resolved, cost)
  })

  function graphqlAnswer(c: Context, resolved: Resolved, cost: number) {
    return c.json({
      ...resolved,
      extensions: {
        cost: {
          requestedQueryCost: cost,
          actualQueryCost: cost,
          throttleStatus: bucket.status(),
        },
      },
    })
  }

  return app
}

async function readBody(
  c: Context,
): Promise<{ query: string; variables: Record<string, unknown> } | undefined> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return undefined
  let value: unknown
  try {
    value = JSON.parse(await c.req.text())
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { query, variables } = value as { query?: unknown; variables?: unknown }
  if (typeof query !== 'string' || query.trim() === '') return undefined
  const vars =
    typeof variables === 'object' && variables !== null && !Array.isArray(variables)
      ? variables
      : {}
  return { query, variables: vars as Record<string, unknown> }
}

function throttledBody(bucket: EmulatedCostBucket, cost: number) {
  const error: GraphqlError = {
    message: 'Throttled',
    extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
  }
  return {
    errors: [error],
    extensions: {
      cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: bucket.status() },
    },
  }
}
