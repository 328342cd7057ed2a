/**
 * Inventory and listing notifications → `inventory-level` and `listing-status` observations. These
 * are complete: nothing is fetched. Each occurs at the notification's EventTime.
 *
 * - LISTINGS_ITEM_MFN_QUANTITY_CHANGE (the seller-fulfilled quantity): one level; listing = the
 *   SKU at its FulfillmentChannelCode (DEFAULT), with no marketplace (the payload names none);
 *   available = Quantity, onHand null (not reported), stock band from Quantity.
 * - FBA_INVENTORY_AVAILABILITY_CHANGES: one level per FulfillmentInventoryByMarketplace entry;
 *   listing = SKU, ASIN (productId), FNSKU (unitId), locationId `AMAZON` (Amazon's fulfillment
 *   network: one location name for every FBA level, as FBA channel codes are AMAZON_NA,
 *   AMAZON_EU, …: channels.md §2 B3), marketplaceId. available = Fulfillable ("can be used to
 *   fulfill orders in the given marketplace"). onHand = the units Amazon holds in its fulfillment centers:
 *   Fulfillable + Unfulfillable + Researching + reserved (WarehouseProcessing + WarehouseTransfer +
 *   PendingCustomerOrder); inbound units (not yet received) and In-Stock Head Start supply (not yet
 *   at Amazon) are left out. channelStatus gives the parts that are not `available`: Unfulfillable,
 *   Researching, Reserved (the three reserved parts) and Inbound (Working + Shipped + Receiving).
 * - LISTINGS_ITEM_STATUS_CHANGE: `Status` lists the states that now apply; an absent one is off.
 *   DELETED → deleted; else BUYABLE → active; else (DISCOVERABLE only, or nothing) → inactive.
 *   channelStatus.Status = the list as sent, joined by ","; changedFields [] (Amazon does not say).
 *
 * Docs: repo:amzn/selling-partner-api-models schemas/notifications/ListingsItemMfnQuantityChange.json,
 * FBAInventoryAvailabilityChangeNotification.json, ListingsItemStatusChangeNotification.json
 */
import type {
  FbaInventoryAvailabilityChangesNotification,
  FulfillmentInventory,
  ListingsItemMfnQuantityChangeNotification,
  ListingsItemStatusChangeNotification,
} from '../../connectors/amazon/index.js'
import type { ListingStatus, StockStatus } from '../../src/events/index.js'
import type { NormalizeResult, Observation } from '../types.js'
import { done, text } from './shared.js'

/** The location of every FBA level (see the module comment). */
export const FBA_LOCATION = 'AMAZON'

export function stockStatus(available: number): StockStatus {
  return available === 0 ? 'out_of_stock' : 'in_stock'
}

/** See the module comment; `statuses` is the notification's `Status` list. */
export function listingStatus(statuses: readonly string[]): ListingStatus {
  if (statuses.includes('DELETED')) return 'deleted'
  return statuses.includes('BUYABLE') ? 'active' : 'inactive'
}

export function mfnQuantity({
  EventTime,
  Payload,
}: ListingsItemMfnQuantityChangeNotification): NormalizeResult {
  return done([
    {
      kind: 'inventory-level',
      occurredAt: EventTime,
      data: {
        listing: {
          sellerSku: Payload.Sku,
          productId: null,
          unitId: null,
          locationId: Payload.FulfillmentChannelCode,
          marketplaceId: null,
        },
        available: Payload.Quantity,
        onHand: null,
        stockStatus: stockStatus(Payload.Quantity),
        channelStatus: { FulfillmentChannelCode: Payload.FulfillmentChannelCode },
      },
    },
  ])
}

/** Units Amazon holds (see the module comment), and the parts reported beside `available`. */
export function fbaQuantities(inventory: FulfillmentInventory): {
  readonly onHand: number
  readonly parts: Readonly<Record<string, string>>
} {
  const reserved = inventory.ReservedQuantityBreakdown
  const inbound = inventory.InboundQuantityBreakdown
  const reservedUnits =
    (reserved?.WarehouseProcessing ?? 0) +
    (reserved?.WarehouseTransfer ?? 0) +
    (reserved?.PendingCustomerOrder ?? 0)
  const inboundUnits = (inbound?.Working ?? 0) + (inbound?.Shipped ?? 0) + (inbound?.Receiving ?? 0)
  return {
    onHand: inventory.Fulfillable + inventory.Unfulfillable + inventory.Researching + reservedUnits,
    parts: {
      Unfulfillable: String(inventory.Unfulfillable),
      Researching: String(inventory.Researching),
      Reserved: String(reservedUnits),
      Inbound: String(inboundUnits),
    },
  }
}

export function fbaInventory({
  EventTime,
  Payload,
}: FbaInventoryAvailabilityChangesNotification): NormalizeResult {
  return done(
    Payload.FulfillmentInventoryByMarketplace.map((entry): Observation => {
      const available = entry.FulfillmentInventory.Fulfillable
      const { onHand, parts } = fbaQuantities(entry.FulfillmentInventory)
      return {
        kind: 'inventory-level',
        occurredAt: EventTime,
        data: {
          listing: {
            sellerSku: Payload.SKU,
            productId: Payload.ASIN,
            unitId: Payload.FNSKU,
            locationId: FBA_LOCATION,
            marketplaceId: entry.MarketplaceId,
          },
          available,
          onHand,
          stockStatus: stockStatus(available),
          channelStatus: parts,
        },
      }
    }),
  )
}

export function statusChange({
  EventTime,
  Payload,
}: ListingsItemStatusChangeNotification): NormalizeResult {
  return done([
    {
      kind: 'listing-status',
      occurredAt: EventTime,
      data: {
        listing: {
          sellerSku: Payload.Sku,
          productId: text(Payload.Asin),
          unitId: null,
          locationId: null,
          marketplaceId: text(Payload.MarketplaceId),
        },
        status: listingStatus(Payload.Status),
        channelStatus: { Status: Payload.Status.join(',') },
        reason: null,
        changedFields: [],
      },
    },
  ])
}
