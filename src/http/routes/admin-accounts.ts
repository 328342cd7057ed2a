import { z } from '@hono/zod-openapi'
import type { Account } from '../../config/index.js'
import type { ChannelId } from '../../events/index.js'
import { readStockMode, type AccountStockMode } from '../../inventory/onboarding.js'
import { adoptAccount, type AdoptDeps } from '../../pipeline/adopt-account.js'
import { switchStockLive, type GoLiveDeps } from '../../pipeline/account-go-live.js'
import { findStockAccount } from '../../pipeline/onboarding-account.js'
import { type DryRunDeps, onboardingDryRun } from '../../pipeline/onboarding-dry-run.js'
import { adminRoute } from '../admin-route.js'
import { ChannelAccount, ErrorMessage, Timestamp, json } from '../api-schemas.js'
import type { AppEnv } from '../env.js'
import { actorOf } from '../middleware/audit.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { knownChannel, notFound } from './request-body.js'

const PutLive = z.object({ live: z.boolean() }).strict()

/** Adopt progress is logged every this many listings (the CLI prints it as it goes). */
const PROGRESS_EVERY = 100

const StockMode = z
  .object({
    live: z.boolean(),
    state: z.enum(['live', 'onboarding']),
    decidedBy: z
      .enum(['switch', 'configuration'])
      .openapi({ description: 'An explicit switch, or the accounts file (`stock.onboarding`).' }),
    adoptedAt: Timestamp.nullable(),
    wentLiveAt: Timestamp.nullable(),
    changedBy: z.string().nullable(),
  })
  .openapi('StockMode')
type StockMode = z.output<typeof StockMode>

const HeldReason = z.enum(['on-hand-unknown', 'account-not-live', 'channel-held'])
const ListingRef = z.object({ listingId: z.string(), sku: z.string() })

const tags = ['Onboarding']
const unknownAccount = json(
  'No such account, or the hub has no stock API for its channel.',
  ErrorMessage,
)

const mode = adminRoute({
  method: 'get',
  operationId: 'getStockMode',
  path: '/{channel}/{account}/stock',
  tags,
  summary: "An account's stock mode: onboarding or live",
  request: { params: ChannelAccount },
  responses: {
    200: json('Its mode.', StockMode.extend({ account: z.string() })),
    404: unknownAccount,
  },
})
const dryRun = adminRoute({
  method: 'get',
  operationId: 'getStockDryRun',
  path: '/{channel}/{account}/stock/dry-run',
  tags,
  summary: "Each listing's first push, before it is sent",
  request: { params: ChannelAccount },
  responses: {
    200: json(
      'What going live would send.',
      z.object({
        account: z.string(),
        mode: StockMode,
        listings: z.array(
          ListingRef.extend({
            unit: z.record(z.string(), z.unknown()),
            channelShows: z.number().int().nullable(),
            channelShowsAt: Timestamp.nullable(),
            firstPush: z.number().int().nullable(),
            difference: z.number().int().nullable(),
            heldBecause: z
              .array(HeldReason)
              .openapi({ description: 'Empty when it would go out now.' }),
          }),
        ),
        summary: z.object({
          listings: z.number().int(),
          wouldPush: z.number().int(),
          unchanged: z.number().int(),
          raised: z.number().int(),
          lowered: z.number().int(),
          channelUnknown: z.number().int(),
          held: z.record(HeldReason, z.number().int()),
        }),
      }),
    ),
    404: unknownAccount,
  },
})
const adopt = adminRoute({
  method: 'post',
  operationId: 'adoptStock',
  path: '/{channel}/{account}/stock/adopt',
  tags,
  summary: "Read the channel's quantities as starting figures",
  request: { params: ChannelAccount },
  responses: {
    200: json(
      'What was read, and the on-hand it set.',
      z.object({
        account: z.string(),
        listings: z.number().int(),
        read: z.number().int(),
        notListed: z.array(ListingRef),
        failed: z.array(ListingRef.extend({ error: z.string() })),
        onHandSet: z.array(z.object({ sku: z.string(), onHand: z.number().int() })),
        onHandKept: z.array(z.string()),
      }),
    ),
    404: unknownAccount,
  },
})
const live = adminRoute({
  method: 'put',
  operationId: 'setStockLive',
  path: '/{channel}/{account}/stock/live',
  tags,
  summary: 'Switch an account live, or back to onboarding',
  description:
    'Going live queues a push of every listing of the account; switching back sends nothing.',
  request: {
    params: ChannelAccount,
    body: { required: true, content: { 'application/json': { schema: PutLive } } },
  },
  responses: {
    200: json(
      'Switched.',
      z.object({
        account: z.string(),
        live: z.boolean(),
        listings: z.number().int(),
        pushesQueued: z.number().int(),
      }),
    ),
    404: unknownAccount,
  },
})

