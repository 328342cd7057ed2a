import { randomUUID } from 'node:crypto'
import { userInfo } from 'node:os'
import type { Deps } from '../deps.js'
import { appendAudits } from '../db/repos/audit-log.js'
import { CHANNEL_IDS, ChannelId } from '../events/index.js'
import { adoptAccount } from '../pipeline/adopt-account.js'
import { switchStockLive } from '../pipeline/account-go-live.js'
import { onboardingDryRun, type DryRunListing } from '../pipeline/onboarding-dry-run.js'
import type { StockAction } from './args.js'

/** Exit codes: 0 done; 1 the account is unknown or some reads failed; 2 a channel the hub does not know. */
export type StockExit = 0 | 1 | 2

/** Adopt prints progress at most this often (and at the end). */
const PROGRESS_EVERY = 25

/**
 * `hub stock <action> --channel C --account A`: an account's onboarding from the command line
 * (docs/inventory.md "Onboarding an account"). Results go to stdout, progress and problems to
 * stderr. Adopt and the switches are written to the audit log as the admin API's are (method
 * `CLI`), the actor being the operating-system user.
 */
export async function stockCommand(
  deps: Deps,
  action: StockAction,
  channelArg: string,
  accountId: string,
): Promise<StockExit> {
  const parsed = ChannelId.safeParse(channelArg)
  if (!parsed.success) {
    console.error(
      `hub stock ${action}: --channel must be one of ${CHANNEL_IDS.join(', ')} (got "${channelArg}")`,
    )
    return 2
  }
  const channel = parsed.data
  const name = `${channel}/${accountId}`
  const audit = (details: Record<string, unknown>) =>
    appendAudits(deps.db, [
      {
        actor: `cli:${userInfo().username}`,
        method: 'CLI',
        path: `hub stock ${action}`,
        query: `channel=${channel}&account=${accountId}`,
        body: null,
        status: 200,
        details,
        requestId: `cli-${randomUUID()}`,
      },
    ])
  switch (action) {
    case 'adopt': {
      let shown = 0
      const run = await adoptAccount(deps, channel, accountId, (done, total) => {
        if (done - shown < PROGRESS_EVERY && done !== total) return
        shown = done
        process.stderr.write(`adopt ${name}: read ${done}/${total} listings\n`)
      })
      if (!run.ok) return problem(action, run.problem)
      const r = run.result
      await audit({
        listings: r.listings,
        read: r.read,
        failed: r.failed.length,
        onHandSet: r.onHandSet.length,
      })
      for (const f of r.failed)
        console.error(`  listing ${f.listingId} (sku ${f.sku}): not read: ${f.error}`)
      for (const s of r.onHandSet) console.log(`  ${s.sku}: on-hand set to ${s.onHand} (adopted)`)
      console.log(
        `adopted ${name}: ${r.read}/${r.listings} listings read (${r.notListed.length} not listed at the channel, ${r.failed.length} failed); ` +
          `on-hand set for ${r.onHandSet.length} SKUs, ${r.onHandKept.length} already known and kept`,
      )
      return r.failed.length > 0 ? 1 : 0
    }
    case 'dry-run': {
      const run = await onboardingDryRun(deps, channel, accountId)
      if (!run.ok) return problem(action, run.problem)
      const { mode, listings, summary } = run.result
      console.log(
        `${name} is ${mode.live ? 'live' : 'onboarding'} (${mode.decidedBy === 'switch' ? `switched by ${mode.changedBy ?? 'unknown'}` : 'as configured'}); nothing was sent or changed`,
      )
      console.log(
        ['listing', 'sku', 'channel shows', 'first push', 'difference', 'held because'].join('\t'),
      )
      for (const l of listings) console.log(row(l))
      const held = Object.entries(summary.held)
        .filter(([, n]) => n > 0)
        .map(([reason, n]) => `${reason} ${n}`)
      console.log(
        `${summary.listings} listings: ${summary.wouldPush} would be pushed (${summary.unchanged} unchanged, ${summary.raised} raised, ${summary.lowered} lowered, ${summary.channelUnknown} channel quantity unknown)` +
          (held.length > 0 ? `; held: ${held.join(', ')}` : ''),
      )
      return 0
    }
    case 'go-live':
    case 'onboarding': {
      const live = action === 'go-live'
      const actor = `cli:${userInfo().username}`
      const run = await switchStockLive(deps, channel, accountId, { live, actor })
      if (!run.ok) return problem(action, run.problem)
      await audit({ ...run.result })
      console.log(
        live
          ? `${name} is live: pushes queued for ${run.result.pushesQueued} of ${run.result.listings} listings`
          : `${name} is onboarding: no stock is pushed to it until it goes live`,
      )
      return 0
    }
  }
}

function problem(action: StockAction, text: string): StockExit {
  console.error(`hub stock ${action}: ${text}; nothing changed`)
  return 1
}

const show = (n: number | null) => (n === null ? '-' : String(n))

function row(l: DryRunListing): string {
  const diff =
    l.difference === null ? '-' : l.difference > 0 ? `+${l.difference}` : String(l.difference)
  const held = l.heldBecause.length > 0 ? l.heldBecause.join(',') : '-'
  return [l.listingId, l.sku, show(l.channelShows), show(l.firstPush), diff, held].join('\t')
}
