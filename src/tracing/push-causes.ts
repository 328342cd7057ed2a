import type { Link } from '@opentelemetry/api'
import { keyBatches, type RedisClient } from '../redis-client.js'
import { linkOf, type TraceCarrier } from './context.js'

/**
 * Which webhooks' traces a stock push links to. A push serves every change of its SKU since the
 * last one (pushes are deduplicated per listing and read the quantity when they run, so the job
 * itself cannot carry its causes), so the causes wait beside the queue, in Redis: normalization
 * notes its webhook's context under each SKU it touched; the relay, as it queues a SKU's pushes,
 * moves them to each of the SKU's listings; the push takes its listing's and links to them.
 * Everything here is best effort: lost causes cost a link, never a push.
 */
export interface PushCauses {
  /** Notes `cause` under each SKU; sent at once, never awaited by the caller's work. */
  note(entries: readonly { readonly skus: readonly string[]; readonly cause: TraceCarrier }[]): void
  /** Moves the SKUs' causes to their listings (the relay, before queueing their pushes). */
  fanOut(listings: readonly { readonly id: string; readonly sku: string }[]): Promise<void>
  /** Takes the causes waiting for these listings, as links (the push, when it runs). */
  take(listingIds: readonly string[]): Promise<Link[]>
}

/** Most causes kept per key: a burst's newest ones (OpenTelemetry keeps 128 links per span). */
const MAX_CAUSES = 64
/** Causes nobody took (a SKU without listings, a push lost with Redis) expire. */
const CAUSE_TTL_MS = 3_600_000

export function createPushCauses(redis: RedisClient, prefix: string): PushCauses {
  const skuKey = (sku: string) => `${prefix}:trace-causes:sku:${sku}`
  const listingKey = (id: string) => `${prefix}:trace-causes:listing:${id}`

  function append(
    pipeline: ReturnType<RedisClient['pipeline']>,
    key: string,
    values: string[],
  ): void {
    pipeline
      .rpush(key, ...values)
      .ltrim(key, -MAX_CAUSES, -1)
      .pexpire(key, CAUSE_TTL_MS)
  }

  /**
   * Reads and deletes lists in one transaction, so two takers never share a cause. On a cluster,
   * one transaction per list: a MULTI may only touch one slot.
   */
  async function takeLists(keys: readonly string[]): Promise<string[][]> {
    const taken = await Promise.all(
      keyBatches(redis, keys).map(async (batch) => {
        const multi = redis.multi()
        for (const key of batch) multi.lrange(key, 0, -1).del(key)
        const replies = (await multi.exec()) ?? []
        return batch.map((_, i) => {
          const [err, values] = replies[2 * i] ?? [null, []]
          return err ? [] : (values as string[])
        })
      }),
    )
    return taken.flat()
  }

  /** Sends `append`s in pipelines a cluster accepts (one per key there, see `keyBatches`). */
  function appendAll(entries: ReadonlyMap<string, string[]>): Promise<unknown> {
    return Promise.all(
      keyBatches(redis, [...entries.keys()]).map((batch) => {
        const pipeline = redis.pipeline()
        for (const key of batch) append(pipeline, key, entries.get(key) ?? [])
        return pipeline.exec()
      }),
    )
  }

  return {
    note(entries) {
      const bySku = new Map<string, string[]>()
      for (const { skus, cause } of entries)
        for (const sku of skus)
          bySku.set(skuKey(sku), [...(bySku.get(skuKey(sku)) ?? []), cause.traceparent])
      void appendAll(bySku).catch(() => undefined)
    },
    async fanOut(listings) {
      const skus = [...new Set(listings.map((l) => l.sku))]
      if (skus.length === 0) return
      const taken = await takeLists(skus.map(skuKey)).catch(() => [])
      const bySku = new Map(skus.map((sku, i) => [sku, taken[i] ?? []]))
      const byListing = new Map<string, string[]>()
      for (const l of listings) {
        const causes = bySku.get(l.sku)
        if (causes && causes.length > 0)
          byListing.set(listingKey(l.id), [...(byListing.get(listingKey(l.id)) ?? []), ...causes])
      }
      await appendAll(byListing).catch(() => undefined)
    },
    async take(listingIds) {
      const taken = await takeLists(listingIds.map(listingKey)).catch(() => [])
      const links: Link[] = []
      for (const traceparent of new Set(taken.flat())) {
        const link = linkOf({ traceparent })
        if (link) links.push(link)
      }
      return links
    },
  }
}
