import { Worker, type Queue } from 'bullmq'
import { DEFAULT_STOCK_SETTINGS, type Account } from '../src/config/accounts.js'
import type { StockCounter } from '../src/metrics/stock.js'
import { checkListingStock, type CheckDeps } from '../src/pipeline/check-stock.js'
import { pushListingStock } from '../src/pipeline/push-stock.js'
import { StockJob } from '../src/queues/index.js'
import { connectors } from '../connectors/index.js'
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
      const result =
        kind === 'push'
          ? await pushListingStock(jobDeps, listingId, `${queue.name}.${job.id}`, count)
          : await checkListingStock(jobDeps, listingId, (drift) =>
              count(drift === 0 ? 'checked' : 'drift'),
            )
      // A 429 is the channel's limit for the whole account, so the whole queue waits.
      await settle(result, { job, token, queueWide: queue })
    },
    {
      ...workerOptions(base, concurrency),
      limiter: { max: rate.max, duration: rate.durationMs },
    },
  )
}
