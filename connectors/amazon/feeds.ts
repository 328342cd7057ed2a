/**
 * Amazon's bulk stock write: one `JSON_LISTINGS_FEED` per marketplace through the Feeds API
 * 2021-06-30 (repo:amzn/selling-partner-api-models models/feeds-api-model/feeds_2021-06-30.json;
 * channels.md §2 B1):
 * 1. `POST /feeds/2021-06-30/documents` {contentType} → `{ feedDocumentId, url }` (createFeedDocument);
 * 2. `PUT <url>` with the feed, same Content-Type (a presigned URL: no access token);
 * 3. `POST /feeds/2021-06-30/feeds` {feedType, marketplaceIds, inputFeedDocumentId} → 202
 *    `{ feedId }` (createFeed);
 * 4. `GET /feeds/2021-06-30/feeds/{feedId}` until `processingStatus` is DONE, CANCELLED or FATAL
 *    (getFeed; IN_QUEUE and IN_PROGRESS go on);
 * 5. `GET /feeds/2021-06-30/documents/{resultFeedDocumentId}` → `{ url, compressionAlgorithm? }`,
 *    then `GET <url>`: the processing report.
 *
 * The feed is `{ header: { sellerId, version: '2.0' }, messages: [{ messageId, sku,
 * operationType: 'PATCH', productType, patches }] }`, each patch the `merge` of
 * `fulfillment_availability` the single write sends (schemas/feeds/listings-feed-schema-v2.json).
 * The report is `{ header, issues: [{ messageId, code, severity, message }], summary }`; a
 * message with an issue of severity ERROR was not applied, the others were
 * (schemas/feeds/listings-feed-processing-report-schema-v2.example.json).
 */
import { z } from 'zod'
import type { CallErrors, CallLabel } from '../shared/call-errors.js'
import { pollUntilDone, type PollPlan } from '../shared/feed-wait.js'
import {
  httpExchange,
  jsonAnswer,
  unansweredReason,
  type Exchanged,
} from '../shared/http-exchange.js'
import { percentEncode } from '../shared/percent-encode.js'
import type { ClientContext } from '../types.js'
import type { ApiCall, Answer } from './api-call.js'

/**
 * Messages per JSON_LISTINGS_FEED: the feed schema's `messages.maxItems` is 10,000
 * (repo:amzn/selling-partner-api-models schemas/feeds/listings-feed-schema-v2.json); Amazon
 * raised it to 25,000 in May 2025 (https://developer-docs.amazon.com/sp-api/changelog/update-feed-size-and-rate-limit-changes-for-the-json_listings_feed).
 * The lower figure is kept: a feed within it is taken under either.
 */
export const MAX_FEED_MESSAGES = 10_000

/** The feed document's content type, declared at createFeedDocument and sent with the upload. */
export const FEED_CONTENT_TYPE = 'application/json; charset=UTF-8'

/**
 * Our choice: getFeed allows 2/s (feeds-api-rate-limits), and a listings feed takes minutes, so
 * reading every 15 s costs little and adds at most 15 s. Given up after 30 min: the pipeline's
 * retry then submits the absolute quantities again, which is harmless.
 */
export const FEED_POLL: PollPlan = { intervalMs: 15_000, maxWaitMs: 30 * 60_000 }

const FEEDS = '/feeds/2021-06-30'

/** One quantity message, as the caller gives it. */
export interface FeedQuantity {
  readonly sku: string
  readonly quantity: number
  readonly fulfillmentChannelCode: string
  readonly productType: string
}

/** What Amazon reported about one message: accepted, or its ERROR issues. */
export type FeedMessageOutcome =
  { readonly accepted: true } | { readonly accepted: false; readonly issues: readonly FeedIssue[] }

export interface FeedIssue {
  readonly code?: string
  readonly severity: string
  readonly message?: string
}

export interface FeedOutcome {
  readonly feedId: string
  /** One per message, in the order given. */
  readonly messages: readonly FeedMessageOutcome[]
}

const DocumentAnswer = z.object({ feedDocumentId: z.string().min(1), url: z.string().min(1) })
const ResultDocumentAnswer = z.object({
  url: z.string().min(1),
  compressionAlgorithm: z.string().optional(),
})
const FeedIdAnswer = z.object({ feedId: z.string().min(1) })
const FeedAnswer = z.object({
  processingStatus: z.string(),
  resultFeedDocumentId: z.string().optional(),
})
const Report = z.object({
  issues: z
    .array(
      z.object({
        messageId: z.int().optional(),
        code: z.string().optional(),
        severity: z.string().default('ERROR'),
        message: z.string().optional(),
      }),
    )
    .default([]),
})

export interface FeedsApi {
  readonly call: (spec: ApiCall) => Promise<Answer>
  readonly fail: CallErrors['fail']
  readonly redact: (text: string) => string
}

