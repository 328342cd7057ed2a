/**
 * Feeds API 2021-06-30 for the emulated seller, with `JSON_LISTINGS_FEED` of quantity patches
 * (repo:amzn/selling-partner-api-models models/feeds-api-model/feeds_2021-06-30.json,
 * schemas/feeds/listings-feed-schema-v2.json, listings-feed-processing-report-schema-v2.example.json;
 * channels.md §2 B1):
 *
 * - createFeedDocument `POST /feeds/2021-06-30/documents` {contentType} → 201 `{ feedDocumentId, url }`;
 * - the presigned `url` (`PUT` the feed with that Content-Type, `GET` a report): served here under
 *   `/feed-documents/{id}`, without an access token, as S3 serves Amazon's;
 * - createFeed `POST /feeds/2021-06-30/feeds` → 202 `{ feedId }`;
 * - getFeed `GET /feeds/2021-06-30/feeds/{feedId}`; getFeedDocument `GET /feeds/2021-06-30/documents/{id}`.
 *
 * Processing runs on the marketplace clock (`state.now`): a feed is IN_QUEUE for `queuedMs`,
 * IN_PROGRESS for `processingMs`, then DONE (or FATAL), and only then are its quantities applied
 * and its report written. Whole-feed refusals are FATAL with an issue without `messageId`: a
 * document that is not JSON, a header naming another seller or version, no messages or more than
 * {@link MAX_FEED_MESSAGES}. Per message (an ERROR issue with its `messageId`; the others are
 * applied): a repeated or missing messageId, an operation other than PATCH (the emulator patches
 * quantities only), a malformed patch (as patchListingsItem refuses it), a quantity it rejects,
 * and a SKU the seller does not list. Whether Amazon lists a SKU on a first PATCH is
 * unconfirmed; the emulator's single patch does, its feed does not.
 *
 * The store keeps the latest {@link FEEDS_KEPT} feeds and documents: a sandbox left running must
 * not grow without bound.
 */
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import { MAX_FEED_MESSAGES } from '../../../connectors/amazon/index.js'
import { jsonBody } from '../json-body.js'
import { publicBase } from '../public-base.js'
import type { ChannelState } from '../types.js'
import type { SpApiErrorEntry, SpApiReply } from './admission.js'
import type { AmazonSeller } from './seller.js'
import { applyQuantities, availability, patchesOf, quantitiesOf } from './stock.js'

export { MAX_FEED_MESSAGES }

/** Feeds and documents kept; older ones are forgotten. */
export const FEEDS_KEPT = 200

/** How long a feed waits and is processed, on the marketplace clock. Our choice: short. */
export interface FeedTimings {
  readonly queuedMs: number
  readonly processingMs: number
}
export const DEFAULT_FEED_TIMINGS: FeedTimings = { queuedMs: 5_000, processingMs: 10_000 }

interface FeedDocument {
  readonly contentType: string
  content?: string
}

interface Issue {
  readonly messageId?: number
  readonly sku?: string
  readonly code: string
  readonly severity: 'ERROR' | 'WARNING'
  readonly message: string
}

interface Feed {
  readonly feedId: string
  readonly marketplaceIds: readonly string[]
  readonly createdAt: number
  readonly content: string
  /** Set once processed. */
  outcome?: { readonly status: 'DONE' | 'FATAL'; readonly reportId: string }
}

const invalidInput = (message: string): SpApiErrorEntry => ({ code: 'InvalidInput', message })
const notFound = (message: string): SpApiErrorEntry => ({ code: 'NotFound', message })

