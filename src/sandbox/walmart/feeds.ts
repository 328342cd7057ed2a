/**
 * Bulk inventory feeds for the emulated seller (channels.md §3 B1/B2;
 * https://developer.walmart.com/us-marketplace/docs/bulk-inventory-update-feed,
 * https://developer.walmart.com/us-marketplace/docs/bulk-inventory):
 *
 * - `POST /v3/feeds?feedType=inventory`, multipart/form-data with the file in `file` → `{ feedId }`.
 *   Refused at once: another feedType (400), no file (400), a file above 5 MB (413, Walmart's
 *   answer to an oversized payload: https://developer.walmart.com/us-marketplace/docs/throttling),
 *   and an 11th feed within an hour (429 `REQUEST_THRESHOLD_VIOLATED` with Retry-After, as the
 *   feed pages tell callers to honour).
 * - `GET /v3/feeds/{feedId}[?includeDetails=true&offset=&limit=]`: `feedStatus` RECEIVED, then
 *   INPROGRESS, then PROCESSED or ERROR on the marketplace clock (`state.now`); item counts, and
 *   with details `itemDetails.itemIngestionStatus[]` a page at a time (`limit` at most 1000).
 *
 * Processing: a file that is not `{ InventoryHeader: { version: '1.4' }, Inventory: [...] }` JSON,
 * or has no items or more than 50,000, ends in ERROR with nothing applied. Per item: a missing
 * `sku`, a `quantity` other than `{ unit: 'EACH', amount: whole ≥ 0 }`, a node the seller does
 * not have, or a SKU it does not list is a DATA_ERROR; the others are applied at PROCESSED, not
 * before. (The emulator's single PUT lists a SKU on its first write; its feed does not.)
 *
 * The store keeps the latest {@link FEEDS_KEPT} feeds.
 */
import type { Context } from 'hono'
import {
  FEEDS_PER_HOUR,
  MAX_FEED_BYTES,
  MAX_FEED_ITEMS,
} from '../../../connectors/walmart/index.js'
import type { ChannelState } from '../types.js'
import { decodedQuery, refuse } from './admission.js'
import { OTHER_SHIP_NODE, SHIP_NODE } from './seller.js'

export { FEEDS_PER_HOUR }
export const FEEDS_KEPT = 200
const HOUR_MS = 3_600_000

/** How long a feed is RECEIVED and INPROGRESS on the marketplace clock. Our choice: short. */
export interface FeedTimings {
  readonly receivedMs: number
  readonly processingMs: number
}
export const DEFAULT_FEED_TIMINGS: FeedTimings = { receivedMs: 5_000, processingMs: 10_000 }

interface IngestionError {
  readonly type: 'DATA_ERROR'
  readonly code: string
  readonly field: string
  readonly description: string
}

interface ItemStatus {
  readonly sku: string
  readonly index: number
  readonly ingestionStatus: 'SUCCESS' | 'DATA_ERROR'
  readonly ingestionErrors: { readonly ingestionError: readonly IngestionError[] } | null
}

interface Feed {
  readonly feedId: string
  readonly submittedAt: number
  readonly file: string
  outcome?:
    | { readonly status: 'PROCESSED'; readonly items: readonly ItemStatus[] }
    | { readonly status: 'ERROR'; readonly error: IngestionError }
}

const dataError = (code: string, field: string, description: string): IngestionError => ({
  type: 'DATA_ERROR',
  code,
  field,
  description,
})

