/**
 * Shopify Admin API client: stock writes and reads (GraphQL), and the order list (REST, the
 * orders order sync reads). Shopify's webhooks carry the whole resource (channels.md §1 A1), so
 * nothing is ever hydrated. How one request is sent and its answer classified is api-call.ts
 * (GraphQL) and rest-call.ts (REST); the documents sent are graphql.ts; the list is order-list.ts.
 */
import { createHash, randomUUID } from 'node:crypto'
import { z } from 'zod'
import { unsupportedNeed, type ChannelApiError } from '../shared/api-error.js'
import type { CallLabel } from '../shared/call-errors.js'
import type {
  ChannelClient,
  ClientContext,
  HydrationNeed,
  OrderPage,
  OrderWindow,
} from '../types.js'
import { CHANNEL, shopifyGraphql, type GraphqlCall } from './api-call.js'
import { shopifyApiSettings, type ShopifyCredentials } from './config.js'
import { shopifyGid, shopifyIdDigits } from './ids.js'
import { listOrderPage } from './order-list.js'
import { shopifyRest } from './rest-call.js'
import {
  READ_AVAILABLE,
  SET_QUANTITIES,
  ReadAvailableAnswer,
  SetQuantitiesAnswer,
  type SetQuantitiesUserError,
} from './graphql.js'

export { DEFAULT_RATE_LIMIT_WAIT_MS } from './api-call.js'

/** One absolute `available` quantity of one inventory item at one location. */
export interface ShopifyQuantity {
  /** Digits or `gid://shopify/InventoryItem/<digits>`. */
  readonly inventoryItemId: string
  /** Digits or `gid://shopify/Location/<digits>`. */
  readonly locationId: string
  /** Whole units, 0 to {@link MAX_QUANTITY}. */
  readonly quantity: number
  /** What Shopify must hold now for the write to apply; null skips the check. */
  readonly changeFromQuantity: number | null
}

export interface ShopifySetQuantities {
  readonly quantities: readonly ShopifyQuantity[]
  /**
   * The caller's key for this write, stable across its retries. Shopify's key is derived from it
   * and the quantities sent (see {@link shopifyIdempotencyKey}).
   */
  readonly idempotencyKey: string
  /** Recorded by Shopify with the adjustment; default `gid://marketplace-hub/StockPush/<key>`. */
  readonly referenceDocumentUri?: string
}

export interface ShopifySetResult {
  readonly status: 'applied'
}

export interface ShopifyClient extends ChannelClient {
  /** Whether the account sends `changeFromQuantity` (its `compareAndSet`, default true). */
  readonly compareAndSet: boolean
  /**
   * `inventorySetQuantities` of `available`, reason `correction`, all quantities in one call.
   * Errors: a `CHANGE_FROM_QUANTITY_STALE` is `transient` with code `stale`; a quantity Shopify
   * refuses (unknown item or location, not stocked there, out of range) is `permanent`, naming it.
   */
  setQuantities(input: ShopifySetQuantities): Promise<ShopifySetResult>
  /**
   * The same mutation, answered per quantity, for bulk writes: for each of `input.quantities` in
   * order, undefined when Shopify holds it now, else the error of that quantity alone (a stale
   * `changeFromQuantity` is `transient` with code `stale`; a quantity that cannot be sent is
   * `permanent` and the others still go). A refused quantity does not hold the others back: when
   * Shopify applied none of them, the rest are sent again without it, at most
   * {@link MAX_ROUNDS} calls in all. Errors of the whole call (throttled, an error naming no
   * quantity) are thrown.
   */
  setQuantitiesEach(input: ShopifySetQuantities): Promise<(ChannelApiError | undefined)[]>
  /** The `available` quantity of an item at a location; null when Shopify does not stock it there. */
  readAvailable(inventoryItemId: string, locationId: string): Promise<number | null>
  /**
   * One page of the orders last updated within `window`, oldest first; `page` is the previous
   * page's `next` (order-list.ts). Each order is the REST Order as listed.
   */
  listOrders(window: OrderWindow, page: string | undefined): Promise<OrderPage>
}

/** Shopify refuses quantities above this (`INVALID_QUANTITY_TOO_HIGH`, channels.md §1 B1). */
export const MAX_QUANTITY = 1_000_000_000

