// Generated from schema/events.v1.json by scripts/write-client-types.ts (npm run schema:client).
// Do not edit: change src/events/, then run npm run schema:events and npm run schema:client.
export type HubEvent =
  | OrderCreatedV1
  | OrderUpdatedV1
  | OrderCancelledV1
  | OrderFulfilledV1
  | OrderReturnedV1
  | OrderFoundByPollingV1
  | InventoryReportedV1
  | ListingStatusChangedV1
  | InventoryChangedV1
  | InventoryDriftDetectedV1

export interface OrderCreatedV1 {
  id: string
  type: 'order.created.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    order: {
      externalId: string
      number: string | null
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      paymentStatus:
        | 'pending'
        | 'authorized'
        | 'partially_paid'
        | 'paid'
        | 'partially_refunded'
        | 'refunded'
        | 'voided'
        | 'expired'
        | 'unknown'
      channelStatus: {
        [k: string]: string | null | undefined
      }
      placedAt: string
      updatedAt: string
      currency: string
      totals: {
        subtotal: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        shipping: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        tax: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        taxesIncluded: boolean
      }
      lines: {
        externalLineId: string
        sku: string | null
        title: string
        quantity: number
        quantityFulfilled: number
        unitPrice: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        location?: string
      }[]
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        region: string | null
        postalCode: string | null
        countryCode: string | null
        phone: string | null
      } | null
      cancelReason: string | null
    }
  }
}
export interface OrderUpdatedV1 {
  id: string
  type: 'order.updated.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    order: {
      externalId: string
      number: string | null
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      paymentStatus:
        | 'pending'
        | 'authorized'
        | 'partially_paid'
        | 'paid'
        | 'partially_refunded'
        | 'refunded'
        | 'voided'
        | 'expired'
        | 'unknown'
      channelStatus: {
        [k: string]: string | null | undefined
      }
      placedAt: string
      updatedAt: string
      currency: string
      totals: {
        subtotal: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        shipping: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        tax: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        taxesIncluded: boolean
      }
      lines: {
        externalLineId: string
        sku: string | null
        title: string
        quantity: number
        quantityFulfilled: number
        unitPrice: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        location?: string
      }[]
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        region: string | null
        postalCode: string | null
        countryCode: string | null
        phone: string | null
      } | null
      cancelReason: string | null
    }
    previousStatus:
      | (
          | 'pending'
          | 'awaiting_fulfillment'
          | 'partially_fulfilled'
          | 'fulfilled'
          | 'delivered'
          | 'cancelled'
        )
      | null
    changedFields: (
      | 'number'
      | 'status'
      | 'paymentStatus'
      | 'channelStatus'
      | 'placedAt'
      | 'currency'
      | 'totals'
      | 'lines'
      | 'customerEmail'
      | 'shippingAddress'
      | 'cancelReason'
    )[]
  }
}
export interface OrderCancelledV1 {
  id: string
  type: 'order.cancelled.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    order: {
      externalId: string
      number: string | null
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      paymentStatus:
        | 'pending'
        | 'authorized'
        | 'partially_paid'
        | 'paid'
        | 'partially_refunded'
        | 'refunded'
        | 'voided'
        | 'expired'
        | 'unknown'
      channelStatus: {
        [k: string]: string | null | undefined
      }
      placedAt: string
      updatedAt: string
      currency: string
      totals: {
        subtotal: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        shipping: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        tax: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        taxesIncluded: boolean
      }
      lines: {
        externalLineId: string
        sku: string | null
        title: string
        quantity: number
        quantityFulfilled: number
        unitPrice: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        location?: string
      }[]
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        region: string | null
        postalCode: string | null
        countryCode: string | null
        phone: string | null
      } | null
      cancelReason: string | null
    }
    previousStatus:
      | (
          | 'pending'
          | 'awaiting_fulfillment'
          | 'partially_fulfilled'
          | 'fulfilled'
          | 'delivered'
          | 'cancelled'
        )
      | null
    changedFields: (
      | 'number'
      | 'status'
      | 'paymentStatus'
      | 'channelStatus'
      | 'placedAt'
      | 'currency'
      | 'totals'
      | 'lines'
      | 'customerEmail'
      | 'shippingAddress'
      | 'cancelReason'
    )[]
  }
}
export interface OrderFulfilledV1 {
  id: string
  type: 'order.fulfilled.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    order: {
      externalId: string
      number: string | null
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      paymentStatus:
        | 'pending'
        | 'authorized'
        | 'partially_paid'
        | 'paid'
        | 'partially_refunded'
        | 'refunded'
        | 'voided'
        | 'expired'
        | 'unknown'
      channelStatus: {
        [k: string]: string | null | undefined
      }
      placedAt: string
      updatedAt: string
      currency: string
      totals: {
        subtotal: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        shipping: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        tax: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        taxesIncluded: boolean
      }
      lines: {
        externalLineId: string
        sku: string | null
        title: string
        quantity: number
        quantityFulfilled: number
        unitPrice: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        discount: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        total: {
          /**
           * Integer amount in minor units, >= 0
           */
          amountMinor: number
          /**
           * ISO 4217 currency code
           */
          currency: string
        }
        location?: string
      }[]
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        region: string | null
        postalCode: string | null
        countryCode: string | null
        phone: string | null
      } | null
      cancelReason: string | null
    }
    previousStatus:
      | (
          | 'pending'
          | 'awaiting_fulfillment'
          | 'partially_fulfilled'
          | 'fulfilled'
          | 'delivered'
          | 'cancelled'
        )
      | null
    changedFields: (
      | 'number'
      | 'status'
      | 'paymentStatus'
      | 'channelStatus'
      | 'placedAt'
      | 'currency'
      | 'totals'
      | 'lines'
      | 'customerEmail'
      | 'shippingAddress'
      | 'cancelReason'
    )[]
  }
}
export interface OrderReturnedV1 {
  id: string
  type: 'order.returned.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    externalOrderId: string
    returnId: string
    lines: {
      externalLineId: string
      sku: string | null
      quantity: number
      restock: boolean
    }[]
    refunded: {
      /**
       * Integer amount in minor units
       */
      amountMinor: number
      /**
       * ISO 4217 currency code
       */
      currency: string
    } | null
    note: string | null
  }
}
export interface OrderFoundByPollingV1 {
  id: string
  type: 'order.found_by_polling.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    externalOrderId: string
    via: 'sync' | 'backfill'
    placedAt: string
    channelUpdatedAt: string
    status:
      | 'pending'
      | 'awaiting_fulfillment'
      | 'partially_fulfilled'
      | 'fulfilled'
      | 'delivered'
      | 'cancelled'
  }
}
export interface InventoryReportedV1 {
  id: string
  type: 'inventory.reported.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    listing: {
      sellerSku: string | null
      productId: string | null
      unitId: string | null
      locationId: string | null
      marketplaceId: string | null
    }
    available: number | null
    onHand: number | null
    stockStatus: ('in_stock' | 'low_stock' | 'out_of_stock') | null
    channelStatus: {
      [k: string]: string | null | undefined
    }
  }
}
export interface ListingStatusChangedV1 {
  id: string
  type: 'listing.status_changed.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  position?: number
  data: {
    listing: {
      sellerSku: string | null
      productId: string | null
      unitId: string | null
      locationId: string | null
      marketplaceId: string | null
    }
    status:
      'active' | 'inactive' | 'under_review' | 'rejected' | 'suspended' | 'deleted' | 'unknown'
    channelStatus: {
      [k: string]: string | null | undefined
    }
    reason: string | null
    changedFields: string[]
  }
}
export interface InventoryChangedV1 {
  id: string
  type: 'inventory.changed.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: ('shopify' | 'amazon' | 'walmart' | 'tiktok-shop') | 'hub'
  account: string
  position?: number
  data: {
    sku: string
    onHand: number
    reserved: number
    safetyStock: number
    ats: number
    previousAts: number
    cause: {
      kind: 'on-hand-set' | 'adjustment' | 'reservation' | 'safety-stock'
      reference: string | null
      channel: ('shopify' | 'amazon' | 'walmart' | 'tiktok-shop') | null
      account: string | null
    }
    locations?: {
      location: string
      onHand: number
      onHandAsOf: string | null
    }[]
  }
}
export interface InventoryDriftDetectedV1 {
  id: string
  type: 'inventory.drift_detected.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  recordedAt: string
  channel: ('shopify' | 'amazon' | 'walmart' | 'tiktok-shop') | 'hub'
  account: string
  position?: number
  data: {
    sku: string
    listing: {
      channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
      account: string
      unit: {
        [k: string]: unknown | undefined
      }
    }
    expected: number
    actual: number
    lastPushed: {
      quantity: number
      at: string
    } | null
  }
}

/** Every event type this client knows, in the schema's order. */
export const EVENT_TYPES = [
  'order.created.v1',
  'order.updated.v1',
  'order.cancelled.v1',
  'order.fulfilled.v1',
  'order.returned.v1',
  'order.found_by_polling.v1',
  'inventory.reported.v1',
  'listing.status_changed.v1',
  'inventory.changed.v1',
  'inventory.drift_detected.v1',
] as const

/** An event type name, e.g. `order.created.v1`. */
export type EventType = HubEvent['type']
