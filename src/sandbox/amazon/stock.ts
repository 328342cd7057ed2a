/**
 * Listings Items API 2021-08-01 for the emulated seller: getListingsItem and patchListingsItem on
 * `/listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds=` (repo:amzn/selling-partner-api-models
 * models/listings-items-api-model/listingsItems_2021-08-01.json; channels.md §2 B1).
 *
 * The emulator lists each internal SKU under the same seller SKU. Its merchant-fulfilled offer
 * (`DEFAULT`) has `state.stock` as its quantity; offers at other fulfillment channel codes are
 * kept beside it ({@link listOffer}): Amazon-fulfilled ones (`AMAZON_NA`, …), whose quantity is
 * Amazon's and cannot be patched, and any other code a patch names, which Amazon adds as an entry
 * of its own (a patch naming another code added one: repo:amzn/selling-partner-api-models issue
 * #2061). One quantity per offer serves every marketplace of the seller. A SKU becomes listed when
 * the hub first writes a quantity (how Amazon answers a patch for a SKU it does not list is
 * unconfirmed); before that a read is 404 `NOT_FOUND`, as Amazon answers an unknown SKU
 * (repo:jrl84/amazon-sp-api issue #176).
 *
 * Refused as Amazon refuses them, 400 `InvalidInput`: another seller or a marketplace the seller
 * does not sell in, other than exactly one `marketplaceIds` (`maxItems: 1`), a body that is not
 * `{ productType, patches: [{ op, path, value }] }` with `value` an array of objects (a bare
 * object is refused: repo:jlevers/selling-partner-api issue #240), an `includedData` the model
 * does not list. A well-formed patch the emulator cannot apply (an Amazon-fulfilled channel code,
 * a quantity that is not a whole number ≥ 0) is answered `INVALID` with issues, as Amazon answers
 * a patch whose attribute values it rejects.
 */
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import { jsonBody } from '../json-body.js'
import type { ChannelState } from '../types.js'
import type { SpApiErrorEntry, SpApiReply } from './admission.js'
import { asinOf, MFN_CHANNEL_CODE, type AmazonSeller } from './seller.js'

const PATCH_OPS = new Set(['add', 'replace', 'merge', 'delete'])
const INCLUDED_DATA = new Set([
  'summaries',
  'attributes',
  'issues',
  'offers',
  'fulfillmentAvailability',
  'procurement',
  'relationships',
  'productTypes',
])
const QUANTITY_PATH = '/attributes/fulfillment_availability'
/** FBA's channel codes (`AMAZON_NA`, `AMAZON_EU`, …): the quantity is Amazon's (channels.md §2 B1). */
const AMAZON_FULFILLED = /^AMAZON_/

/** Offers at channel codes other than DEFAULT, by SKU, per seller: code → quantity (absent: none). */
const otherOffers = new WeakMap<ChannelState, Map<string, Map<string, number | undefined>>>()

function offersOf(state: ChannelState): Map<string, Map<string, number | undefined>> {
  let offers = otherOffers.get(state)
  if (offers === undefined) {
    offers = new Map()
    otherOffers.set(state, offers)
  }
  return offers
}

/**
 * Lists `sku` at a channel code other than DEFAULT (whose quantity is `state.stock`): an
 * Amazon-fulfilled offer, say, whose quantity Amazon keeps. `quantity` absent: the offer is
 * listed without one, and getListingsItem leaves it out.
 */
export function listOffer(
  state: ChannelState,
  sku: string,
  channelCode: string,
  quantity?: number,
): void {
  if (channelCode === MFN_CHANNEL_CODE) throw new Error('DEFAULT is state.stock')
  const offers = offersOf(state)
  const bySku = offers.get(sku) ?? new Map<string, number | undefined>()
  bySku.set(channelCode, quantity)
  offers.set(sku, bySku)
}

/** `fulfillmentAvailability` of a SKU, DEFAULT first; undefined when the seller does not list it. */
export function availability(
  state: ChannelState,
  sku: string,
): { fulfillmentChannelCode: string; quantity?: number }[] | undefined {
  const mfn = state.stock.get(sku)
  const others = offersOf(state).get(sku)
  if (mfn === undefined && others === undefined) return undefined
  return [
    ...(mfn === undefined ? [] : [{ fulfillmentChannelCode: MFN_CHANNEL_CODE, quantity: mfn }]),
    ...[...(others ?? [])].map(([code, quantity]) => ({
      fulfillmentChannelCode: code,
      ...(quantity === undefined ? {} : { quantity }),
    })),
  ]
}

const invalidInput = (message: string): SpApiErrorEntry => ({ code: 'InvalidInput', message })

interface ListingCall {
  readonly sku: string
  readonly marketplaceId: string
}

/** The seller, SKU and marketplace of a Listings Items call, or why it is refused. */
function listingCall(
  seller: AmazonSeller,
  c: Context,
): ListingCall | { readonly invalid: SpApiErrorEntry } {
  const marketplaceIds = (c.req.query('marketplaceIds') ?? '').split(',').filter((id) => id !== '')
  const [marketplaceId] = marketplaceIds
  if (marketplaceIds.length !== 1 || marketplaceId === undefined) {
    return { invalid: invalidInput('marketplaceIds must name exactly one marketplace') }
  }
  if (
    c.req.param('sellerId') !== seller.sellerId ||
    !seller.marketplaceIds.includes(marketplaceId)
  ) {
    return {
      invalid: invalidInput("Invalid 'sellerId' and 'marketplaceId' combination provided."),
    }
  }
  return { sku: c.req.param('sku') ?? '', marketplaceId }
}

