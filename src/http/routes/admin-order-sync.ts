import { z } from '@hono/zod-openapi'
import type { RedisClient } from '../../redis-client.js'
import type { Kysely } from 'kysely'
import type { Clock } from '../../clock.js'
import type { AccountDirectory } from '../../config/account-directory.js'
import type { Config } from '../../config/index.js'
import type { Database } from '../../db/schema.js'
import type { ChannelId } from '../../events/index.js'
import { requestBackfill } from '../../pipeline/order-sync-backfill.js'
import { orderListingOf } from '../../pipeline/order-sync.js'
import { readApiBudgetUse } from '../../metrics/api-budget.js'
import { orderCompleteness, runView } from '../../metrics/completeness.js'
import { syncedAccounts } from '../../pipeline/order-sync-schedule.js'
import type { Queues } from '../../queues/index.js'
import { adminRoute } from '../admin-route.js'
import { ChannelAccount, ErrorMessage, Timestamp, json } from '../api-schemas.js'
import type { AppEnv } from '../env.js'
import { actorOf } from '../middleware/audit.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { badRequest, knownChannel, notFound } from './request-body.js'

const Backfill = z
  .object({
    since: z
      .string()
      .openapi({ description: 'A date or an ISO 8601 time.', example: '2026-11-01' }),
  })
  .strict()

export interface OrderSyncRouteDeps {
  readonly db: Kysely<Database>
  readonly redis: { readonly producer: RedisClient }
  readonly queues: Queues
  readonly accounts: AccountDirectory
  readonly clock: Clock
  readonly config: Pick<Config, 'orderSync' | 'accounts' | 'queues'>
}

const SyncRun = z
  .object({
    kind: z.enum(['sync', 'backfill']),
    window: z.object({ from: Timestamp, to: Timestamp }),
    pages: z.number().int(),
    ordersRead: z.number().int(),
    reached: Timestamp.nullable(),
    progress: z.number().openapi({ description: 'The share of the window read so far (0–1).' }),
    startedAt: Timestamp.nullable(),
    requestedBy: z.string().nullable(),
    active: z.boolean().openapi({ description: 'A process holds it now.' }),
  })
  .openapi('OrderSyncRun')

const Completeness = z
  .object({
    account: z.string(),
    channel: z.string(),
    accountId: z.string(),
    watermark: Timestamp.nullable(),
    watermarkAgeSeconds: z.number().nullable(),
    lastSync: z.object({
      finishedAt: Timestamp.nullable(),
      ordersRead: z.number().int().nullable(),
      error: z.string().nullable(),
      errorAt: Timestamp.nullable(),
    }),
    runs: z.array(SyncRun),
    foundByPolling: z.object({
      sync: z.number().int(),
      backfill: z.number().int(),
      latest: z
        .array(z.string())
        .openapi({ description: 'The latest order ids found, newest first.' }),
    }),
    freshness: z.object({
      events: z.number().int(),
      p50Seconds: z.number().nullable(),
      p99Seconds: z.number().nullable(),
    }),
    api: z.array(
      z.object({
        lane: z.string(),
        calls: z.number(),
        throttled: z.number(),
        refused: z.number(),
        waitSeconds: z.number(),
      }),
    ),
  })
  .openapi('OrderCompleteness')

const tags = ['Order sync']
const unknownAccount = json('No such account.', ErrorMessage)

const all = adminRoute({
  method: 'get',
  operationId: 'listOrderCompleteness',
  path: '/',
  tags,
  summary: "Every account's order completeness and freshness",
  responses: {
    200: json(
      'One entry per account whose orders the hub can list.',
      z.object({ accounts: z.array(Completeness) }),
    ),
  },
})
const one = adminRoute({
  method: 'get',
  operationId: 'getOrderCompleteness',
  path: '/{channel}/{account}',
  tags,
  summary: "One account's order completeness and freshness",
  request: { params: ChannelAccount },
  responses: { 200: json('The account.', Completeness), 404: unknownAccount },
})
const sync = adminRoute({
  method: 'post',
  operationId: 'syncOrders',
  path: '/{channel}/{account}/sync',
  tags,
  summary: "Queue the account's order sync now",
  request: { params: ChannelAccount },
  responses: {
    202: json('Queued.', z.object({ account: z.string(), queued: z.literal('sync') })),
    404: unknownAccount,
  },
})
const backfill = adminRoute({
  method: 'post',
  operationId: 'backfillOrders',
  path: '/{channel}/{account}/backfill',
  tags,
  summary: 'Read the orders changed since a date, in the background',
  description:
    'A 400 names a `since` that is not a date, is in the future, or is older than the channel lists.',
  request: {
    params: ChannelAccount,
    body: { required: true, content: { 'application/json': { schema: Backfill } } },
  },
  responses: {
    202: json(
      'Started, or the backfill already in progress (`started: false`), which is resumed.',
      z.object({ account: z.string(), started: z.boolean(), run: SyncRun }),
    ),
    404: unknownAccount,
  },
})

