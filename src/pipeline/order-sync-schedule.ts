/**
 * When order sync runs: the relay leader queues every account's scheduled sync each interval, and
 * re-queues runs whose process died and whose job went with Redis (the lease lapsed with work
 * left). A run queued already is not queued twice (the job id is the account's and kind's).
 */
import type { Kysely } from 'kysely'
import { connectors, type AnyConnector } from '../../connectors/index.js'
import type { Clock } from '../clock.js'
import type { Account } from '../config/index.js'
import { unfinishedRuns } from '../db/repos/order-sync.js'
import type { Database } from '../db/schema.js'
import type { OrderSyncJob, Queues } from '../queues/index.js'

/** The accounts whose channel's orders the hub can list. */
export function syncedAccounts(accounts: readonly Account[]): Account[] {
  return accounts.filter((a) => (connectors[a.channel] as AnyConnector).orders !== undefined)
}

/** Queues the scheduled sync of every account that has one; returns how many. */
export async function queueScheduledSyncs(
  deps: { readonly queues: Queues },
  accounts: readonly Account[],
): Promise<number> {
  const jobs: OrderSyncJob[] = syncedAccounts(accounts).map((a) => ({
    channel: a.channel,
    accountId: a.id,
    kind: 'sync',
  }))
  await deps.queues.enqueueOrderSync(jobs)
  return jobs.length
}

/** A failed run (its job's retries spent) is queued again this long after its last failure. */
export const FAILED_RUN_BACKOFF_MS = 300_000

/**
 * Re-queues runs left unfinished by a process that died, or whose job's retries were spent (after
 * FAILED_RUN_BACKOFF_MS); returns how many.
 */
export async function resumeOrderSyncRuns(deps: {
  readonly db: Kysely<Database>
  readonly queues: Queues
  readonly clock: Clock
}): Promise<number> {
  const runs = await unfinishedRuns(deps.db, deps.clock.now(), FAILED_RUN_BACKOFF_MS)
  await deps.queues.enqueueOrderSync(runs)
  return runs.length
}