/**
 * Most quantities one `inventorySetQuantities` takes: "Input arguments that accept an array have
 * a maximum size of 250 for all APIs. Requests return an error if an input array exceeds 250
 * items." (https://shopify.dev/docs/api/usage/limits; since API 2020-01,
 * https://shopify.dev/changelog/graphql-input-objects-limited-to-250-items). The mutation's own
 * page names no other limit.
 */
export const MAX_QUANTITIES_PER_CALL = 250

/** Calls `setQuantitiesEach` makes at most: the first, and resends without refused quantities. */
const MAX_ROUNDS = 3

/** Mutation cost estimate before Shopify has told us: mutations cost 10 points (rate-limits page). */
const SET_COST = 10
const READ_COST = 3

/**
 * userError codes a later attempt can get past: a stale expectation (the hub learns the level and
 * pushes again) and the same key still in flight. Every other code is a refusal of the request.
 * (`IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED` is handled before classification.)
 */
const RETRYABLE_CODES = new Set(['CHANGE_FROM_QUANTITY_STALE', 'IDEMPOTENCY_CONCURRENT_REQUEST'])

export function createShopifyClient(
  credentials: ShopifyCredentials,
  ctx: ClientContext,
): ShopifyClient {
  const settings = shopifyApiSettings(credentials)
  const api = shopifyGraphql(credentials, ctx)
  const rest = shopifyRest(credentials, ctx)

  function hydrate(needs: readonly HydrationNeed[]): Promise<Record<string, unknown>> {
    // Shopify's webhooks are complete: its normalizer never asks for a record.
    const [need] = needs
    return need === undefined ? Promise.resolve({}) : Promise.reject(unsupportedNeed(CHANNEL, need))
  }

  /** One quantity as sent: gids, and the digits that name it in messages. */
  interface Sent {
    readonly inventoryItemId: string
    readonly locationId: string
    readonly quantity: number
    readonly changeFromQuantity: number | null
  }

  /** The quantity as Shopify takes it, or why it cannot be sent; `seen` catches repeats. */
  function prepare(q: ShopifyQuantity, seen: Set<string>): Sent | string {
    const item = shopifyIdDigits('InventoryItem', q.inventoryItemId)
    const location = shopifyIdDigits('Location', q.locationId)
    if (item === undefined)
      return `inventory item id ${JSON.stringify(q.inventoryItemId)} is not a Shopify id`
    if (location === undefined)
      return `location id ${JSON.stringify(q.locationId)} is not a Shopify id`
    const at = `inventory item ${item} at location ${location}`
    if (seen.has(`${item}@${location}`)) return `${at} is listed twice`
    seen.add(`${item}@${location}`)
    if (!isQuantity(q.quantity))
      return `quantity ${q.quantity} of ${at} is not a whole number from 0 to ${MAX_QUANTITY}`
    if (q.changeFromQuantity !== null && !Number.isSafeInteger(q.changeFromQuantity)) {
      return `changeFromQuantity ${q.changeFromQuantity} of ${at} is not a whole number`
    }
    return {
      inventoryItemId: shopifyGid('InventoryItem', item)!,
      locationId: shopifyGid('Location', location)!,
      quantity: q.quantity,
      // Sent even when null: from 2026-04 leaving it out is an error (channels.md §1 B1).
      changeFromQuantity: q.changeFromQuantity,
    }
  }

  function operationOf(quantities: readonly ShopifyQuantity[]): string {
    const [first] = quantities
    return quantities.length === 1 && first
      ? `set available of inventory item ${shopifyIdDigits('InventoryItem', first.inventoryItemId) ?? first.inventoryItemId} at location ${shopifyIdDigits('Location', first.locationId) ?? first.locationId}`
      : `set available of ${quantities.length} inventory levels`
  }

  /**
   * One `inventorySetQuantities` of `quantities` under a key derived from the caller's and what is
   * sent; a key whose earlier attempt failed is replaced once.
   */
  async function send(input: ShopifySetQuantities, quantities: readonly Sent[], operation: string) {
    const call = (key: string): GraphqlCall => ({
      operation,
      field: 'inventorySetQuantities',
      query: SET_QUANTITIES,
      variables: {
        input: {
          name: 'available',
          reason: 'correction',
          referenceDocumentUri:
            input.referenceDocumentUri ??
            `gid://marketplace-hub/StockPush/${encodeURIComponent(input.idempotencyKey)}`,
          quantities,
        },
        idempotencyKey: key,
      },
      estimatedCost: SET_COST,
    })
    let answer = await sendSet(call(shopifyIdempotencyKey(input.idempotencyKey, quantities)))
    if (answer.userErrors.some((e) => e.code === 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED')) {
      // Shopify says the attempt under this key failed, so nothing was applied under it, and asks
      // for a new key (InventorySetQuantitiesUserErrorCode). A fresh one cannot double-apply.
      answer = await sendSet(call(randomUUID()))
    }
    return answer
  }

  async function setQuantities(input: ShopifySetQuantities): Promise<ShopifySetResult> {
    const operation = operationOf(input.quantities)
    const spec = api.label({ operation, field: 'inventorySetQuantities' })
    const refuse = (why: string) => api.fail('permanent', spec, `not sent: ${why}`)
    if (input.quantities.length === 0) throw refuse('no quantities listed')
    if (input.idempotencyKey.trim() === '') throw refuse('the idempotency key is empty')
    const seen = new Set<string>()
    const quantities = input.quantities.map((q) => {
      const sent = prepare(q, seen)
      if (typeof sent === 'string') throw refuse(sent)
      return sent
    })
    const answer = await send(input, quantities, operation)
    if (answer.userErrors.length === 0) return { status: 'applied' }
    throw userErrorsFailure(answer.userErrors, quantities, spec)
  }

  async function setQuantitiesEach(
    input: ShopifySetQuantities,
  ): Promise<(ChannelApiError | undefined)[]> {
    const spec = api.label({
      operation: operationOf(input.quantities),
      field: 'inventorySetQuantities',
    })
    if (input.idempotencyKey.trim() === '') {
      throw api.fail('permanent', spec, 'not sent: the idempotency key is empty')
    }
    const labelOf = (q: ShopifyQuantity) =>
      api.label({ operation: operationOf([q]), field: 'inventorySetQuantities' })
    const outcomes: (ChannelApiError | undefined)[] = input.quantities.map(() => undefined)
    const seen = new Set<string>()
    /** Indices into `input.quantities` still to be sent, with what is sent for each. */
    let pending: { index: number; sent: Sent }[] = []
    input.quantities.forEach((q, index) => {
      const sent = prepare(q, seen)
      if (typeof sent === 'string')
        outcomes[index] = api.fail('permanent', labelOf(q), `not sent: ${sent}`)
      else pending.push({ index, sent })
    })
    for (let round = 1; pending.length > 0; round += 1) {
      const quantities = pending.map((p) => p.sent)
      const answer = await send(
        input,
        quantities,
        operationOf(pending.map((p) => input.quantities[p.index]!)),
      )
      if (answer.userErrors.length === 0) break
      const byPosition = new Map<number, SetQuantitiesUserError[]>()
      for (const e of answer.userErrors) {
        const position = quantityIndex(e.field, quantities.length)
        // An error naming no quantity (the reason, the key) is the whole call's: thrown, as `write`.
        if (position === undefined) throw userErrorsFailure(answer.userErrors, quantities, spec)
        byPosition.set(position, [...(byPosition.get(position) ?? []), e])
      }
      for (const [position, errors] of byPosition) {
        const { index } = pending[position]!
        outcomes[index] = userErrorsFailure(errors, quantities, labelOf(input.quantities[index]!))
      }
      const rest = pending.filter((_, position) => !byPosition.has(position))
      // An adjustment group means Shopify applied the quantities it did not refuse; none means it
      // applied nothing (as the emulator models it: Shopify does not document partial success),
      // so the rest go again without the refused ones, under a key of their own.
      if (answer.inventoryAdjustmentGroup) break
      if (round >= MAX_ROUNDS) {
        for (const { index } of rest) {
          outcomes[index] = api.fail(
            'transient',
            labelOf(input.quantities[index]!),
            `not applied: Shopify refused other quantities of the same call ${round} times`,
          )
        }
        break
      }
      pending = rest
    }
    return outcomes
  }

  async function sendSet(call: GraphqlCall) {
    const data = await api.request(call)
    const parsed = SetQuantitiesAnswer.safeParse(data)
    if (!parsed.success) {
      throw api.fail(
        'permanent',
        api.label(call),
        `unexpected answer: ${z.prettifyError(parsed.error)}`,
        {
          status: 200,
        },
      )
    }
    return parsed.data.inventorySetQuantities
  }

  function userErrorsFailure(
    errors: readonly SetQuantitiesUserError[],
    quantities: readonly { inventoryItemId: string; locationId: string }[],
    spec: CallLabel,
  ) {
    const described = errors.map((e) => {
      const at = quantityOf(e.field, quantities)
      return [
        e.code ?? 'error',
        at ? `(${at})` : e.field ? `(field ${e.field.join('.')})` : '',
        JSON.stringify(e.message),
      ]
        .filter((part) => part !== '')
        .join(' ')
    })
    const message = api.redact(described.join('; '))
    const codes = errors.map((e) => e.code)
    const refusals = codes.filter((c) => c === undefined || !RETRYABLE_CODES.has(c))
    // Anything wrong with the request beside a stale expectation makes retrying useless.
    if (refusals.length > 0) {
      const refusal = refusals.find((c) => c !== undefined)
      return api.fail('permanent', spec, `refused (${message})`, {
        status: 200,
        ...(refusal === undefined ? {} : { code: refusal }),
      })
    }
    const other = codes.find((c) => c !== 'CHANGE_FROM_QUANTITY_STALE')
    if (other !== undefined) {
      return api.fail('transient', spec, `failed (${message})`, { status: 200, code: other })
    }
    return api.fail('transient', spec, `stale: Shopify holds another quantity (${message})`, {
      status: 200,
      code: 'stale',
    })
  }

  async function readAvailable(
    inventoryItemId: string,
    locationId: string,
  ): Promise<number | null> {
    const item = shopifyGid('InventoryItem', inventoryItemId)
    const location = shopifyGid('Location', locationId)
    const call = {
      operation: `read available of inventory item ${inventoryItemId} at location ${locationId}`,
      field: 'inventoryItem',
      query: READ_AVAILABLE,
      variables: { inventoryItemId: item, locationId: location },
      estimatedCost: READ_COST,
    }
    if (item === undefined || location === undefined) {
      throw api.fail('permanent', api.label(call), 'not sent: the ids are not Shopify ids')
    }
    const data = await api.request(call)
    const parsed = ReadAvailableAnswer.safeParse(data)
    if (!parsed.success) {
      throw api.fail(
        'permanent',
        api.label(call),
        `unexpected answer: ${z.prettifyError(parsed.error)}`,
        {
          status: 200,
        },
      )
    }
    const level = parsed.data.inventoryItem?.inventoryLevel
    if (!level) return null
    return level.quantities.find((q) => q.name === 'available')?.quantity ?? null
  }

  return {
    hydrate,
    setQuantities,
    setQuantitiesEach,
    readAvailable,
    listOrders: (window, page) => listOrderPage(rest, window, page),
    compareAndSet: settings.compareAndSet,
  }
}

/**
 * Shopify's idempotency key for one write: a UUID-shaped digest of the caller's key and exactly
 * what is sent. Shopify refuses a key reused with other parameters
 * (`IDEMPOTENCY_KEY_PARAMETER_MISMATCH`), and a retried push job sends whatever the level is
 * when it runs, so the same job can send a new quantity; it then gets a new key, while a true
 * resend (same job, same quantities) reuses the key and Shopify answers it once.
 */
export function shopifyIdempotencyKey(
  key: string,
  quantities: readonly {
    inventoryItemId: string
    locationId: string
    quantity: number
    changeFromQuantity: number | null
  }[],
): string {
  const canonical = quantities.map((q) => [
    q.inventoryItemId,
    q.locationId,
    q.quantity,
    q.changeFromQuantity,
  ])
  const hex = createHash('sha256')
    .update(JSON.stringify([key, canonical]))
    .digest('hex')
  // RFC 9562 version 8 (custom) with the variant bits set, so it reads as any other UUID.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The position in `quantities` a userError's `field` names (`["input", "quantities", "3", …]`). */
function quantityIndex(
  field: readonly string[] | null | undefined,
  count: number,
): number | undefined {
  const at = field?.indexOf('quantities') ?? -1
  if (at < 0) return undefined
  const index = Number(field![at + 1])
  return Number.isInteger(index) && index >= 0 && index < count ? index : undefined
}

/** `inventory item 1 at location 2` for a userError whose `field` points into `quantities`. */
function quantityOf(
  field: readonly string[] | null | undefined,
  quantities: readonly { inventoryItemId: string; locationId: string }[],
): string | undefined {
  const at = field?.indexOf('quantities') ?? -1
  if (at < 0) return undefined
  const q = quantities[Number(field![at + 1])]
  if (!q) return undefined
  return `inventory item ${shopifyIdDigits('InventoryItem', q.inventoryItemId)} at location ${shopifyIdDigits('Location', q.locationId)}`
}

function isQuantity(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n <= MAX_QUANTITY
}
