import { Queue } from 'bullmq'
import { z } from 'zod'
import type { ChannelId } from '../events/index.js'
import type { RedisClient } from '../redis-client.js'
import { HUB_BACKOFF, REMOVE_COMPLETED } from './catalog.js'
import { queuePrefix, type QueueKeyLayout } from './key-layout.js'

/**
 * A stock job names a listing only: `push` reads the SKU's available-to-sell when it runs, so a
 * job that waited behind a burst still sends the latest quantity; `check` reads the channel's
 * quantity back (reconciliation).
 */
export const StockJob = z.object({ kind: z.enum(['push', 'check']), listingId: z.string() })
export type StockJob = z.infer<typeof StockJob>

/** Where a listing's stock jobs go: its account's queue. */
export interface StockTarget {
  readonly id: string
  readonly channel: ChannelId
  readonly account_id: string
  readonly sku: string
}

/** One queue per channel account, so one account's rate limit or outage never holds up another's. */
export function stockQueueName(channel: ChannelId, accountId: string): string {
  return `stock.${channel}.${accountId}`
}

export interface StockQueues {
  readonly all: readonly Queue<StockJob>[]
  queueOf(channel: ChannelId, accountId: string): Queue<StockJob> | undefined
  /**
   * Enqueues one job per listing, deduplicated per listing: at most one waiting and one active
   * push (BullMQ `keepLastIfActive`), so a burst of changes coalesces into few channel calls and
   * the last change still gets a push after the active one. Listings of accounts without a queue
   * (not configured, or a channel without stock support) are skipped and returned.
   */
  enqueue(kind: StockJob['kind'], listings: readonly StockTarget[]): Promise<StockTarget[]>
  close(): Promise<void>
}

export function createStockQueues(
  connection: RedisClient,
  settings: QueueKeyLayout & { readonly pushAttempts: number },
  accounts: readonly { readonly channel: ChannelId; readonly accountId: string }[],
): StockQueues {
  const queues = new Map<string, Queue<StockJob>>()
  for (const { channel, accountId } of accounts) {
    const name = stockQueueName(channel, accountId)
    queues.set(name, new Queue<StockJob>(name, { connection, prefix: queuePrefix(settings, name) }))
  }
  return {
    all: [...queues.values()],
    queueOf: (channel, accountId) => queues.get(stockQueueName(channel, accountId)),
    async enqueue(kind, listings) {
      const skipped: StockTarget[] = []
      const byQueue = new Map<Queue<StockJob>, StockTarget[]>()
      for (const listing of listings) {
        const queue = queues.get(stockQueueName(listing.channel, listing.account_id))
        if (!queue) skipped.push(listing)
        else byQueue.set(queue, [...(byQueue.get(queue) ?? []), listing])
      }
      await Promise.all(
        [...byQueue].map(([queue, targets]) =>
          queue.addBulk(
            targets.map((t) => ({
              name: `${kind} ${t.sku}`,
              data: { kind, listingId: t.id },
              opts: {
                deduplication:
                  kind === 'push'
                    ? { id: `push-${t.id}`, keepLastIfActive: true }
                    : { id: `check-${t.id}` },
                attempts: settings.pushAttempts,
                backoff: { type: HUB_BACKOFF, delay: 1_000 },
                removeOnComplete: REMOVE_COMPLETED,
                removeOnFail: false,
              },
            })),
          ),
        ),
      )
      return skipped
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()))
    },
  }
}
