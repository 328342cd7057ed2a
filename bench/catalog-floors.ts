// The floor of the whole-catalog recount (catalog.ts): per channel, the least time the channel's
// limits allow for pushing `items` listings, as the connector and the emulator implement them
// (rate limits, items per bulk call, a feed's processing time, the client's status polling). Every
// figure comes from the constants in code, so a changed limit changes the floor with it.
import { connectors } from '../connectors/index.js'
import { FEED_POLL as AMAZON_FEED_POLL } from '../connectors/amazon/feeds.js'
import { DEFAULT_RATE_LIMITS as AMAZON_RATE_LIMITS } from '../connectors/amazon/api-call.js'
import { FEED_POLL as WALMART_FEED_POLL, FEEDS_PER_HOUR } from '../connectors/walmart/feeds.js'
import type { ChannelId } from '../src/events/index.js'
import { MAXIMUM_AVAILABLE, RESTORE_RATE } from '../src/sandbox/shopify/admission.js'
import { SET_COST } from '../src/sandbox/shopify/api.js'
import { DEFAULT_FEED_TIMINGS as AMAZON_FEED_TIMINGS } from '../src/sandbox/amazon/feeds.js'
import { DEFAULT_FEED_TIMINGS as WALMART_FEED_TIMINGS } from '../src/sandbox/walmart/feeds.js'

export interface Floor {
  /** The least time, ms. */
  readonly ms: number
  /** Bulk calls (mutations, feeds) that many items take at the least. */
  readonly calls: number
  /** How the floor is made up, for the report. */
  readonly why: string
  /** For a feed channel: the floor without the client's wait between status reads. */
  readonly withoutPollMs?: number
}

/** The catalog's shape: `items` listings per channel, `variantsPerProduct` SKUs per product. */
export interface CatalogShape {
  readonly items: number
  readonly variantsPerProduct: number
}

/**
 * When the `n`-th of `calls` calls may start under a token bucket of `burst` refilling at
 * `perSecond` (starting full): the first `burst` at once, then one per 1/perSecond.
 */
const bucketMs = (calls: number, perSecond: number, burst: number) =>
  (Math.max(0, calls - burst) / perSecond) * 1000

/**
 * When the last of `jobs` jobs may start under the stock worker's limiter (BullMQ: at most `max`
 * jobs per `durationMs` window, workers/stock.ts): at the start of window ceil(jobs/max).
 */
const limiterMs = (jobs: number, rate: { max: number; durationMs: number }) =>
  Math.max(0, Math.ceil(jobs / rate.max) - 1) * rate.durationMs

/** A feed's status is read at once, then every `intervalMs`: the first read at or after `readyMs`. */
const firstReadAfter = (readyMs: number, intervalMs: number) =>
  Math.ceil(readyMs / intervalMs) * intervalMs

export const FLOORS: { readonly [C in ChannelId]: (shape: CatalogShape) => Floor } = {
  /**
   * inventorySetQuantities takes up to `maxItems` (250) quantities and costs SET_COST (10) points
   * whatever their number, from a bucket of MAXIMUM_AVAILABLE (1,000) points restoring RESTORE_RATE
   * (100)/s: 40 calls cost 400 points, within the full bucket, so Shopify itself would take them
   * at once. The connector paces its pushes at `pushRate` (10/s: the restore rate over one call's
   * cost, the sustained rate), one job per call: the last of 40 starts 3 s in. The floor is the
   * later of the two.
   */
  shopify: ({ items }) => {
    const stock = connectors.shopify.stock
    const calls = Math.ceil(items / stock.bulk!.maxItems)
    const bucket = (Math.max(0, calls * SET_COST - MAXIMUM_AVAILABLE) / RESTORE_RATE) * 1000
    const paced = limiterMs(calls, stock.pushRate)
    return {
      ms: Math.max(bucket, paced),
      calls,
      why: `${calls} calls of ≤${stock.bulk!.maxItems}; cost bucket ${bucket / 1000} s, pushRate ${stock.pushRate.max}/s ${paced / 1000} s`,
    }
  },
  /**
   * Update Inventory takes the SKUs of one product (up to `maxItems`, 100), so a product is at
   * least one call: `products` calls at 50/s per API (the client's bucket, rateLimitPerSecond,
   * burst = rate, and the emulator's QPS_PER_API alike), the first 50 at once. The worker's limiter
   * (50 jobs/s, each job up to 100 listings) is looser.
   */
  'tiktok-shop': ({ items, variantsPerProduct }) => {
    const connector = connectors['tiktok-shop']
    const stock = connector.stock
    const perProduct = Math.ceil(variantsPerProduct / stock.bulk!.maxItems)
    const calls = Math.ceil(items / variantsPerProduct) * perProduct
    const qps = connector.sandboxCredentials('http://x').rateLimitPerSecond
    const jobs = Math.ceil(items / stock.bulk!.maxItems)
    const ms = Math.max(bucketMs(calls, qps, qps), limiterMs(jobs, stock.pushRate))
    return { ms, calls, why: `${calls} product calls at ${qps}/s after a burst of ${qps}` }
  },
  /**
   * One JSON_LISTINGS_FEED takes MAX_FEED_MESSAGES (10,000) messages; createFeed's bucket holds 5,
   * so up to 5 feeds go at once. The emulator processes a feed in queuedMs + processingMs (15 s)
   * of its clock, which is real time; the client reads getFeed at once and then every
   * FEED_POLL.intervalMs (15 s), so it learns of the report at the first read after that.
   * createFeedDocument, the upload, getFeedDocument and the report's download add round trips only.
   */
  amazon: ({ items }) => {
    const stock = connectors.amazon.stock
    const calls = Math.ceil(items / stock.bulk!.maxItems)
    const createFeed = AMAZON_RATE_LIMITS.createFeed
    const submitted = bucketMs(calls, createFeed.perSecond, createFeed.burst)
    const processing = AMAZON_FEED_TIMINGS.queuedMs + AMAZON_FEED_TIMINGS.processingMs
    const seen = firstReadAfter(processing, AMAZON_FEED_POLL.intervalMs)
    return {
      ms: submitted + seen,
      withoutPollMs: submitted + processing,
      calls,
      why: `${calls} feed(s); processed in ${processing / 1000} s, status read every ${AMAZON_FEED_POLL.intervalMs / 1000} s`,
    }
  },
  /**
   * An inventory feed takes `maxItems` items (the fewer of 50,000 and what 5 MB holds at the
   * longest line), at most FEEDS_PER_HOUR (10) an hour. The emulator processes one in receivedMs +
   * processingMs (15 s, real time); the client reads its status at once and then every
   * FEED_POLL.intervalMs (60 s: real Walmart takes ~30 min, and Walmart suggests reading after 15),
   * so the client's wait, not the channel, sets this floor: 60 s against 15 s of processing.
   */
  walmart: ({ items }) => {
    const stock = connectors.walmart.stock
    const calls = Math.ceil(items / stock.bulk!.maxItems)
    if (calls > FEEDS_PER_HOUR) throw new Error(`${calls} Walmart feeds: above the hourly limit`)
    const processing = WALMART_FEED_TIMINGS.receivedMs + WALMART_FEED_TIMINGS.processingMs
    return {
      ms: firstReadAfter(processing, WALMART_FEED_POLL.intervalMs),
      withoutPollMs: processing,
      calls,
      why: `${calls} feed(s); processed in ${processing / 1000} s, status read every ${WALMART_FEED_POLL.intervalMs / 1000} s`,
    }
  },
}
