import { z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import type { Clock } from '../../clock.js'
import type { AccountDirectory } from '../../config/account-directory.js'
import type { Database } from '../../db/schema.js'
import { HISTORY_KINDS, HISTORY_SINCE_MS, orderHistory, skuHistory } from '../../lineage/index.js'
import { adminRoute } from '../admin-route.js'
import { ChannelAccount, ErrorMessage, Timestamp, json } from '../api-schemas.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { badRequest, knownChannel } from './request-body.js'

export interface LineageRouteDeps {
  readonly db: Kysely<Database>
  readonly accounts: AccountDirectory
  readonly clock: Clock
  readonly config: { readonly stock: { readonly orderClockSkewMs: number } }
}

const HistoryEntry = z
  .object({
    at: Timestamp,
    kind: z.enum(HISTORY_KINDS),
    summary: z
      .string()
      .openapi({ description: 'One sentence; ids and quantities, no personal data.' }),
    ids: z.record(z.string(), z.string()),
    links: z
      .record(z.string(), z.string())
      .openapi({ description: 'Admin API paths where each id can be looked at.' }),
  })
  .openapi('HistoryEntry')

const OrderHistory = z
  .object({
    order: z.object({
      channel: z.string(),
      account: z.string(),
      id: z.string(),
      status: z.string(),
      foundBy: z.enum(['webhook', 'sync', 'backfill']),
      createdAt: Timestamp,
      updatedAt: Timestamp,
    }),
    entries: z.array(HistoryEntry),
    truncated: z
      .boolean()
      .openapi({ description: 'More messages named the order than a history lists (200).' }),
  })
  .openapi('OrderHistory')

const Units = z.number().int()
const ListingExplanation = z
  .object({
    listing: z.object({
      id: z.string(),
      channel: z.string(),
      account: z.string(),
      channelSku: z.string().nullable(),
    }),
    sku: z.string(),
    onHand: Units,
    onHandAsOf: Timestamp.nullable(),
    onHandSource: z
      .object({
        kind: z.enum(['count', 'report', 'adjustment']),
        at: Timestamp,
        reference: z.string().nullable(),
        reason: z.string().nullable(),
      })
      .nullable(),
    reserved: Units,
    reservingOrders: z.array(
      z.object({
        channel: z.string(),
        account: z.string(),
        orderId: z.string(),
        units: Units,
        changedAt: Timestamp,
      }),
    ),
    reservingOrdersMore: z.boolean(),
    safetyStock: Units,
    ats: Units.openapi({ description: 'Available to sell.' }),
    policy: z.record(z.string(), z.unknown()).openapi({
      description: "The account's stock policy with the listing's own fields in place.",
    }),
    allocation: z
      .object({
        mode: z.enum(['shared', 'partitioned']),
        share: Units,
        offered: Units,
        inflight: Units.nullable(),
      })
      .nullable(),
    quantity: Units.nullable().openapi({
      description: 'What the push computes now; null when nothing may be pushed (`notPushed`).',
    }),
    notPushed: z.string().nullable(),
    lastPushed: z
      .object({
        quantity: Units.nullable(),
        at: Timestamp.nullable(),
        status: z.string().nullable(),
      })
      .nullable(),
    lastReported: z.object({ quantity: Units, at: Timestamp, echo: z.boolean() }).nullable(),
    lastCheck: z
      .object({ quantity: Units.nullable(), at: Timestamp, drift: Units.nullable() })
      .nullable(),
    summary: z.string(),
  })
  .openapi('ListingExplanation')

const SkuHistory = z
  .object({
    sku: z.string(),
    listings: z.array(ListingExplanation),
    entries: z.array(HistoryEntry),
    truncated: z.boolean(),
    next: Timestamp.nullable().openapi({
      description: 'The `until` of the page of older entries; null on the last.',
    }),
  })
  .openapi('SkuHistory')

const IsoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with an offset' })

const tags = ['Lineage']
const orderRoute = adminRoute({
  method: 'get',
  operationId: 'getOrderHistory',
  path: '/{channel}/{account}/{id}/history',
  tags,
  summary: 'What happened to an order',
  description:
    'Every webhook and order sync read about it, its normalization, the events it produced with their feed positions, each delivery and attempt, its reservations, the SKU changes they made and the stock pushes that carried them; oldest first, with ids and admin API links.',
  request: {
    params: ChannelAccount.extend({
      id: z.string().min(1).max(200).openapi({ description: "The channel's order id." }),
    }),
  },
  responses: {
    200: json('The history.', OrderHistory),
    404: json('No such order.', ErrorMessage),
  },
})
const skuRoute = adminRoute({
  method: 'get',
  operationId: 'getSkuHistory',
  path: '/{sku}/history',
  tags,
  summary: 'What happened to a SKU, and why each listing offers what it does',
  description:
    "The SKU's adjustments, events (counts, reservations, reports, drift), pushes, and its listings' last reports and checks in a window (newest `limit` of them, oldest first), and per listing the numbers its quantity is computed from.",
  request: {
    params: z.object({ sku: z.string().min(1).max(200).openapi({ example: 'TEE-1' }) }),
    query: z
      .object({
        since: IsoTime.optional().openapi({ description: 'From this time (default: 7 days ago).' }),
        until: IsoTime.optional().openapi({
          description: 'Up to this time, inclusive (default: now); `next` of the newer page.',
        }),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      })
      .strict(),
  },
  responses: {
    200: json('The history.', SkuHistory),
    404: json('No stock and no listing of the SKU.', ErrorMessage),
  },
})

/** `GET /v1/admin/orders/:channel/:account/:id/history`: what happened to an order. */
export function orderHistoryRoutes(deps: Pick<LineageRouteDeps, 'db'>) {
  const app = openApiRoutes()
  app.openapi(orderRoute, async (c) => {
    const path = c.req.valid('param')
    const channel = knownChannel(path.channel)
    const key = { channel, accountId: path.account, orderId: path.id }
    const history = await orderHistory(deps.db, key)
    const answer = jsonAnswers(orderRoute)
    if (!history)
      return answer(c, { error: `no order ${path.id} of ${channel}/${path.account}` }, 404)
    return answer(c, history, 200)
  })
  return app
}

/** `GET /v1/admin/inventory/:sku/history?since=&until=&limit=`: what happened to a SKU, and why. */
export function skuHistoryRoutes(deps: LineageRouteDeps) {
  const app = openApiRoutes()
  app.openapi(skuRoute, async (c) => {
    const { sku } = c.req.valid('param')
    const query = c.req.valid('query')
    const now = deps.clock.now()
    const until = query.until ? new Date(query.until) : now
    const since = query.since ? new Date(query.since) : new Date(until.getTime() - HISTORY_SINCE_MS)
    if (since > until) throw badRequest(['query.since: must not be after until'])
    const history = await skuHistory(deps, sku, { since, until, limit: query.limit })
    const answer = jsonAnswers(skuRoute)
    if (!history) return answer(c, { error: `no stock and no listing of sku ${sku}` }, 404)
    return answer(c, history, 200)
  })
  return app
}