interface Target {
  readonly channel: ChannelId
  readonly accountId: string
  readonly account: Account
}

/**
 * `/v1/admin/accounts/:channel/:account/stock`: an account's onboarding (docs/inventory.md,
 * "Onboarding an account"). `GET` its mode; `POST …/adopt` reads the channel's quantities as
 * starting figures; `GET …/dry-run` shows each listing's first push; `PUT …/live` switches it
 * live or back. An unknown channel is a 400 and an unknown account a 404, each naming it, before
 * anything is read or changed.
 */
export function adminAccountRoutes(deps: AdoptDeps & GoLiveDeps & DryRunDeps) {
  const app = openApiRoutes<AppEnv & { Variables: { target: Target } }>()
  // Before the routes' validators: the path is checked before the body is read.
  app.use('/:channel/:account/*', async (c, next) => {
    c.set('target', target(c.req.param(), deps))
    await next()
  })
  app.openapi(mode, async (c) => {
    const { account, channel, accountId } = c.get('target')
    const answer = jsonAnswers(mode)
    return answer(
      c,
      { account: `${channel}/${accountId}`, ...modeView(await readStockMode(deps.db, account)) },
      200,
    )
  })
  app.openapi(dryRun, async (c) => {
    const { channel, accountId } = c.get('target')
    const run = await onboardingDryRun(deps, channel, accountId)
    if (!run.ok) throw notFound(run.problem)
    return jsonAnswers(dryRun)(c, { ...run.result, mode: modeView(run.result.mode) }, 200)
  })
  app.openapi(adopt, async (c) => {
    const { channel, accountId } = c.get('target')
    const log = c.get('log')
    const run = await adoptAccount({ ...deps, log }, channel, accountId, (done, total) => {
      if (done % PROGRESS_EVERY === 0 || done === total)
        log.info({ account: `${channel}/${accountId}`, done, total }, 'adopt progress')
    })
    if (!run.ok) throw notFound(run.problem)
    const r = run.result
    c.set('auditDetails', {
      account: r.account,
      listings: r.listings,
      read: r.read,
      failed: r.failed.length,
      onHandSet: r.onHandSet.length,
      onHandKept: r.onHandKept.length,
    })
    return jsonAnswers(adopt)(c, r, 200)
  })
  app.openapi(live, async (c) => {
    const { channel, accountId } = c.get('target')
    const input = c.req.valid('json')
    const actor = actorOf(c.req.header('authorization'), c.req.header('x-admin-actor'))
    const run = await switchStockLive(deps, channel, accountId, { live: input.live, actor })
    if (!run.ok) throw notFound(run.problem)
    c.set('auditDetails', { ...run.result })
    return jsonAnswers(live)(c, run.result, 200)
  })
  return app
}

/** The account the path names; a 400 for a channel the hub does not know, 404 for an account. */
function target(
  path: { readonly channel: string; readonly account: string },
  deps: Pick<AdoptDeps, 'accounts'>,
): Target {
  const channel = knownChannel(path.channel)
  const accountId = path.account
  const found = findStockAccount(deps.accounts, channel, accountId)
  if (!found.ok) throw notFound(found.problem)
  return { channel, accountId, account: found.found.account }
}

function modeView(mode: AccountStockMode): StockMode {
  return {
    live: mode.live,
    state: mode.live ? 'live' : 'onboarding',
    decidedBy: mode.decidedBy,
    adoptedAt: mode.adoptedAt?.toISOString() ?? null,
    wentLiveAt: mode.wentLiveAt?.toISOString() ?? null,
    changedBy: mode.changedBy,
  }
}