/** Submits one listings feed of quantities for one marketplace and awaits its report. */
export function listingsFeeds(
  sellerId: string,
  api: FeedsApi,
  ctx: ClientContext,
  timeoutMs: number,
): (marketplaceId: string, quantities: readonly FeedQuantity[]) => Promise<FeedOutcome> {
  const { call, fail, redact } = api

  /** A call to a presigned document URL (no token; not an SP-API operation). */
  async function document(
    label: CallLabel,
    url: string,
    method: 'GET' | 'PUT',
    body?: string,
  ): Promise<Exchanged> {
    let sent: Exchanged
    try {
      sent = await httpExchange(ctx.transport, url, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': FEED_CONTENT_TYPE },
        body,
        timeoutMs,
      })
    } catch (err) {
      throw fail('transient', label, redact(unansweredReason(err, timeoutMs)), {}, err)
    }
    if (sent.status < 200 || sent.status >= 300) {
      // S3 answers XML errors; a presigned URL that expired or was refused is worth one more try
      // from the start (a new document), never a permanent verdict on the items.
      throw fail('transient', label, `HTTP ${sent.status}`, { status: sent.status })
    }
    return sent
  }

  return async (marketplaceId, quantities) => {
    const about = `listings feed of ${quantities.length} quantities in ${marketplaceId}`
    const feed = {
      header: { sellerId, version: '2.0' },
      messages: quantities.map((q, i) => ({
        messageId: i + 1,
        sku: q.sku,
        operationType: 'PATCH',
        productType: q.productType,
        patches: [
          {
            op: 'merge',
            path: '/attributes/fulfillment_availability',
            value: [{ fulfillment_channel_code: q.fulfillmentChannelCode, quantity: q.quantity }],
          },
        ],
      })),
    }

    const create: ApiCall = {
      operation: `create feed document for ${about}`,
      operationId: 'createFeedDocument',
      method: 'POST',
      api: `${FEEDS}/documents`,
      path: `${FEEDS}/documents`,
      body: { contentType: FEED_CONTENT_TYPE },
    }
    const doc = parsed(create, DocumentAnswer, (await call(create)).value)
    await document(
      { operation: `upload ${about}`, method: 'PUT', api: '<feed document url>' },
      doc.url,
      'PUT',
      JSON.stringify(feed),
    )

    const submit: ApiCall = {
      operation: `create ${about}`,
      operationId: 'createFeed',
      method: 'POST',
      api: `${FEEDS}/feeds`,
      path: `${FEEDS}/feeds`,
      body: {
        feedType: 'JSON_LISTINGS_FEED',
        marketplaceIds: [marketplaceId],
        inputFeedDocumentId: doc.feedDocumentId,
      },
    }
    const { feedId } = parsed(submit, FeedIdAnswer, (await call(submit)).value)

    const status: ApiCall = {
      operation: `get feed ${feedId} (${about})`,
      operationId: 'getFeed',
      method: 'GET',
      api: `${FEEDS}/feeds/{feedId}`,
      path: `${FEEDS}/feeds/${percentEncode(feedId)}`,
    }
    const ended = await pollUntilDone<z.infer<typeof FeedAnswer>>(
      ctx.clock,
      FEED_POLL,
      async () => {
        const answer = parsed(status, FeedAnswer, (await call(status)).value)
        const done = ['DONE', 'CANCELLED', 'FATAL'].includes(answer.processingStatus)
        return done ? { done: true, value: answer } : { done: false }
      },
      (waited) =>
        fail(
          'transient',
          status,
          `not processed after ${Math.round(waited / 1000)} s; given up (a retry submits again)`,
        ),
    )
    if (ended.processingStatus === 'CANCELLED') {
      throw fail('transient', status, 'the feed was cancelled before processing; not applied')
    }
    const report =
      ended.resultFeedDocumentId === undefined
        ? undefined
        : await readReport(ended.resultFeedDocumentId)
    if (ended.processingStatus === 'FATAL') {
      const why = (report?.issues ?? []).map(describeIssue).join('; ') || 'no report'
      throw fail('permanent', status, `Amazon rejected the whole feed (FATAL): ${redact(why)}`)
    }
    if (report === undefined) {
      throw fail('permanent', status, 'unexpected answer: DONE without resultFeedDocumentId')
    }
    const errors = new Map<number, FeedIssue[]>()
    for (const issue of report.issues) {
      if (issue.severity !== 'ERROR' || issue.messageId === undefined) continue
      const list = errors.get(issue.messageId) ?? []
      list.push(issue)
      errors.set(issue.messageId, list)
    }
    return {
      feedId,
      messages: quantities.map((_, i) => {
        const issues = errors.get(i + 1)
        return issues === undefined ? { accepted: true } : { accepted: false, issues }
      }),
    }

    async function readReport(documentId: string): Promise<z.infer<typeof Report>> {
      const get: ApiCall = {
        operation: `get report document of feed ${feedId}`,
        operationId: 'getFeedDocument',
        method: 'GET',
        api: `${FEEDS}/documents/{feedDocumentId}`,
        path: `${FEEDS}/documents/${percentEncode(documentId)}`,
      }
      const result = parsed(get, ResultDocumentAnswer, (await call(get)).value)
      if (result.compressionAlgorithm !== undefined) {
        // The transport hands back text; a GZIP body would need a binary read (not built yet).
        throw fail('permanent', get, `report compressed with ${result.compressionAlgorithm}`)
      }
      const label = {
        operation: `download report of feed ${feedId}`,
        method: 'GET',
        api: '<report url>',
      }
      const sent = await document(label, result.url, 'GET')
      return parsed(label, Report, jsonAnswer(sent, label, fail))
    }
  }

  function parsed<T>(label: CallLabel, schema: z.ZodType<T>, value: unknown): T {
    const result = schema.safeParse(value)
    if (!result.success) {
      throw fail('permanent', label, `unexpected answer: ${z.prettifyError(result.error)}`)
    }
    return result.data
  }
}

/** `90220 "'size' is required" (ERROR)`. */
export function describeIssue(issue: FeedIssue): string {
  const parts = [issue.code ?? 'issue']
  if (issue.message !== undefined) parts.push(JSON.stringify(issue.message))
  parts.push(`(${issue.severity})`)
  return parts.join(' ')
}
