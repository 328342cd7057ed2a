import { Hono, type Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Redis } from 'ioredis'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Clock } from '../../clock.js'
import type { AccountDirectory } from '../../config/account-directory.js'
import type { Config } from '../../config/index.js'
import type { Database } from '../../db/schema.js'
import { ChannelId } from '../../events/index.js'
import { requestBackfill } from '../../pipeline/order-sync-backfill.js'
import { orderListingOf } from '../../pipeline/order-sync.js'
import { readApiBudgetUse } from '../../metrics/api-budget.js'
import { orderCompleteness, runView } from '../../metrics/completeness.js'
import { syncedAccounts } from '../../pipeline/order-sync-schedule.js'
import type { Queues } from '../../queues/index.js'
import type { AppEnv } from '../env.js'
import { actorOf } from '../middleware/audit.js'
import { badRequest, parseJsonRequest } from './request-body.js'

const Backfill = z.object({ since: z.string() }).strict()

export interface OrderSyncRouteDeps {
  readonly db: Kysely<Database>
  readonly redis: { readonly producer: Redis }
  readonly queues: Queues
  readonly accounts: AccountDirectory
  readonly clock: Clock
  readonly config: Pick<Config, 'orderSync' | 'accounts' | 'queues'>
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
  const app = new Hono<AppEnv>()
  // Each account's completeness, with its API budget's use per lane (all processes).
  const all = async () => {
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
  app.get('/', async (c) => c.json({ accounts: await all() }))
  app.get('/:channel/:account', async (c) => {
    const { channel, accountId } = target(c, deps)
    const found = (await all()).find((a) => a.channel === channel && a.accountId === accountId)
    return c.json(found!)
  })
  app.post('/:channel/:account/sync', async (c) => {
    const { channel, accountId } = target(c, deps)
    await deps.queues.enqueueOrderSync([{ channel, accountId, kind: 'sync' }])
    c.set('auditDetails', { account: `${channel}/${accountId}`, kind: 'sync' })
    return c.json({ account: `${channel}/${accountId}`, queued: 'sync' }, 202)
  })
  app.post('/:channel/:account/backfill', async (c) => {
    const { channel, accountId } = target(c, deps)
    const input = await parseJsonRequest(c, Backfill)
    const actor = actorOf(c.req.header('authorization'), c.req.header('x-admin-actor'))
    const requested = await requestBackfill(deps, { channel, accountId }, input.since, actor)
    if (!requested.ok) {
      if (requested.status === 404) throw notFound(requested.problem)
      throw badRequest([requested.problem])
    }
    await deps.queues.enqueueOrderSync([{ channel, accountId, kind: 'backfill' }])
    const run = runView(requested.run, deps.clock.now())
    c.set('auditDetails', { account: `${channel}/${accountId}`, started: requested.started, run })
    return c.json({ account: `${channel}/${accountId}`, started: requested.started, run }, 202)
  })
  return app
}

/** The account the path names, one whose orders the hub can list. */
function target(c: Context<AppEnv>, deps: Pick<OrderSyncRouteDeps, 'accounts'>) {
  const channel = ChannelId.safeParse(c.req.param('channel'))
  if (!channel.success)
    throw badRequest([`channel: "${c.req.param('channel')}" is not a channel the hub knows`])
  const accountId = c.req.param('account')!
  const listing = orderListingOf(deps.accounts, channel.data, accountId)
  if (!listing.ok)
    throw listing.unknownAccount ? notFound(listing.reason) : badRequest([listing.reason])
  return { channel: channel.data, accountId }
}

function notFound(problem: string): HTTPException {
  return new HTTPException(404, { res: Response.json({ error: problem }, { status: 404 }) })
}