/** The feed handlers of one seller; `levelsAt` is stock.ts's stock by ship node. */
export function walmartFeeds(
  state: ChannelState,
  levelsAt: (shipNode: string | undefined) => Map<string, number> | undefined,
  timings: FeedTimings = DEFAULT_FEED_TIMINGS,
) {
  const feeds = new Map<string, Feed>()
  const submitted: number[] = []
  const now = () => state.now().getTime()
  let serial = 0

  function statusOf(feed: Feed): string {
    const elapsed = now() - feed.submittedAt
    if (elapsed < timings.receivedMs) return 'RECEIVED'
    if (elapsed < timings.receivedMs + timings.processingMs) return 'INPROGRESS'
    return (feed.outcome ??= process(feed)).status
  }

  /** Processes every feed whose time has come: called before each request is served. */
  function settle(): void {
    for (const feed of feeds.values()) if (feed.outcome === undefined) statusOf(feed)
  }

  function process(feed: Feed): NonNullable<Feed['outcome']> {
    const fail = (description: string) => ({
      status: 'ERROR' as const,
      error: dataError('ERR_EXT_DATA_0101001', 'file', description),
    })
    let parsed: unknown
    try {
      parsed = JSON.parse(feed.file)
    } catch {
      return fail('The file is not valid JSON.')
    }
    const body = isObject(parsed) ? parsed : {}
    const header = isObject(body.InventoryHeader) ? body.InventoryHeader : {}
    if (header.version !== '1.4') return fail("InventoryHeader.version must be '1.4'.")
    const lines = body.Inventory
    if (!Array.isArray(lines) || lines.length === 0) return fail('Inventory lists no items.')
    if (lines.length > MAX_FEED_ITEMS) {
      return fail(`Inventory lists ${lines.length} items; at most ${MAX_FEED_ITEMS}.`)
    }
    const items = (lines as unknown[]).map((l, index): ItemStatus => {
      const line = isObject(l) ? l : {}
      const sku = typeof line.sku === 'string' ? line.sku : ''
      const refused = (field: string, description: string): ItemStatus => ({
        sku,
        index,
        ingestionStatus: 'DATA_ERROR',
        ingestionErrors: {
          ingestionError: [dataError('ERR_EXT_DATA_0101002', field, description)],
        },
      })
      if (sku === '') return refused('sku', 'sku is required')
      const quantity = isObject(line.quantity) ? line.quantity : {}
      const amount = quantity.amount
      if (
        quantity.unit !== 'EACH' ||
        typeof amount !== 'number' ||
        !Number.isSafeInteger(amount) ||
        amount < 0
      ) {
        return refused('quantity', 'quantity must be { unit: EACH, amount: a whole number ≥ 0 }')
      }
      const node = typeof line.shipNode === 'string' ? line.shipNode : undefined
      const levels = levelsAt(node)
      if (levels === undefined) return refused('shipNode', `Unknown ship node ${node}`)
      if (!levels.has(sku)) return refused('sku', `SKU ${sku} is not set up for this seller`)
      levels.set(sku, amount)
      state.stats.stockWrites += 1
      return { sku, index, ingestionStatus: 'SUCCESS', ingestionErrors: null }
    })
    return { status: 'PROCESSED', items }
  }

  async function submit(c: Context): Promise<Response> {
    if (decodedQuery(c.req.url).feedType !== 'inventory') {
      return refuse(c, state, 400, {
        code: 'INVALID_REQUEST_PARAM.GMP_GATEWAY_API',
        field: 'feedType',
        description: 'The emulator takes feedType=inventory only',
      })
    }
    const at = now()
    while (submitted.length > 0 && submitted[0]! <= at - HOUR_MS) submitted.shift()
    if (submitted.length >= FEEDS_PER_HOUR) {
      const waitS = Math.ceil((submitted[0]! + HOUR_MS - at) / 1000)
      state.stats.throttled += 1
      c.header('Retry-After', String(waitS))
      return refuse(c, state, 429, {
        code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API',
        description: `At most ${FEEDS_PER_HOUR} inventory feeds per hour`,
      })
    }
    let file: unknown
    try {
      file = (await c.req.parseBody())['file']
    } catch {
      file = undefined
    }
    const text =
      file instanceof File ? await file.text() : typeof file === 'string' ? file : undefined
    if (text === undefined) {
      return refuse(c, state, 400, {
        code: 'INVALID_REQUEST_CONTENT.GMP_GATEWAY_API',
        field: 'file',
        description: 'A multipart/form-data body with the feed in `file` is required',
      })
    }
    if (Buffer.byteLength(text, 'utf8') > MAX_FEED_BYTES) {
      state.stats.rejected += 1
      return c.json(
        { error: [{ code: 'REQUEST_ENTITY_TOO_LARGE', description: 'The file is above 5 MB' }] },
        413,
      )
    }
    submitted.push(at)
    serial += 1
    const feedId = `${serial.toString(16).toUpperCase().padStart(32, '0')}@AQMBAQA`
    feeds.set(feedId, { feedId, submittedAt: at, file: text })
    for (const oldest of feeds.keys()) {
      if (feeds.size <= FEEDS_KEPT) break
      feeds.delete(oldest)
    }
    return c.json({ feedId })
  }

  function status(c: Context): Response {
    const path = new URL(c.req.url).pathname
    const feed = feeds.get(decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)))
    if (feed === undefined) {
      return refuse(c, state, 404, {
        code: 'CONTENT_NOT_FOUND.GMP_FEED_API',
        field: 'feedId',
        description: 'No feed with this id',
      })
    }
    const query = decodedQuery(c.req.url)
    const offset = Number(query.offset ?? '0')
    const limit = Number(query.limit ?? '50')
    if (
      !Number.isInteger(offset) ||
      offset < 0 ||
      !Number.isInteger(limit) ||
      limit < 1 ||
      limit > 1000
    ) {
      return refuse(c, state, 400, {
        code: 'INVALID_REQUEST_PARAM.GMP_FEED_API',
        field: 'limit',
        description: 'offset ≥ 0 and limit 1 to 1000',
      })
    }
    const feedStatus = statusOf(feed)
    const outcome = feed.outcome
    const items = outcome?.status === 'PROCESSED' ? outcome.items : []
    const failed = items.filter((i) => i.ingestionStatus !== 'SUCCESS').length
    return c.json({
      feedId: feed.feedId,
      feedStatus,
      feedSubmissionDate: feed.submittedAt,
      ...(outcome?.status === 'ERROR'
        ? { ingestionErrors: { ingestionError: [outcome.error] } }
        : { ingestionErrors: null }),
      itemsReceived: items.length,
      itemsSucceeded: items.length - failed,
      itemsFailed: failed,
      itemsProcessing: outcome === undefined ? 1 : 0,
      offset,
      limit,
      itemDetails: {
        itemIngestionStatus:
          query.includeDetails === 'true' ? items.slice(offset, offset + limit) : [],
      },
    })
  }

  return { settle, submit, status }
}

/** The seller's nodes: the default node's stock is `state.stock`, the other's `other`. */
export function nodeLevels(state: ChannelState, other: Map<string, number>) {
  return (shipNode: string | undefined): Map<string, number> | undefined => {
    if (shipNode === undefined || shipNode === SHIP_NODE.id) return state.stock
    return shipNode === OTHER_SHIP_NODE.id ? other : undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