/** getListingsItem; `includedData` defaults to `summaries`, as in the model. */
export function getListingsItem(
  state: ChannelState,
  seller: AmazonSeller,
  c: Context,
  reply: SpApiReply,
): Response {
  const call = listingCall(seller, c)
  if ('invalid' in call) return reply.refuse(400, [call.invalid])
  const included = (c.req.query('includedData') ?? 'summaries').split(',')
  const unknown = included.find((name) => !INCLUDED_DATA.has(name))
  if (unknown !== undefined) {
    return reply.refuse(400, [invalidInput(`Invalid includedData: ${unknown}`)])
  }
  const offers = availability(state, call.sku)
  if (offers === undefined) {
    return reply.refuse(404, [
      {
        code: 'NOT_FOUND',
        message: `SKU '${call.sku}' not found in marketplace ${call.marketplaceId}`,
      },
    ])
  }
  const item: Record<string, unknown> = { sku: call.sku }
  for (const name of included) item[name] = includedPart(name, call, offers)
  return reply.json(item)
}

/** One `includedData` part; the emulator fills summaries and availability, the rest empty. */
function includedPart(
  name: string,
  call: ListingCall,
  offers: readonly { fulfillmentChannelCode: string; quantity?: number }[],
): unknown {
  switch (name) {
    case 'summaries': {
      const buyable = offers.some((offer) => (offer.quantity ?? 0) > 0)
      return [
        {
          marketplaceId: call.marketplaceId,
          asin: asinOf(call.sku),
          productType: 'PRODUCT',
          conditionType: 'new_new',
          status: buyable ? ['BUYABLE', 'DISCOVERABLE'] : ['DISCOVERABLE'],
          itemName: `Sandbox item ${call.sku}`,
        },
      ]
    }
    case 'fulfillmentAvailability':
      return offers
    case 'attributes':
      return {}
    default:
      return []
  }
}

export interface Patch {
  readonly op: string
  readonly path: string
  readonly value?: readonly Record<string, unknown>[]
}

/** The patches of a body, or why it is refused (400). */
export function patchesOf(body: unknown): readonly Patch[] | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'Body must be a JSON object'
  }
  const { productType, patches } = body as Record<string, unknown>
  if (typeof productType !== 'string' || productType === '') return 'productType is required'
  if (!Array.isArray(patches) || patches.length === 0) return 'patches must list at least one patch'
  for (const p of patches as unknown[]) {
    const patch = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>
    if (typeof patch.op !== 'string' || !PATCH_OPS.has(patch.op)) {
      return 'op must be one of add, replace, merge, delete'
    }
    if (typeof patch.path !== 'string' || !/^\/attributes\/[^/]+$/.test(patch.path)) {
      return 'path must name a top-level attribute, e.g. /attributes/fulfillment_availability'
    }
    const value = patch.value
    const objects = Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null)
    if (patch.op !== 'delete' && !objects) return 'value must be an array of objects'
  }
  return patches as Patch[]
}

/** The quantities the patches set, by channel code, or the issues refusing them. */
export function quantitiesOf(patches: readonly Patch[]): {
  quantities: Map<string, number>
  issues: object[]
} {
  const issues: object[] = []
  const quantities = new Map<string, number>()
  const issue = (message: string) =>
    issues.push({
      code: 'EMULATOR_INVALID_VALUE',
      message,
      severity: 'ERROR',
      attributeNames: ['fulfillment_availability'],
      categories: ['INVALID_ATTRIBUTE'],
    })
  for (const patch of patches) {
    if (patch.path !== QUANTITY_PATH) continue // other attributes: accepted, nothing to emulate
    if (patch.op === 'delete') {
      quantities.set(MFN_CHANNEL_CODE, 0)
      continue
    }
    for (const entry of patch.value ?? []) {
      const code = entry.fulfillment_channel_code
      const units = entry.quantity
      if (typeof code !== 'string' || code === '') {
        issue('fulfillment_channel_code is required')
      } else if (AMAZON_FULFILLED.test(code)) {
        issue(`fulfillment_channel_code ${code}: Amazon sets the quantity it fulfills`)
      } else if (typeof units !== 'number' || !Number.isSafeInteger(units) || units < 0) {
        issue(`quantity ${JSON.stringify(units)} is not a whole number ≥ 0`)
      } else {
        quantities.set(code, units)
      }
    }
  }
  return { quantities, issues }
}

/**
 * patchListingsItem. Amazon answers ACCEPTED when it has queued the change and applies it minutes
 * later (channels.md §2 B1); the emulator applies it at once, so a read right after sees it.
 * `mode=VALIDATION_PREVIEW` checks without applying, answering VALID.
 */
export async function patchListingsItem(
  state: ChannelState,
  seller: AmazonSeller,
  c: Context,
  reply: SpApiReply,
): Promise<Response> {
  const call = listingCall(seller, c)
  if ('invalid' in call) return reply.refuse(400, [call.invalid])
  const patches = patchesOf(await jsonBody(c))
  if (typeof patches === 'string') return reply.refuse(400, [invalidInput(patches)])
  const { quantities, issues } = quantitiesOf(patches)
  const answer = (status: string) =>
    reply.json({ sku: call.sku, status, submissionId: randomUUID().replaceAll('-', ''), issues })
  if (issues.length > 0) return answer('INVALID')
  if (c.req.query('mode') === 'VALIDATION_PREVIEW') return answer('VALID')
  applyQuantities(state, call.sku, quantities)
  return answer('ACCEPTED')
}

/** Sets the quantities a patch names, by channel code (DEFAULT is `state.stock`). */
export function applyQuantities(
  state: ChannelState,
  sku: string,
  quantities: ReadonlyMap<string, number>,
): void {
  for (const [code, quantity] of quantities) {
    if (code === MFN_CHANNEL_CODE) state.stock.set(sku, quantity)
    else listOffer(state, sku, code, quantity)
    state.stats.stockWrites += 1
  }
}
