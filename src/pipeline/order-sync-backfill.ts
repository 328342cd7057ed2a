/**
 * An operator's backfill: read an account's orders changed since a date, through the same order
 * sync as the scheduled poll (src/pipeline/order-sync.ts), in the `backfill` lane. The date is
 * checked before anything changes: not in the future, not before what the channel's list keeps.
 * A backfill in progress is resumed, not restarted: asking again (the CLI after a crash, the API
 * twice) returns it.
 */
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import type { AccountDirectory } from '../config/account-directory.js'
import type { Config } from '../config/index.js'
import { startBackfill } from '../db/repos/order-sync.js'
import type { Database, OrderSync } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import { orderListingOf, settleOf } from './order-sync.js'

export type BackfillRequest =
  | { readonly ok: true; readonly run: OrderSync; readonly started: boolean }
  | { readonly ok: false; readonly status: 400 | 404; readonly problem: string }

const DAY_MS = 86_400_000

export async function requestBackfill(
  deps: {
    readonly db: Kysely<Database>
    readonly accounts: AccountDirectory
    readonly clock: Clock
    readonly config: Pick<Config, 'orderSync'>
  },
  account: { readonly channel: ChannelId; readonly accountId: string },
  sinceText: string,
  requestedBy: string,
): Promise<BackfillRequest> {
  const listing = orderListingOf(deps.accounts, account.channel, account.accountId)
  if (!listing.ok)
    return {
      ok: false,
      status: listing.unknownAccount ? 404 : 400,
      problem: listing.reason,
    }
  const orders = listing.connector.orders!
  const since = parseSince(sinceText)
  if (!since) return bad(`since: "${sinceText}" is not an ISO 8601 date or time (e.g. 2026-11-01)`)
  const now = deps.clock.now()
  const settleMs = settleOf(deps, listing.connector, listing.credentials)
  const to = new Date(now.getTime() - settleMs)
  if (since >= to)
    return bad(
      since > now
        ? `since: ${since.toISOString()} is in the future`
        : `since: ${since.toISOString()} is within the last ${Math.ceil(settleMs / 1000)} s, which ${account.channel}'s order list may not show yet; the scheduled sync reads it`,
    )
  const oldest = new Date(now.getTime() - orders.retentionMs)
  if (since < oldest)
    return bad(
      `since: ${since.toISOString()} is before what ${account.channel} lists (${Math.round(orders.retentionMs / DAY_MS)} days back); use ${oldest.toISOString()} or later`,
    )
  const { row, started } = await startBackfill(deps.db, account, { from: since, to }, requestedBy)
  return { ok: true, run: row, started }
}

function bad(problem: string): BackfillRequest {
  return { ok: false, status: 400, problem }
}

/** A date (`2026-11-01`, midnight UTC) or a date and time with an offset or `Z`. */
function parseSince(text: string): Date | undefined {
  const t = text.trim()
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(t))
    return undefined
  const at = new Date(t.length === 10 ? `${t}T00:00:00Z` : t)
  return Number.isNaN(at.getTime()) ? undefined : at
}
