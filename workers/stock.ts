import { randomUUID } from 'node:crypto'
import { Worker, type Queue } from 'bullmq'
import type { RedisClient } from '../src/redis-client.js'
import { DEFAULT_STOCK_SETTINGS, type Account } from '../src/config/accounts.js'
import type { StockCounter } from '../src/metrics/stock.js'
import { checkListingStock, type CheckDeps } from '../src/pipeline/check-stock.js'
import { pushListingStock } from '../src/pipeline/push-stock.js'
import { pushListingsInBulk } from '../src/pipeline/push-stock-bulk.js'
import { endPushSpan, failPushSpan, startPushSpan } from '../src/pipeline/push-trace.js'
import { StockJob } from '../src/queues/index.js'
import {
  connectors,
  inLane,
  type BulkStockSupport,
  type ChannelClient,
} from '../connectors/index.js'
import { workerOptions, type WorkerBase } from './options.js'
import { decode, settle } from './settle.js'

/**
 * The worker of one account's stock queue. BullMQ's limiter holds the account to its channel's
 * rate (shared by every worker process on the queue); a 429 pauses the whole queue for the
 * channel's `Retry-After` without spending the job's attempt, and other accounts' queues keep
 * flowing.
 */
export function createStockWorker(
  deps: CheckDeps & { readonly stockCounter: StockCounter },
  base: WorkerBase,
  account: Account,
  queue: Queue<StockJob>,
  concurrency: number,
): Worker {
  const stock = connectors[account.channel].stock
  const rate = (account.stock ?? DEFAULT_STOCK_SETTINGS).pushRate ?? stock.pushRate
  const count = (outcome: string) => deps.stockCounter.count(account.channel, account.id, outcome)
  return new Worker(
    queue.name,
    async (job, token) => {
      const { kind, listingId } = decode(StockJob, job.data)
      const jobDeps = {
        ...deps,
        log: deps.log.child({ queue: queue.name, jobId: job.id, listingId }),
      }
      const batch =
        kind === 'push' && stock.bulk ? await claimBatch(base.connection, queue, stock.bulk) : []
      const tracing = kind === 'push' && deps.tracing?.enabled ? deps.tracing : undefined
      const span =
        tracing &&
        (await startPushSpan(tracing, {
          channel: account.channel,
          accountId: account.id,
          listingIds: [listingId, ...batch],
        }))
      let result
      try {
        // The account's API budget serves pushes first, reconciliation reads after polling.
        result = await inLane(kind === 'push' ? 'push' : 'reconcile', () =>
          batch.length > 0
            ? pushListingsInBulk(jobDeps, [listingId, ...batch], count)
            : kind === 'push'
              ? pushListingStock(jobDeps, listingId, `${queue.name}.${job.id}`, count)
              : checkListingStock(jobDeps, listingId, (drift) =>
                  count(drift === 0 ? 'checked' : 'drift'),
                ),
        )
      } catch (err) {
        if (span) failPushSpan(span, err)
        throw err
      }
      if (span) endPushSpan(span, result)
      // A 429 is the channel's limit for the whole account, so the whole queue waits.
      await settle(result, { job, token, queueWide: queue })
    },
    {
      ...workerOptions(base, queue.name, concurrency),
      limiter: { max: rate.max, duration: rate.durationMs },
    },
  )
}

/**
 * How long a job's claim mark outlives it: any claim's removal is over long before; the mark only
 * has to outlast the other claimers' reads of the waiting list.
 */
const CLAIM_MARK_MS = 10 * 60_000

/**
 * When the account's queue holds at least the channel's bulk threshold of pushes (a recount, a
 * backlog behind its rate limit), takes up to a bulk call's worth of them out of the queue for
 * this job to send in one go; otherwise none. A job another worker took meanwhile (or whose
 * removal fails for any reason) stays where it is and is pushed on its own. A channel whose bulk
 * call is scarce (`gather`, a feed) lets one job at a time gather: it waits while the queue still
 * grows, and the account's other jobs meanwhile go out on their own.
 */
export async function claimBatch(
  redis: RedisClient,
  queue: Queue<StockJob>,
  bulk: Pick<BulkStockSupport<unknown, ChannelClient>, 'minItems' | 'maxItems' | 'gather'>,
): Promise<string[]> {
  const count = await queue.getWaitingCount()
  if (count + 1 < bulk.minItems) return []
  if (!bulk.gather) return takeWaiting(redis, queue, bulk.maxItems)
  const { quietMs, maxMs } = bulk.gather
  const gathering = queue.toKey('gathering')
  const token = randomUUID()
  // Expires on its own, half a minute after the longest gathering, should this process die while
  // it gathers (the account's pushes go out singly until then).
  if ((await redis.set(gathering, token, 'PX', maxMs + 30_000, 'NX')) !== 'OK') return []
  try {
    const until = Date.now() + maxMs
    for (let seen = count; seen + 1 < bulk.maxItems && Date.now() + quietMs <= until;) {
      await new Promise((resolve) => setTimeout(resolve, quietMs))
      const now = await queue.getWaitingCount()
      if (now <= seen) break // no longer growing: what is coming has come
      seen = now
    }
    return await takeWaiting(redis, queue, bulk.maxItems)
  } finally {
    if ((await redis.get(gathering)) === token) await redis.del(gathering)
  }
}

/** Takes up to `maxItems - 1` waiting pushes out of the queue (the job's own makes `maxItems`). */
async function takeWaiting(
  redis: RedisClient,
  queue: Queue<StockJob>,
  maxItems: number,
): Promise<string[]> {
  const waiting = await queue.getJobs(['waiting'], 0, maxItems - 2)
  const pushes = waiting.filter((job) => job.data.kind === 'push' && job.id !== undefined)
  // Two jobs' claims may read the same waiting jobs, and BullMQ's removal of a job already gone
  // answers success, so both batches would send it. A mark set only if absent decides which claim
  // takes each job; removal then fails only for a job a worker has begun (it is locked).
  // Sent together: ioredis writes the commands on its one connection without waiting for each
  // reply, so the batch costs a round trip or two instead of one per job.
  const marked = await Promise.all(
    pushes.map((job) =>
      redis.set(queue.toKey(`claim:${job.id!}`), '1', 'PX', CLAIM_MARK_MS, 'NX').then(
        (ok) => ok === 'OK',
        () => false,
      ),
    ),
  )
  const ours = pushes.filter((_, i) => marked[i])
  const removed = await Promise.all(
    ours.map((job) =>
      job.remove().then(
        () => true,
        () => false,
      ),
    ),
  )
  return ours.filter((_, i) => removed[i]).map((job) => job.data.listingId)
}
