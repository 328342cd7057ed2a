/**
 * Walmart Marketplace API client: the order read hydration needs, the order list order sync
 * reads, stock writes, and the stock read reconciliation will use. Tokens and the calls made with
 * them are auth.ts; how one request is sent and its answer classified is api-call.ts.
 *
 * Endpoints (all on `credentials.apiBaseUrl`; specs mirrored in repo:api-evangelist/walmart
 * openapi/walmart-marketplace-{authentication,orders,inventory}-openapi-original.yml):
 * - `GET /v3/orders/{purchaseOrderId}` — Get an order, answer `{ order: {...} }`
 *   (https://developer.walmart.com/global-marketplace/docs/get-an-order-mp).
 * - `GET /v3/orders` — All orders, by modification time, in pages (order-list.ts).
 * - `PUT /v3/inventory?sku=[&shipNode=]`, body `{ sku, quantity: { unit: 'EACH', amount } }`;
 *   `GET /v3/inventory?sku=[&shipNode=]` answers the same shape.
 * - `PUT /v3/inventories/{sku}`, body `{ inventories: { nodes: [{ shipNode, inputQty }] } }`;
 *   answer `{ sku, nodes: [{ shipNode, status: 'Success' | …, errors? }] }` (channels.md §3 B1).
 */
import { z } from 'zod'
import { unsupportedNeed } from '../shared/api-error.js'
import { isRecord } from '../shared/http-exchange.js'
import { mapBounded } from '../shared/map-bounded.js'
import { percentEncode } from '../shared/percent-encode.js'
import {
  hydrationKey,
  type ChannelClient,
  type ClientContext,
  type HydrationNeed,
  type OrderPage,
  type OrderWindow,
} from '../types.js'
import { CHANNEL, describeError, walmartErrors, type ApiCall } from './api-call.js'
import { createWalmartApi } from './auth.js'
import type { WalmartCredentials } from './config.js'
import { inventoryFeeds, type InventoryLineOutcome } from './feeds.js'
import { listOrderPage } from './order-list.js'

export { DEFAULT_RATE_LIMIT_WAIT_MS } from './api-call.js'
export { TOKEN_REFRESH_MARGIN_MS } from './auth.js'

/** A record as Walmart answered it (ids beyond 2^53 kept as digit strings). */
export type WalmartRecord = Readonly<Record<string, unknown>>

/** An absolute stock level for one SKU, at one ship node or (no `shipNode`) the default one. */
export interface WalmartStockUpdate {
  readonly sku: string
  readonly shipNode?: string
  /** Whole units ≥ 0. */
  readonly quantity: number
}

/** Absolute stock levels for one SKU at several ship nodes, in one call. */
export interface WalmartNodeStockUpdate {
  readonly sku: string
  readonly nodes: readonly { readonly shipNode: string; readonly quantity: number }[]
}

export interface WalmartStockResult {
  readonly status: 'applied'
}

export interface WalmartStockQuery {
  readonly sku: string
  readonly shipNode?: string
}

export interface WalmartStockLevel {
  readonly sku: string
  readonly shipNode?: string
  readonly quantity: number
}

export interface WalmartClient extends ChannelClient {
  /**
   * Many SKUs' levels as inventory feeds (feeds.ts), one per ship node named, each awaited
   * until Walmart processed it; one outcome per update, in order. A whole-feed failure (429, the
   * local hourly limit, ERROR, no end in time) is thrown.
   */
  setStockMany(updates: readonly WalmartStockUpdate[]): Promise<InventoryLineOutcome[]>
  /** The `order` object of Get an order. Not found yet → transient. */
  getOrder(purchaseOrderId: string): Promise<WalmartRecord>
  /** `PUT /v3/inventory`: one SKU at one node (the default node without `shipNode`). */
  setStock(update: WalmartStockUpdate): Promise<WalmartStockResult>
  /** `PUT /v3/inventories/{sku}`: one SKU at several nodes; any node not applied fails the call. */
  setStockPerNode(update: WalmartNodeStockUpdate): Promise<WalmartStockResult>
  /** `GET /v3/inventory`: the quantity Walmart holds for the SKU (at the node, if given). */
  getStock(query: WalmartStockQuery): Promise<WalmartStockLevel>
  /**
   * `GET /v3/orders`: one page of the purchase orders modified within `window`; `page` is the
   * previous page's `next` (order-list.ts). Each order is the `order` object as listed.
   */
  listOrders(window: OrderWindow, page: string | undefined): Promise<OrderPage>
}

/** Get an order takes one id; this many run at once during one hydration. */
const HYDRATE_CONCURRENCY = 4