interface Target {
  readonly channel: ChannelId
  readonly accountId: string
}

/**
 * `/v1/admin/order-sync` (docs/completeness.md): `GET` every account's completeness and freshness
 * (watermark and its age, runs in progress, orders found by polling, feed freshness, API budget
 * use per lane); `GET
 * …/:channel/:account` one account; `POST …/:channel/:account/sync` queues its sync now; `POST
 * …/:channel/:account/backfill` `{ since }` starts a backfill (or returns the one in progress).
 * An unknown channel is a 400, an unknown account a 404, a channel the hub cannot list a 400.
 */
export function adminOrderSyncRoutes(deps: OrderSyncRouteDeps) {
  const app = openApiRoutes<AppEnv & { Variables: { target: Target } }>()
  // Each account's completeness, with its API budget's use per lane (all processes).
  const completeness = async () => {
    const [accounts, use] = await Promise.all([
      orderCompleteness(deps, syncedAccounts(deps.config.accounts)),
      readApiBudgetUse(deps.redis.producer, deps.config.queues.prefix),
    ])
    return accounts.map((a) => ({
      ...a,
      api: use
        .filter((u) => u.channel === a.channel && u.account === a.accountId)
        .map(({ lane, calls, throttled, refused, waitSeconds }) => ({
          lane,
          calls,
          throttled,
          refused,
          waitSeconds,
        })),
    }))
  }
  // Before the routes' validators: the path is checked before the body is read.
  app.use('/:channel/:account/*', async (c, next) => {
    c.set('target', target(c.req.param(), deps))
    await next()
  })
  app.openapi(all, async (c) => jsonAnswers(all)(c, { accounts: await completeness() }, 200))
  app.openapi(one, async (c) => {
    const { channel, accountId } = c.get('target')
    const found = (await completeness()).find(
      (a) => a.channel === channel && a.accountId === accountId,
    )
    return jsonAnswers(one)(c, found!, 200)
  })
  app.openapi(sync, async (c) => {
    const { channel, accountId } = c.get('target')
    await deps.queues.enqueueOrderSync([{ channel, accountId, kind: 'sync' }])
    c.set('auditDetails', { account: `${channel}/${accountId}`, kind: 'sync' })
    return jsonAnswers(sync)(c, { account: `${channel}/${accountId}`, queued: 'sync' }, 202)
  })
  app.openapi(backfill, async (c) => {
    const { channel, accountId } = c.get('target')
    const input = c.req.valid('json')
    const actor = actorOf(c.req.header('authorization'), c.req.header('x-admin-actor'))
    const requested = await requestBackfill(deps, { channel, accountId }, input.since, actor)
    if (!requested.ok) {
      if (requested.status === 404) throw notFound(requested.problem)
      throw badRequest([requested.problem])
    }
    await deps.queues.enqueueOrderSync([{ channel, accountId, kind: 'backfill' }])
    const run = runView(requested.run, deps.clock.now())
    c.set('auditDetails', { account: `${channel}/${accountId}`, started: requested.started, run })
    return jsonAnswers(backfill)(
      c,
      { account: `${channel}/${accountId}`, started: requested.started, run },
      202,
    )
  })
  return app
}

/** The account the path names, one whose orders the hub can list. */
function target(
  path: { readonly channel: string; readonly account: string },
  deps: Pick<OrderSyncRouteDeps, 'accounts'>,
): Target {
  const channel = knownChannel(path.channel)
  const accountId = path.account
  const listing = orderListingOf(deps.accounts, channel, accountId)
  if (!listing.ok)
    throw listing.unknownAccount ? notFound(listing.reason) : badRequest([listing.reason])
  return { channel, accountId }
}
