import type { Kysely } from 'kysely'
import type { Clock } from '../clock.js'
import { listListings } from '../db/repos/listings.js'
import type { Database, Listing } from '../db/schema.js'
import type { ChannelId } from '../events/index.js'
import type { Logger } from '../logger.js'
import type { Queues } from '../queues/index.js'

export interface ReconcileFilter {
  readonly sku?: string
  readonly channel?: ChannelId
  readonly accountId?: string
}

export interface ReconcileDeps {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly log: Logger
  readonly clock: Clock
  /** `settleMs` of the check (see check-stock.ts): the same window as echo suppression. */
  readonly config: { readonly stock: { readonly echoWindowMs: number } }
}

/**
 * A listing reconciliation did not check, and why:
 * - `pushed-recently`: a push was attempted within the settle window, so the channel may not show
 *   it yet and a comparison would report the hub's own work as drift; checkable from `until`;
 * - `account-not-configured`: its channel account has no stock queue (no longer configured, or
 *   a channel without stock support).
 */
export interface SkippedListing {
  readonly listingId: string
  readonly channel: ChannelId
  readonly account: string
  readonly sku: string
  readonly reason: 'pushed-recently' | 'account-not-configured'
  /** For `pushed-recently`: when the listing can be checked. */
  readonly until?: string
}

/**
 * Queues a reconciliation check of every listing matching the filter, on its account's stock
 * queue, so the reads share the account's rate limit with its pushes. Returns how many were
 * queued and each listing that was not, with the reason. The check itself skips a listing pushed
 * since it was queued (see `checkListingStock`), for the same reason.
 */
export async function reconcileAll(
  deps: ReconcileDeps,
  filter: ReconcileFilter = {},
): Promise<{ queued: number; skipped: SkippedListing[] }> {
  const listings = await listListings(deps.db, filter)
  const now = deps.clock.now().getTime()
  const settleMs = deps.config.stock.echoWindowMs
  const skipped: SkippedListing[] = []
  const due: Listing[] = []
  for (const l of listings) {
    const attempt = l.last_push_attempt_at?.getTime()
    if (attempt !== undefined && now - attempt < settleMs) {
      const until = new Date(attempt + settleMs).toISOString()
      skipped.push({ ...skippedView(l), reason: 'pushed-recently', until })
    } else due.push(l)
  }
  const unqueued = await deps.queues.stock.enqueue('check', due)
  const unqueuedIds = new Set(unqueued.map((l) => l.id))
  for (const l of due.filter((d) => unqueuedIds.has(d.id)))
    skipped.push({ ...skippedView(l), reason: 'account-not-configured' })
  const queued = due.length - unqueued.length
  const reasons = countBy(skipped.map((s) => s.reason))
  deps.log.info({ queued, skipped: reasons, ...filter }, 'reconciliation queued')
  return { queued, skipped }
}

function skippedView(l: Listing) {
  return { listingId: l.id, channel: l.channel, account: l.account_id, sku: l.sku }
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1
  return counts
}
