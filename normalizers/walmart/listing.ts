/**
 * Inventory and offer events → `inventory-level` and `listing-status` observations. These events
 * are complete: nothing is fetched. Each occurs at the webhook's `source.eventTime`.
 *
 * - INVENTORY_OOS (fires only when an item goes out of stock): one observation per entry of
 *   `shipNodes` (one with locationId null when Walmart lists none); available = availToSellQty
 *   (0 when absent: the event means none), onHand null (not reported), stockStatus out_of_stock,
 *   channelStatus.shipNodeName verbatim. Not an authoritative reading (channels.md §3 B4).
 * - OFFER_PUBLISHED → active; OFFER_UNPUBLISHED → inactive, reason = every statusChangeReasons
 *   entry as `<code>: <description>`, joined by "; ". channelStatus = publishStatus,
 *   lifecycleStatus verbatim; changedFields [] (Walmart does not say).
 *
 * The listing is the seller SKU, with the Walmart item id as productId where the event has one.
 *
 * Docs: https://developer.walmart.com/us-marketplace/docs/inventory-oos-event-copy,
 * https://developer.walmart.com/us-marketplace/docs/offer-published-event-copy,
 * https://developer.walmart.com/us-marketplace/docs/offer-unpublished-event
 */
import type {
  InventoryOosWebhook,
  OfferPublishedWebhook,
  OfferUnpublishedWebhook,
} from '../../connectors/walmart/index.js'
import type { ListingRef, ListingStatus } from '../../src/events/index.js'
import type { NormalizeResult, Observation } from '../types.js'
import { done, text } from './shared.js'

function listing(sku: string, itemId: string | undefined, shipNode: string | null): ListingRef {
  return {
    sellerSku: sku,
    productId: itemId ?? null,
    unitId: null,
    locationId: shipNode,
    marketplaceId: null,
  }
}

export function inventoryOutOfStock({ source, payload }: InventoryOosWebhook): NormalizeResult {
  const nodes = payload.shipNodes ?? []
  const level = (
    shipNode: string | null,
    available: number | null | undefined,
    name: string | null | undefined,
  ): Observation => ({
    kind: 'inventory-level',
    occurredAt: source.eventTime,
    data: {
      listing: listing(payload.sku, payload.itemId, shipNode),
      available: available ?? 0,
      onHand: null,
      stockStatus: 'out_of_stock',
      channelStatus: { shipNodeName: text(name) },
    },
  })
  if (nodes.length === 0) return done([level(null, 0, null)])
  return done(nodes.map((node) => level(node.shipNode, node.availToSellQty, node.shipNodeName)))
}

type OfferWebhook = OfferPublishedWebhook | OfferUnpublishedWebhook

/** The reasons Walmart gives for unpublishing, as one line of text; null when it gives none. */
export function unpublishedReason(
  reasons: OfferWebhook['payload']['statusChangeReasons'],
): string | null {
  if (typeof reasons === 'string') return text(reasons)
  const entries = Object.entries(reasons ?? {}).map(([code, description]) =>
    text(description) === null ? code : `${code}: ${description}`,
  )
  return entries.length > 0 ? entries.join('; ') : null
}

export function offerStatus(
  status: Extract<ListingStatus, 'active' | 'inactive'>,
): (webhook: OfferWebhook) => NormalizeResult {
  return ({ source, payload }) =>
    done([
      {
        kind: 'listing-status',
        occurredAt: source.eventTime,
        data: {
          listing: listing(payload.sku, payload.itemId, null),
          status,
          channelStatus: {
            publishStatus: text(payload.publishStatus),
            lifecycleStatus: text(payload.lifecycleStatus),
          },
          reason: status === 'inactive' ? unpublishedReason(payload.statusChangeReasons) : null,
          changedFields: [],
        },
      },
    ])
}
