/**
 * Walmart's bulk stock write: one bulk item inventory feed (spec 1.4, single ship node, JSON)
 * submitted with `POST /v3/feeds?feedType=inventory` as multipart/form-data with the file in
 * `file`, answered `{ feedId }`; then `GET /v3/feeds/{feedId}` until `feedStatus` is PROCESSED or
 * ERROR, and its items with `includeDetails=true`, `offset`, `limit` (at most 1000 a page):
 * `itemDetails.itemIngestionStatus[]` of `{ sku, index, ingestionStatus, ingestionErrors }`
 * (https://developer.walmart.com/us-marketplace/docs/bulk-inventory-update-feed,
 * https://developer.walmart.com/us-marketplace/docs/feed-item-status-api-for-tracking-fitment-files,
 * https://developer.walmart.com/us-marketplace/docs/monitor-my-item; channels.md §3 B1).
 *
 * The file is `{ InventoryHeader: { version: '1.4' }, Inventory: [{ sku, quantity: { unit:
 * 'EACH', amount } }] }`; the ship node is the file's, so one feed serves one node (absent: the
 * default node). Limits (channels.md §3 B2; https://developer.walmart.com/us-marketplace/docs/bulk-inventory):
 * 10 inventory feeds per hour, 5 MB per file, 50,000 items per feed, about 30 minutes to process.
 * The hourly limit is kept here ({@link WindowLimit}): a feed that would pass it is not sent, and
 * the error says when one may be.
 */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { ChannelApiErrorKind } from '../shared/api-error.js'
import type { CallErrors } from '../shared/call-errors.js'
import { pollUntilDone, type PollPlan } from '../shared/feed-wait.js'
import { percentEncode } from '../shared/percent-encode.js'
import { WindowLimit } from '../shared/window-limit.js'
import type { ClientContext } from '../types.js'
import { describeError, walmartErrors, type Answer, type ApiCall } from './api-call.js'

/** Inventory feeds per hour (bulk-inventory page above). */
export const FEEDS_PER_HOUR = 10
/** Items per inventory feed (https://developer.walmart.com/suppliers/docs/async-api-throttling-limits). */
export const MAX_FEED_ITEMS = 50_000
/** Bytes per feed file: 5 MB (bulk-inventory page). Taken as 5 × 10^6, the stricter reading. */
export const MAX_FEED_BYTES = 5_000_000
/** Item results per status page: `limit` is at most 1000 (feed item status page). */
const PAGE = 1_000

/**
 * Our choice. Walmart says a feed takes about 30 minutes and suggests polling after 15 minutes;
 * the hub reads every minute (the status read is not the throttled feed submission) so a quick
 * feed is not held, and gives up after 45 minutes: the pipeline's retry then submits again
 * (absolute levels, harmless, but it spends one of the hour's ten feeds).
 */
export const FEED_POLL: PollPlan = { intervalMs: 60_000, maxWaitMs: 45 * 60_000 }

export interface InventoryLine {
  readonly sku: string
  readonly quantity: number
}

/** What Walmart reported about one line: ingested, or why not (`kind` by its ingestion status). */
export type InventoryLineOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false
      readonly kind: ChannelApiErrorKind
      readonly reason: string
      readonly code?: string
    }

const FeedIdAnswer = z.object({ feedId: z.string().min(1) })
const IngestionErrors = z
  .object({ ingestionError: z.array(z.record(z.string(), z.unknown())).default([]) })
  .partial()
  .nullish()
const FeedStatus = z.object({
  feedStatus: z.string(),
  itemsReceived: z.int().optional(),
  ingestionErrors: IngestionErrors,
  itemDetails: z
    .object({
      itemIngestionStatus: z
        .array(
          z.object({
            sku: z.string().optional(),
            index: z.int().optional(),
            ingestionStatus: z.string(),
            ingestionErrors: IngestionErrors,
          }),
        )
        .default([]),
    })
    .nullish(),
})
type FeedStatus = z.infer<typeof FeedStatus>

export interface FeedsApi {
  readonly call: (spec: ApiCall) => Promise<Answer>
  readonly fail: CallErrors['fail']
  readonly redact: (text: string) => string
}