/** The feed handlers of one seller. */
export function amazonFeeds(
  state: ChannelState,
  seller: AmazonSeller,
  timings: FeedTimings = DEFAULT_FEED_TIMINGS,
) {
  const documents = new Map<string, FeedDocument>()
  const feeds = new Map<string, Feed>()
  const keep = <V>(map: Map<string, V>, id: string, value: V) => {
    map.set(id, value)
    for (const oldest of map.keys()) {
      if (map.size <= FEEDS_KEPT) break
      map.delete(oldest)
    }
  }
  const now = () => state.now().getTime()

  function statusOf(feed: Feed): string {
    const elapsed = now() - feed.createdAt
    if (elapsed < timings.queuedMs) return 'IN_QUEUE'
    if (elapsed < timings.queuedMs + timings.processingMs) return 'IN_PROGRESS'
    return (feed.outcome ??= process(feed)).status
  }

  /** Processes every feed whose time has come: called before each request is served. */
  function settle(): void {
    for (const feed of feeds.values()) if (feed.outcome === undefined) statusOf(feed)
  }

  function process(feed: Feed): NonNullable<Feed['outcome']> {
    const { issues, fatal, processed } = checkedFeed(feed)
    const reportId = randomUUID()
    const errors = issues.filter((i) => i.severity === 'ERROR')
    const invalid = new Set(errors.map((i) => i.messageId))
    const report = {
      header: { sellerId: seller.sellerId, version: '2.0', feedId: feed.feedId },
      issues,
      summary: {
        errors: errors.length,
        warnings: issues.length - errors.length,
        messagesProcessed: processed,
        messagesAccepted: fatal ? 0 : processed - invalid.size,
        messagesInvalid: fatal ? processed : invalid.size,
      },
    }
    keep(documents, reportId, { contentType: 'application/json', content: JSON.stringify(report) })
    return { status: fatal ? 'FATAL' : 'DONE', reportId }
  }

  /** Validates the feed and applies its valid messages; `fatal` when none may be. */
  function checkedFeed(feed: Feed): { issues: Issue[]; fatal: boolean; processed: number } {
    const whole = (message: string) => ({
      issues: [{ code: '4000001', severity: 'ERROR' as const, message }],
      fatal: true,
      processed: 0,
    })
    let body: unknown
    try {
      body = JSON.parse(feed.content)
    } catch {
      return whole('The feed document is not valid JSON.')
    }
    const { header, messages } = isObject(body) ? body : {}
    const head = isObject(header) ? header : {}
    if (head.sellerId !== seller.sellerId) return whole('header.sellerId is not this seller.')
    if (head.version !== '2.0') return whole("header.version must be '2.0'.")
    if (!Array.isArray(messages) || messages.length === 0) {
      return whole('The feed must have at least one message.')
    }
    if (messages.length > MAX_FEED_MESSAGES) {
      return whole(`The feed has ${messages.length} messages; at most ${MAX_FEED_MESSAGES}.`)
    }
    const issues: Issue[] = []
    const seen = new Set<number>()
    for (const m of messages as unknown[]) {
      const message = isObject(m) ? m : {}
      const id = message.messageId
      const sku = typeof message.sku === 'string' ? message.sku : undefined
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1 || seen.has(id)) {
        // Not tied to a message: the report has no messageId to name.
        issues.push({
          code: '4000001',
          severity: 'ERROR',
          message: 'messageId missing or repeated',
        })
        continue
      }
      seen.add(id)
      const refuse = (code: string, text: string) =>
        issues.push({
          messageId: id,
          ...(sku ? { sku } : {}),
          code,
          severity: 'ERROR',
          message: text,
        })
      if (sku === undefined || sku === '') {
        refuse('4000001', 'sku is required')
        continue
      }
      if (message.operationType !== 'PATCH') {
        refuse('4000001', 'the emulator processes PATCH messages only')
        continue
      }
      const patches = patchesOf({ productType: message.productType, patches: message.patches })
      if (typeof patches === 'string') {
        refuse('4000001', patches)
        continue
      }
      if (availability(state, sku) === undefined) {
        refuse('4000004', `SKU '${sku}' not found in marketplace ${feed.marketplaceIds[0] ?? ''}`)
        continue
      }
      const { quantities, issues: rejected } = quantitiesOf(patches)
      if (rejected.length > 0) {
        for (const r of rejected as { code: string; message: string }[]) refuse(r.code, r.message)
        continue
      }
      applyQuantities(state, sku, quantities)
    }
    return { issues, fatal: false, processed: messages.length }
  }

  function documentUrl(c: Context, id: string): string {
    return `${publicBase(c, state.channel)}/feed-documents/${id}`
  }

  async function createFeedDocument(c: Context, reply: SpApiReply): Promise<Response> {
    const body = await jsonBody(c)
    const contentType = isObject(body) ? body.contentType : undefined
    if (typeof contentType !== 'string' || contentType === '') {
      return reply.refuse(400, [invalidInput('contentType is required')])
    }
    const id = `amzn1.tortuga.4.na.${randomUUID()}`
    keep(documents, id, { contentType })
    return reply.json({ feedDocumentId: id, url: documentUrl(c, id) }, 201)
  }

  async function createFeed(c: Context, reply: SpApiReply): Promise<Response> {
    const body = await jsonBody(c)
    const spec = isObject(body) ? body : {}
    if (spec.feedType !== 'JSON_LISTINGS_FEED') {
      return reply.refuse(400, [
        invalidInput('The emulator takes feedType JSON_LISTINGS_FEED only'),
      ])
    }
    const ids = spec.marketplaceIds
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      !ids.every((id) => typeof id === 'string' && seller.marketplaceIds.includes(id))
    ) {
      return reply.refuse(400, [invalidInput('marketplaceIds must name the seller’s marketplaces')])
    }
    const doc =
      typeof spec.inputFeedDocumentId === 'string'
        ? documents.get(spec.inputFeedDocumentId)
        : undefined
    if (doc?.content === undefined) {
      return reply.refuse(400, [invalidInput('inputFeedDocumentId names no uploaded document')])
    }
    const feedId = String(50_000_000_000 + feeds.size + Math.floor(Math.random() * 1e9))
    keep(feeds, feedId, {
      feedId,
      marketplaceIds: ids as string[],
      createdAt: now(),
      content: doc.content,
    })
    return reply.json({ feedId }, 202)
  }

  function getFeed(c: Context, reply: SpApiReply): Response {
    const feed = feeds.get(c.req.param('feedId') ?? '')
    if (feed === undefined) return reply.refuse(404, [notFound('Feed not found.')])
    const processingStatus = statusOf(feed)
    const at = (ms: number) => new Date(ms).toISOString()
    return reply.json({
      feedId: feed.feedId,
      feedType: 'JSON_LISTINGS_FEED',
      marketplaceIds: feed.marketplaceIds,
      createdTime: at(feed.createdAt),
      processingStatus,
      ...(processingStatus === 'IN_QUEUE'
        ? {}
        : { processingStartTime: at(feed.createdAt + timings.queuedMs) }),
      ...(feed.outcome === undefined
        ? {}
        : {
            processingEndTime: at(feed.createdAt + timings.queuedMs + timings.processingMs),
            resultFeedDocumentId: feed.outcome.reportId,
          }),
    })
  }

  function getFeedDocument(c: Context, reply: SpApiReply): Response {
    const id = c.req.param('feedDocumentId') ?? ''
    if (!documents.has(id)) return reply.refuse(404, [notFound('Feed document not found.')])
    return reply.json({ feedDocumentId: id, url: documentUrl(c, id) })
  }

  /** The presigned URL: upload with the declared Content-Type, or download. S3's XML errors. */
  async function document(c: Context): Promise<Response> {
    state.stats.calls += 1
    const doc = documents.get(c.req.param('id') ?? '')
    const s3Error = (status: 403 | 404, code: string) => {
      state.stats.rejected += 1
      return new Response(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`,
        {
          status,
          headers: { 'content-type': 'application/xml' },
        },
      )
    }
    if (doc === undefined) return s3Error(404, 'NoSuchKey')
    if (c.req.method === 'PUT') {
      // The URL is signed for the declared content type; another one breaks the signature.
      if (c.req.header('content-type') !== doc.contentType) {
        return s3Error(403, 'SignatureDoesNotMatch')
      }
      doc.content = await c.req.text()
      return new Response(null, { status: 200 })
    }
    if (doc.content === undefined) return s3Error(404, 'NoSuchKey')
    return new Response(doc.content, { headers: { 'content-type': doc.contentType } })
  }

  return { settle, createFeedDocument, createFeed, getFeed, getFeedDocument, document }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
