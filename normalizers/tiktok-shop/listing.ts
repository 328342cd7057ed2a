/**
 * Product and inventory webhooks (types 5, 15, 27) → `listing-status` and `inventory-level`
 * observations. These webhooks are complete: nothing is fetched.
 *
 * - Type 27 (inventory status): available = available_quantity, onHand = total_quantity (which
 *   includes creator/campaign reservations and units committed to orders); stock band LOW_STOCK →
 *   low_stock, OUT_OF_STOCK → out_of_stock, anything else (SUFFICIENT_STOCK) → in_stock. A
 *   PREDICTION alert still carries the current quantities, so it is reported the same way.
 * - Type 5 (audit status): PRODUCT_FIRST_PASS_REVIEW → active, PRODUCT_AUDIT_FAILURE → rejected,
 *   PRODUCT_STATUS_CHANGED (the platform changed it without saying to what) and any other → unknown.
 * - Type 15 (information change): only fires for live products, so → active with the changed
 *   fields. A change whose source is OPEN_API is ignored: the hub's own product edits come back
 *   this way. (Another app's API edits are dropped with them; TikTok does not say which app.)
 *
 * Docs: https://partner.tiktokshop.com/docv2/page/27-inventory-status-change,
 * …/5-product-status-change, …/15-product-information-change (mirrored in
 * repo:lazykern/ecommerce-api-docs data/processed/tiktok/guides/webhooks/product/).
 */
import type {
  InventoryStatusChangeWebhook,
  ProductInformationChangeWebhook,
  ProductStatusChangeWebhook,
} from '../../connectors/tiktok-shop/index.js'
import type { ListingRef, ListingStatus, StockStatus } from '../../src/events/index.js'
import type { NormalizeResult, Observation } from '../types.js'
import { isoFromUnix, text } from './shared.js'

const STOCK_STATUS = new Map<string, StockStatus>([
  ['LOW_STOCK', 'low_stock'],
  ['OUT_OF_STOCK', 'out_of_stock'],
])

const AUDIT_STATUS = new Map<string, ListingStatus>([
  ['PRODUCT_FIRST_PASS_REVIEW', 'active'],
  ['PRODUCT_AUDIT_FAILURE', 'rejected'],
])

export function stockStatus(inventoryStatus: string): StockStatus {
  return STOCK_STATUS.get(inventoryStatus) ?? 'in_stock'
}

export function auditStatus(status: string): ListingStatus {
  return AUDIT_STATUS.get(status) ?? 'unknown'
}

function productListing(productId: string, unitId: string | null = null): ListingRef {
  return { sellerSku: null, productId, unitId, locationId: null, marketplaceId: null }
}

export function inventoryLevel({ data }: InventoryStatusChangeWebhook): Observation {
  const distribution = data.inventory_distribution
  return {
    kind: 'inventory-level',
    occurredAt: isoFromUnix(data.update_time),
    data: {
      listing: {
        ...productListing(data.product_id, data.sku_id),
        sellerSku: text(data.seller_sku),
      },
      available: distribution?.available_quantity ?? null,
      onHand: distribution?.total_quantity ?? null,
      stockStatus: stockStatus(data.current_inventory_status),
      channelStatus: {
        current_inventory_status: data.current_inventory_status,
        alert_type: data.trigger_reason?.alert_type ?? null,
      },
    },
  }
}

export function productStatus({ data }: ProductStatusChangeWebhook): Observation {
  return {
    kind: 'listing-status',
    occurredAt: isoFromUnix(data.update_time),
    data: {
      listing: productListing(data.product_id),
      status: auditStatus(data.status),
      channelStatus: { status: data.status },
      reason: text(data.suspended_reason),
      changedFields: [],
    },
  }
}

export function productInformation({ data }: ProductInformationChangeWebhook): NormalizeResult {
  if (data.change_source === 'OPEN_API') {
    return {
      kind: 'ignored',
      reason:
        "change_source OPEN_API: edits made through the API, such as the hub's own, are not reported back",
    }
  }
  return {
    kind: 'observations',
    observations: [
      {
        kind: 'listing-status',
        occurredAt: isoFromUnix(data.update_time),
        data: {
          listing: productListing(data.product_id),
          status: 'active',
          channelStatus: { change_source: data.change_source },
          reason: null,
          changedFields: [...data.changed_fields],
        },
      },
    ],
  }
}
