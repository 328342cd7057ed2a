import { Hono, type Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import { ChannelId } from '../../events/index.js'
import { readStockMode, type AccountStockMode } from '../../inventory/onboarding.js'
import { adoptAccount, type AdoptDeps } from '../../pipeline/adopt-account.js'
import { switchStockLive, type GoLiveDeps } from '../../pipeline/account-go-live.js'
import { findStockAccount } from '../../pipeline/onboarding-account.js'
import { type DryRunDeps, onboardingDryRun } from '../../pipeline/onboarding-dry-run.js'
import type { AppEnv } from '../env.js'
import { actorOf } from '../middleware/audit.js'
import { badRequest, parseJsonRequest } from './request-body.js'

const PutLive = z.object({ live: z.boolean() }).strict()

/** Adopt progress is logged every this many listings (the CLI prints it as it goes). */
const PROGRESS_EVERY = 100

/**
 * `/v1/admin/accounts/:channel/:account/stock`: an account's onboarding (docs/inventory.md,
 * "Onboarding an account"). `GET` its mode; `POST …/adopt` reads the channel's quantities as
 * starting figures; `GET …/dry-run` shows each listing's first push; `PUT …/live` switches it
 * live or back. An unknown channel is a 400 and an unknown account a 404, each naming it, before
 * anything is read or changed.
 */
export function adminAccountRoutes(deps: AdoptDeps & GoLiveDeps & DryRunDeps) {
  const app = new Hono<AppEnv>()
  app.get('/:channel/:account/stock', async (c) => {
    const { account } = target(c, deps)
    return c.json({ ...accountName(c), ...modeView(await readStockMode(deps.db, account)) })
  })
  app.get('/:channel/:account/stock/dry-run', async (c) => {
    const { channel, accountId } = target(c, deps)
    const run = await onboardingDryRun(deps, channel, accountId)
    if (!run.ok) throw notFound(run.problem)
    return c.json({ ...run.result, mode: modeView(run.result.mode) })
  })
  app.post('/:channel/:account/stock/adopt', async (c) => {
    const { channel, accountId } = target(c, deps)
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
    return c.json(r)
  })
  app.put('/:channel/:account/stock/live', async (c) => {
    const { channel, accountId } = target(c, deps)
    const input = await parseJsonRequest(c, PutLive)
    const actor = actorOf(c.req.header('authorization'), c.req.header('x-admin-actor'))
    const run = await switchStockLive(deps, channel, accountId, { live: input.live, actor })
    if (!run.ok) throw notFound(run.problem)
    c.set('auditDetails', { ...run.result })
    return c.json(run.result)
  })
  return app
}

/** The account the path names; a 400 for a channel the hub does not know, 404 for an account. */
function target(c: Context<AppEnv>, deps: Pick<AdoptDeps, 'accounts'>) {
  const channel = ChannelId.safeParse(c.req.param('channel'))
  if (!channel.success)
    throw badRequest([`channel: "${c.req.param('channel')}" is not a channel the hub knows`])
  const accountId = c.req.param('account')!
  const found = findStockAccount(deps.accounts, channel.data, accountId)
  if (!found.ok) throw notFound(found.problem)
  return { channel: channel.data, accountId, account: found.found.account }
}

function accountName(c: Context<AppEnv>) {
  return { account: `${c.req.param('channel')}/${c.req.param('account')}` }
}

function notFound(problem: string): HTTPException {
  return new HTTPException(404, { res: Response.json({ error: problem }, { status: 404 }) })
}

function modeView(mode: AccountStockMode) {
  return {
    live: mode.live,
    state: mode.live ? 'live' : 'onboarding',
    decidedBy: mode.decidedBy,
    adoptedAt: mode.adoptedAt?.toISOString() ?? null,
    wentLiveAt: mode.wentLiveAt?.toISOString() ?? null,
    changedBy: mode.changedBy,
  }
}
