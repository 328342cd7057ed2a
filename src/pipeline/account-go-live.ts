import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { AccountDirectory } from '../config/account-directory.js'
import { switchAccountLive } from '../db/repos/account-stock-state.js'
import type { Database } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import type { Logger } from '../logger.js'
import type { Queues } from '../queues/index.js'
import { findStockAccount } from './onboarding-account.js'

export interface GoLiveDeps {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly log: Logger
  readonly accounts: AccountDirectory
  readonly queues: Pick<Queues, 'stock'>
}

export interface GoLiveResult {
  readonly account: string
  readonly live: boolean
  readonly listings: number
  /** Pushes queued: every listing of the account, when it went live; none when switched back. */
  readonly pushesQueued: number
}

/**
 * Switches an account live (`live: true`) or back to onboarding, explicitly and by `actor`; the
 * stored switch wins over the accounts file from then on. Going live queues a push of every
 * listing of the account, each reading its quantity when it runs; were the enqueue to fail, the
 * sweeper pushes them (the switch marks them changed in the same transaction). Switching back
 * sends nothing: pushes already running finish, later ones are held (`not-live`).
 */
export async function switchStockLive(
  deps: GoLiveDeps,
  channel: ChannelId,
  accountId: string,
  change: { readonly live: boolean; readonly actor: string },
): Promise<{ ok: true; result: GoLiveResult } | { ok: false; problem: string }> {
  const resolved = findStockAccount(deps.accounts, channel, accountId)
  if (!resolved.ok) return resolved
  const { name } = resolved.found
  const at = deps.clock.now()
  const listings = await switchAccountLive(deps.db, { channel, accountId }, { ...change, at })
  let pushesQueued = 0
  if (change.live) {
    try {
      const unqueued = await deps.queues.stock.enqueue('push', listings)
      pushesQueued = listings.length - unqueued.length
    } catch (err) {
      deps.log.warn({ err, account: name }, 'enqueue of go-live pushes failed; sweeper will retry')
    }
  }
  deps.log.info(
    { account: name, live: change.live, actor: change.actor, pushesQueued },
    change.live ? 'account switched live' : 'account switched to onboarding',
  )
  return {
    ok: true,
    result: { account: name, live: change.live, listings: listings.length, pushesQueued },
  }
}