const StockAnswer = z.object({ quantity: z.object({ amount: z.int() }) })

const NodeId = z.union([z.string(), z.number().transform(String)])
const PerNodeAnswer = z.object({
  nodes: z
    .array(
      z.object({ shipNode: NodeId, status: z.string().optional(), errors: z.unknown().optional() }),
    )
    .default([]),
})

export function createWalmartClient(
  credentials: WalmartCredentials,
  ctx: ClientContext,
): WalmartClient {
  const api = createWalmartApi(credentials, ctx)
  const { call: apiCall, fail, redact } = api

  /**
   * Get an order. A 404 is transient: `PO_CREATED` can reach us before the order is readable
   * through the Orders API, and the pipeline retries with backoff, then marks the item failed, so
   * an id that never appears still ends. A 404 naming `URI_NOT_FOUND` (a wrong path or base URL)
   * is permanent.
   */
  async function getOrder(purchaseOrderId: string): Promise<WalmartRecord> {
    const spec: ApiCall = {
      operation: `get order ${purchaseOrderId}`,
      method: 'GET',
      api: '/v3/orders/{purchaseOrderId}',
      path: `/v3/orders/${percentEncode(purchaseOrderId)}`,
      notFoundIsTransient: true,
    }
    if (purchaseOrderId.trim() === '') throw fail('permanent', spec, 'not sent: empty order id')
    const { value } = await apiCall(spec)
    const order = isRecord(value) ? value.order : undefined
    if (!isRecord(order)) throw fail('permanent', spec, 'unexpected answer: no `order` object')
    return order
  }

  async function hydrate(needs: readonly HydrationNeed[]): Promise<Record<string, unknown>> {
    const orderIds: string[] = []
    for (const need of needs) {
      switch (need.kind) {
        case 'order':
          orderIds.push(need.id)
          break
        case 'return': // Walmart sends no return webhook (channels.md §3 A4)
        case 'order-items':
        case 'confirm-subscription':
          throw unsupportedNeed(CHANNEL, need)
      }
    }
    const ids = [...new Set(orderIds)]
    const orders = await mapBounded(ids, HYDRATE_CONCURRENCY, getOrder)
    const byId = new Map(ids.map((id, i) => [id, orders[i]]))
    const hydrated: Record<string, unknown> = {}
    for (const need of needs) hydrated[hydrationKey(need)] = byId.get(need.id)
    return hydrated
  }

  async function setStock(update: WalmartStockUpdate): Promise<WalmartStockResult> {
    const spec: ApiCall = {
      operation: `update inventory of sku ${update.sku}${atNode(update.shipNode)}`,
      method: 'PUT',
      api: '/v3/inventory',
      path: `/v3/inventory?${inventoryQuery(update)}`,
      body: { sku: update.sku, quantity: { unit: 'EACH', amount: update.quantity } },
    }
    const refuse = (why: string) => fail('permanent', spec, `not sent: ${why}`)
    checkSku(update.sku, refuse)
    if (update.shipNode !== undefined) checkNode(update.shipNode, refuse)
    checkQuantity(update.quantity, update.shipNode, refuse)
    await apiCall(spec)
    return { status: 'applied' }
  }

  async function setStockPerNode(update: WalmartNodeStockUpdate): Promise<WalmartStockResult> {
    const nodes = update.nodes.map(({ shipNode, quantity }) => ({
      shipNode,
      inputQty: { unit: 'EACH', amount: quantity },
    }))
    const spec: ApiCall = {
      operation: `update inventory of sku ${update.sku} per ship node`,
      method: 'PUT',
      api: '/v3/inventories/{sku}',
      path: `/v3/inventories/${percentEncode(update.sku)}`,
      body: { inventories: { nodes } },
    }
    const refuse = (why: string) => fail('permanent', spec, `not sent: ${why}`)
    checkSku(update.sku, refuse)
    if (update.nodes.length === 0) throw refuse('no ship nodes listed')
    const seen = new Set<string>()
    for (const { shipNode, quantity } of update.nodes) {
      checkNode(shipNode, refuse)
      if (seen.has(shipNode)) throw refuse(`ship node ${shipNode} is listed twice`)
      seen.add(shipNode)
      checkQuantity(quantity, shipNode, refuse)
    }

    const { value, correlationId } = await apiCall(spec)
    const parsed = PerNodeAnswer.safeParse(value)
    if (!parsed.success) {
      throw fail('permanent', spec, `unexpected answer: ${z.prettifyError(parsed.error)}`)
    }
    const answered = new Map(parsed.data.nodes.map((n) => [n.shipNode, n]))
    const problems: string[] = []
    let firstCode: string | undefined
    for (const { shipNode } of update.nodes) {
      const node = answered.get(shipNode)
      if (node?.status?.toLowerCase() === 'success') continue
      const errors = walmartErrors({ errors: node?.errors })
      firstCode ??= errors[0]?.code
      const state = node === undefined ? 'no status in the answer' : `status ${node.status ?? '-'}`
      problems.push([`ship node ${shipNode}: ${state}`, ...errors.map(describeError)].join('; '))
    }
    if (problems.length > 0) {
      // A partial apply is not retried: the nodes that failed fail the same way again.
      throw fail(
        'permanent',
        spec,
        `not applied at every node (correlation id ${correlationId}): ${redact(problems.join(' | '))}`,
        { status: 200, ...(firstCode === undefined ? {} : { code: firstCode }) },
      )
    }
    return { status: 'applied' }
  }

  async function getStock(query: WalmartStockQuery): Promise<WalmartStockLevel> {
    const spec: ApiCall = {
      operation: `get inventory of sku ${query.sku}${atNode(query.shipNode)}`,
      method: 'GET',
      api: '/v3/inventory',
      path: `/v3/inventory?${inventoryQuery(query)}`,
    }
    const refuse = (why: string) => fail('permanent', spec, `not sent: ${why}`)
    checkSku(query.sku, refuse)
    if (query.shipNode !== undefined) checkNode(query.shipNode, refuse)
    const { value } = await apiCall(spec)
    const parsed = StockAnswer.safeParse(value)
    if (!parsed.success) {
      throw fail('permanent', spec, `unexpected answer: ${z.prettifyError(parsed.error)}`)
    }
    return {
      sku: query.sku,
      ...(query.shipNode === undefined ? {} : { shipNode: query.shipNode }),
      quantity: parsed.data.quantity.amount,
    }
  }

  const submitFeed = inventoryFeeds({ call: apiCall, fail, redact }, ctx)

  async function setStockMany(
    updates: readonly WalmartStockUpdate[],
  ): Promise<InventoryLineOutcome[]> {
    const outcomes: (InventoryLineOutcome | undefined)[] = updates.map(() => undefined)
    const byNode = new Map<string | undefined, number[]>()
    updates.forEach((update, index) => {
      const why =
        update.sku.trim() === ''
          ? 'sku is empty'
          : update.shipNode?.trim() === ''
            ? 'a ship node id is empty'
            : !Number.isSafeInteger(update.quantity) || update.quantity < 0
              ? `quantity ${update.quantity} is not a whole number ≥ 0`
              : undefined
      if (why !== undefined) {
        outcomes[index] = { ok: false, kind: 'permanent', reason: `not sent: ${why}` }
        return
      }
      const indexes = byNode.get(update.shipNode) ?? []
      indexes.push(index)
      byNode.set(update.shipNode, indexes)
    })
    for (const [shipNode, indexes] of byNode) {
      const lines = indexes.map((i) => updates[i]!)
      const results = await submitFeed(shipNode, lines)
      results.forEach((result, i) => {
        outcomes[indexes[i]!] = result
      })
    }
    return outcomes.map((o) => o!)
  }

  const listOrders = (window: OrderWindow, page: string | undefined) =>
    listOrderPage(api, ctx.clock.now(), window, page)

  return { hydrate, getOrder, setStock, setStockMany, setStockPerNode, getStock, listOrders }
}

/**
 * The inventory query. Walmart asks for `: / ? # [ ] @ ! $ & ' ( ) * + , ; =`, space (as %20,
 * never `+`) and `%` to be encoded in a SKU (Get/Update inventory specs), as `percentEncode` does.
 */
function inventoryQuery(q: { readonly sku: string; readonly shipNode?: string }): string {
  const sku = `sku=${percentEncode(q.sku)}`
  return q.shipNode === undefined ? sku : `${sku}&shipNode=${percentEncode(q.shipNode)}`
}

const atNode = (shipNode: string | undefined) =>
  shipNode === undefined ? '' : ` at ship node ${shipNode}`

function checkSku(sku: string, refuse: (why: string) => Error): void {
  if (sku.trim() === '') throw refuse('sku is empty')
}

function checkNode(shipNode: string, refuse: (why: string) => Error): void {
  if (shipNode.trim() === '') throw refuse('a ship node id is empty')
}

function checkQuantity(
  quantity: number,
  shipNode: string | undefined,
  refuse: (why: string) => Error,
): void {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw refuse(`quantity ${quantity}${atNode(shipNode)} is not a whole number ≥ 0`)
  }
}