/** Submits one inventory feed for one ship node (absent: the default) and awaits its items. */
export function inventoryFeeds(api: FeedsApi, ctx: ClientContext) {
  const { call, fail, redact } = api
  const hourly = new WindowLimit(FEEDS_PER_HOUR, 3_600_000, ctx.clock)

  return async (
    shipNode: string | undefined,
    lines: readonly InventoryLine[],
  ): Promise<InventoryLineOutcome[]> => {
    const node = shipNode === undefined ? '' : ` at ship node ${shipNode}`
    const file = JSON.stringify({
      InventoryHeader: { version: '1.4' },
      Inventory: lines.map((l) => ({
        sku: l.sku,
        quantity: { unit: 'EACH', amount: l.quantity },
        // The field naming a node in a 1.4 line is unconfirmed (the pages read show only the
        // default-node form); `shipNode` as the 1.5 MultiNode feed names it.
        ...(shipNode === undefined ? {} : { shipNode }),
      })),
    })
    const boundary = `----hub-${randomUUID()}`
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="inventory.json"',
      'Content-Type: application/json',
      '',
      file,
      `--${boundary}--`,
      '',
    ].join('\r\n')
    const submit: ApiCall = {
      operation: `submit inventory feed of ${lines.length} skus${node}`,
      method: 'POST',
      api: '/v3/feeds',
      path: '/v3/feeds?feedType=inventory',
      rawBody: { contentType: `multipart/form-data; boundary=${boundary}`, text: body },
    }
    if (lines.length > MAX_FEED_ITEMS) {
      throw fail('permanent', submit, `not sent: more than ${MAX_FEED_ITEMS} items`)
    }
    const bytes = Buffer.byteLength(file, 'utf8')
    if (bytes > MAX_FEED_BYTES) {
      throw fail('permanent', submit, `not sent: the file is ${bytes} bytes, above 5 MB`)
    }
    hourly.take(`Walmart ${submit.operation}`)
    const { feedId } = parsed(submit, FeedIdAnswer, (await call(submit)).value)

    const statusCall = (query: string): ApiCall => ({
      operation: `get status of feed ${feedId}`,
      method: 'GET',
      api: '/v3/feeds/{feedId}',
      path: `/v3/feeds/${percentEncode(feedId)}?${query}`,
    })
    const first = statusCall('includeDetails=false')
    const ended = await pollUntilDone<FeedStatus>(
      ctx.clock,
      FEED_POLL,
      async () => {
        const status = parsed(first, FeedStatus, (await call(first)).value)
        const done = status.feedStatus === 'PROCESSED' || status.feedStatus === 'ERROR'
        return done ? { done: true, value: status } : { done: false }
      },
      (waited) =>
        fail(
          'transient',
          first,
          `not processed after ${Math.round(waited / 1000)} s; given up (a retry submits again)`,
        ),
    )
    if (ended.feedStatus === 'ERROR') {
      const errors = walmartErrors({ errors: ended.ingestionErrors?.ingestionError })
      throw fail(
        'permanent',
        first,
        `Walmart processed none of the feed (ERROR): ${redact(errors.map(describeError).join('; ') || 'no errors listed')}`,
        errors[0]?.code === undefined ? {} : { code: errors[0].code },
      )
    }

    const outcomes: (InventoryLineOutcome | undefined)[] = lines.map(() => undefined)
    const received = ended.itemsReceived ?? lines.length
    for (let offset = 0; offset < received; offset += PAGE) {
      const page = statusCall(`includeDetails=true&offset=${offset}&limit=${PAGE}`)
      const status = parsed(page, FeedStatus, (await call(page)).value)
      for (const item of status.itemDetails?.itemIngestionStatus ?? []) {
        const at = item.index ?? lines.findIndex((l) => l.sku === item.sku)
        if (at < 0 || at >= lines.length) continue
        outcomes[at] = outcomeOf(item)
      }
    }
    return outcomes.map(
      (outcome) =>
        outcome ?? {
          ok: false,
          kind: 'transient',
          reason: `feed ${feedId} reported no status for it`,
        },
    )

    function outcomeOf(item: {
      ingestionStatus: string
      ingestionErrors?: { ingestionError?: Record<string, unknown>[] } | null
    }): InventoryLineOutcome {
      if (item.ingestionStatus === 'SUCCESS') return { ok: true }
      const errors = walmartErrors({ errors: item.ingestionErrors?.ingestionError })
      // DATA_ERROR is the item's own (fix the data); SYSTEM_ERROR and TIMEOUT_ERROR are Walmart's
      // ("wait for at least an hour and then try again": Walmart's feed overview).
      const kind = item.ingestionStatus === 'DATA_ERROR' ? 'permanent' : 'transient'
      return {
        ok: false,
        kind,
        reason: `${item.ingestionStatus} in feed ${feedId}: ${redact(errors.map(describeError).join('; ') || 'no errors listed')}`,
        ...(errors[0]?.code === undefined ? {} : { code: errors[0].code }),
      }
    }
  }

  function parsed<T>(spec: ApiCall, schema: z.ZodType<T>, value: unknown): T {
    const result = schema.safeParse(value)
    if (!result.success) {
      throw fail('permanent', spec, `unexpected answer: ${z.prettifyError(result.error)}`)
    }
    return result.data
  }
}
