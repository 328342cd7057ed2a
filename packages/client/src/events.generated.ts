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

/**
 * First time the hub sees an order.
 */
export interface OrderCreatedV1 {
  id: string
  type: 'order.created.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * The full state of an order as last seen at the channel.
     */
    order: {
      /**
       * The channel's order id, as a string.
       */
      externalId: string
      /**
       * The order number shown to people (e.g. Shopify `#1042`); null when the channel has none.
       */
      number: string | null
      /**
       * Where an order is in its life, the same for every channel. Each connector documents how its channel's own statuses map onto these.
       * - `pending`: placed but not yet ready to ship (unpaid, on hold, awaiting payment review)
       * - `awaiting_fulfillment`: ready to ship, nothing shipped yet
       * - `partially_fulfilled`: some units shipped
       * - `fulfilled`: every unit shipped (or otherwise fulfilled)
       * - `delivered`: the channel reports delivery
       * - `cancelled`: cancelled before completion
       */
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      /**
       * Money state of the order as the channel reports it; `unknown` when the channel does not say.
       */
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
      /**
       * The channel's own status fields, verbatim, for reference.
       */
      channelStatus: {
        [k: string]: string | null | undefined
      }
      /**
       * When the buyer placed the order (ISO 8601 with offset).
       */
      placedAt: string
      /**
       * The channel's last-modified time of this snapshot; orders snapshots (older never overwrites newer).
       */
      updatedAt: string
      /**
       * ISO 4217 code of every amount in the order.
       */
      currency: string
      /**
       * Order-level amounts, all in the order's currency. `total` is what the channel says the buyer pays; it is not recomputed, since channels add items (duties, tips, shipping discounts) not listed here.
       */
      totals: {
        /**
         * Goods after discounts, before shipping (and before tax unless `taxesIncluded`).
         */
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
        /**
         * Discounts over the whole order, including line discounts.
         */
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
        /**
         * Shipping charged to the buyer.
         */
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
        /**
         * Tax charged to the buyer.
         */
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
        /**
         * What the buyer pays.
         */
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
        /**
         * True when `tax` is already inside the prices (and so inside `subtotal`), as in many VAT countries.
         */
        taxesIncluded: boolean
      }
      /**
       * Items: One order line. Quantities are units; money is in the order's currency.
       */
      lines: {
        /**
         * The channel's id for the line, as a string (never a JavaScript number).
         */
        externalLineId: string
        /**
         * The seller SKU the channel reports for the line; null when the channel has none.
         */
        sku: string | null
        /**
         * Product title at the time of the order.
         */
        title: string
        /**
         * Units ordered.
         */
        quantity: number
        /**
         * Units shipped so far, as far as the channel reports it.
         */
        quantityFulfilled: number
        /**
         * Price of one unit before discounts.
         */
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
        /**
         * Discount on the whole line (non-negative).
         */
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
        /**
         * `unitPrice × quantity − discount`.
         */
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
        /**
         * Where the channel says the line ships from, as the channel names it (TikTok: the order's `warehouse_id`); absent when it names none. Its reservation lands on the hub location of that name or channel id (docs/inventory.md, "Locations").
         */
        location?: string
      }[]
      /**
       * Buyer e-mail where the channel shares it. Personal data.
       */
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        /**
         * State or province code where the channel gives one (e.g. `NY`), else its name.
         */
        region: string | null
        postalCode: string | null
        /**
         * ISO 3166-1 alpha-2.
         */
        countryCode: string | null
        phone: string | null
      } | null
      /**
       * The channel's cancellation reason, when cancelled.
       */
      cancelReason: string | null
    }
  }
}
/**
 * An order changed in a way that is neither a cancellation nor completion of fulfilment.
 */
export interface OrderUpdatedV1 {
  id: string
  type: 'order.updated.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * The full state of an order as last seen at the channel.
     */
    order: {
      /**
       * The channel's order id, as a string.
       */
      externalId: string
      /**
       * The order number shown to people (e.g. Shopify `#1042`); null when the channel has none.
       */
      number: string | null
      /**
       * Where an order is in its life, the same for every channel. Each connector documents how its channel's own statuses map onto these.
       * - `pending`: placed but not yet ready to ship (unpaid, on hold, awaiting payment review)
       * - `awaiting_fulfillment`: ready to ship, nothing shipped yet
       * - `partially_fulfilled`: some units shipped
       * - `fulfilled`: every unit shipped (or otherwise fulfilled)
       * - `delivered`: the channel reports delivery
       * - `cancelled`: cancelled before completion
       */
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      /**
       * Money state of the order as the channel reports it; `unknown` when the channel does not say.
       */
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
      /**
       * The channel's own status fields, verbatim, for reference.
       */
      channelStatus: {
        [k: string]: string | null | undefined
      }
      /**
       * When the buyer placed the order (ISO 8601 with offset).
       */
      placedAt: string
      /**
       * The channel's last-modified time of this snapshot; orders snapshots (older never overwrites newer).
       */
      updatedAt: string
      /**
       * ISO 4217 code of every amount in the order.
       */
      currency: string
      /**
       * Order-level amounts, all in the order's currency. `total` is what the channel says the buyer pays; it is not recomputed, since channels add items (duties, tips, shipping discounts) not listed here.
       */
      totals: {
        /**
         * Goods after discounts, before shipping (and before tax unless `taxesIncluded`).
         */
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
        /**
         * Discounts over the whole order, including line discounts.
         */
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
        /**
         * Shipping charged to the buyer.
         */
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
        /**
         * Tax charged to the buyer.
         */
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
        /**
         * What the buyer pays.
         */
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
        /**
         * True when `tax` is already inside the prices (and so inside `subtotal`), as in many VAT countries.
         */
        taxesIncluded: boolean
      }
      /**
       * Items: One order line. Quantities are units; money is in the order's currency.
       */
      lines: {
        /**
         * The channel's id for the line, as a string (never a JavaScript number).
         */
        externalLineId: string
        /**
         * The seller SKU the channel reports for the line; null when the channel has none.
         */
        sku: string | null
        /**
         * Product title at the time of the order.
         */
        title: string
        /**
         * Units ordered.
         */
        quantity: number
        /**
         * Units shipped so far, as far as the channel reports it.
         */
        quantityFulfilled: number
        /**
         * Price of one unit before discounts.
         */
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
        /**
         * Discount on the whole line (non-negative).
         */
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
        /**
         * `unitPrice × quantity − discount`.
         */
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
        /**
         * Where the channel says the line ships from, as the channel names it (TikTok: the order's `warehouse_id`); absent when it names none. Its reservation lands on the hub location of that name or channel id (docs/inventory.md, "Locations").
         */
        location?: string
      }[]
      /**
       * Buyer e-mail where the channel shares it. Personal data.
       */
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        /**
         * State or province code where the channel gives one (e.g. `NY`), else its name.
         */
        region: string | null
        postalCode: string | null
        /**
         * ISO 3166-1 alpha-2.
         */
        countryCode: string | null
        phone: string | null
      } | null
      /**
       * The channel's cancellation reason, when cancelled.
       */
      cancelReason: string | null
    }
    /**
     * Status before this change; null when the hub had not seen the order before.
     */
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
    /**
     * Snapshot fields that differ from the previous snapshot (`updatedAt` is never listed).
     *
     * Items: Names of the snapshot fields that `changedFields` can list.
     */
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
/**
 * An order became `cancelled`.
 */
export interface OrderCancelledV1 {
  id: string
  type: 'order.cancelled.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * The full state of an order as last seen at the channel.
     */
    order: {
      /**
       * The channel's order id, as a string.
       */
      externalId: string
      /**
       * The order number shown to people (e.g. Shopify `#1042`); null when the channel has none.
       */
      number: string | null
      /**
       * Where an order is in its life, the same for every channel. Each connector documents how its channel's own statuses map onto these.
       * - `pending`: placed but not yet ready to ship (unpaid, on hold, awaiting payment review)
       * - `awaiting_fulfillment`: ready to ship, nothing shipped yet
       * - `partially_fulfilled`: some units shipped
       * - `fulfilled`: every unit shipped (or otherwise fulfilled)
       * - `delivered`: the channel reports delivery
       * - `cancelled`: cancelled before completion
       */
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      /**
       * Money state of the order as the channel reports it; `unknown` when the channel does not say.
       */
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
      /**
       * The channel's own status fields, verbatim, for reference.
       */
      channelStatus: {
        [k: string]: string | null | undefined
      }
      /**
       * When the buyer placed the order (ISO 8601 with offset).
       */
      placedAt: string
      /**
       * The channel's last-modified time of this snapshot; orders snapshots (older never overwrites newer).
       */
      updatedAt: string
      /**
       * ISO 4217 code of every amount in the order.
       */
      currency: string
      /**
       * Order-level amounts, all in the order's currency. `total` is what the channel says the buyer pays; it is not recomputed, since channels add items (duties, tips, shipping discounts) not listed here.
       */
      totals: {
        /**
         * Goods after discounts, before shipping (and before tax unless `taxesIncluded`).
         */
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
        /**
         * Discounts over the whole order, including line discounts.
         */
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
        /**
         * Shipping charged to the buyer.
         */
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
        /**
         * Tax charged to the buyer.
         */
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
        /**
         * What the buyer pays.
         */
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
        /**
         * True when `tax` is already inside the prices (and so inside `subtotal`), as in many VAT countries.
         */
        taxesIncluded: boolean
      }
      /**
       * Items: One order line. Quantities are units; money is in the order's currency.
       */
      lines: {
        /**
         * The channel's id for the line, as a string (never a JavaScript number).
         */
        externalLineId: string
        /**
         * The seller SKU the channel reports for the line; null when the channel has none.
         */
        sku: string | null
        /**
         * Product title at the time of the order.
         */
        title: string
        /**
         * Units ordered.
         */
        quantity: number
        /**
         * Units shipped so far, as far as the channel reports it.
         */
        quantityFulfilled: number
        /**
         * Price of one unit before discounts.
         */
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
        /**
         * Discount on the whole line (non-negative).
         */
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
        /**
         * `unitPrice × quantity − discount`.
         */
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
        /**
         * Where the channel says the line ships from, as the channel names it (TikTok: the order's `warehouse_id`); absent when it names none. Its reservation lands on the hub location of that name or channel id (docs/inventory.md, "Locations").
         */
        location?: string
      }[]
      /**
       * Buyer e-mail where the channel shares it. Personal data.
       */
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        /**
         * State or province code where the channel gives one (e.g. `NY`), else its name.
         */
        region: string | null
        postalCode: string | null
        /**
         * ISO 3166-1 alpha-2.
         */
        countryCode: string | null
        phone: string | null
      } | null
      /**
       * The channel's cancellation reason, when cancelled.
       */
      cancelReason: string | null
    }
    /**
     * Status before this change; null when the hub had not seen the order before.
     */
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
    /**
     * Snapshot fields that differ from the previous snapshot (`updatedAt` is never listed).
     *
     * Items: Names of the snapshot fields that `changedFields` can list.
     */
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
/**
 * An order became `fulfilled` (every unit shipped).
 */
export interface OrderFulfilledV1 {
  id: string
  type: 'order.fulfilled.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * The full state of an order as last seen at the channel.
     */
    order: {
      /**
       * The channel's order id, as a string.
       */
      externalId: string
      /**
       * The order number shown to people (e.g. Shopify `#1042`); null when the channel has none.
       */
      number: string | null
      /**
       * Where an order is in its life, the same for every channel. Each connector documents how its channel's own statuses map onto these.
       * - `pending`: placed but not yet ready to ship (unpaid, on hold, awaiting payment review)
       * - `awaiting_fulfillment`: ready to ship, nothing shipped yet
       * - `partially_fulfilled`: some units shipped
       * - `fulfilled`: every unit shipped (or otherwise fulfilled)
       * - `delivered`: the channel reports delivery
       * - `cancelled`: cancelled before completion
       */
      status:
        | 'pending'
        | 'awaiting_fulfillment'
        | 'partially_fulfilled'
        | 'fulfilled'
        | 'delivered'
        | 'cancelled'
      /**
       * Money state of the order as the channel reports it; `unknown` when the channel does not say.
       */
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
      /**
       * The channel's own status fields, verbatim, for reference.
       */
      channelStatus: {
        [k: string]: string | null | undefined
      }
      /**
       * When the buyer placed the order (ISO 8601 with offset).
       */
      placedAt: string
      /**
       * The channel's last-modified time of this snapshot; orders snapshots (older never overwrites newer).
       */
      updatedAt: string
      /**
       * ISO 4217 code of every amount in the order.
       */
      currency: string
      /**
       * Order-level amounts, all in the order's currency. `total` is what the channel says the buyer pays; it is not recomputed, since channels add items (duties, tips, shipping discounts) not listed here.
       */
      totals: {
        /**
         * Goods after discounts, before shipping (and before tax unless `taxesIncluded`).
         */
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
        /**
         * Discounts over the whole order, including line discounts.
         */
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
        /**
         * Shipping charged to the buyer.
         */
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
        /**
         * Tax charged to the buyer.
         */
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
        /**
         * What the buyer pays.
         */
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
        /**
         * True when `tax` is already inside the prices (and so inside `subtotal`), as in many VAT countries.
         */
        taxesIncluded: boolean
      }
      /**
       * Items: One order line. Quantities are units; money is in the order's currency.
       */
      lines: {
        /**
         * The channel's id for the line, as a string (never a JavaScript number).
         */
        externalLineId: string
        /**
         * The seller SKU the channel reports for the line; null when the channel has none.
         */
        sku: string | null
        /**
         * Product title at the time of the order.
         */
        title: string
        /**
         * Units ordered.
         */
        quantity: number
        /**
         * Units shipped so far, as far as the channel reports it.
         */
        quantityFulfilled: number
        /**
         * Price of one unit before discounts.
         */
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
        /**
         * Discount on the whole line (non-negative).
         */
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
        /**
         * `unitPrice × quantity − discount`.
         */
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
        /**
         * Where the channel says the line ships from, as the channel names it (TikTok: the order's `warehouse_id`); absent when it names none. Its reservation lands on the hub location of that name or channel id (docs/inventory.md, "Locations").
         */
        location?: string
      }[]
      /**
       * Buyer e-mail where the channel shares it. Personal data.
       */
      customerEmail: string | null
      shippingAddress: {
        name: string | null
        company: string | null
        line1: string | null
        line2: string | null
        city: string | null
        /**
         * State or province code where the channel gives one (e.g. `NY`), else its name.
         */
        region: string | null
        postalCode: string | null
        /**
         * ISO 3166-1 alpha-2.
         */
        countryCode: string | null
        phone: string | null
      } | null
      /**
       * The channel's cancellation reason, when cancelled.
       */
      cancelReason: string | null
    }
    /**
     * Status before this change; null when the hub had not seen the order before.
     */
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
    /**
     * Snapshot fields that differ from the previous snapshot (`updatedAt` is never listed).
     *
     * Items: Names of the snapshot fields that `changedFields` can list.
     */
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
/**
 * A refund or return was recorded against an order.
 */
export interface OrderReturnedV1 {
  id: string
  type: 'order.returned.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * The channel's order id.
     */
    externalOrderId: string
    /**
     * The channel's id for the refund or return.
     */
    returnId: string
    /**
     * Lines refunded; empty for a refund of money only (e.g. shipping).
     *
     * Items: Units of one line coming back, or refunded without coming back.
     */
    lines: {
      externalLineId: string
      sku: string | null
      quantity: number
      /**
       * True when the units go back into sellable stock.
       */
      restock: boolean
    }[]
    /**
     * Money refunded to the buyer in this refund; null when the channel does not say.
     */
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
    /**
     * Free-text note the seller or channel attached.
     */
    note: string | null
  }
}
/**
 * The hub learned of an order by reading the channel's order list (order sync), not from a webhook: the channel's webhooks for it were lost or are late. Emitted once per order, beside its `order.created.v1`; `via` says whether the scheduled sync or an operator's backfill found it.
 */
export interface OrderFoundByPollingV1 {
  id: string
  type: 'order.found_by_polling.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * The channel's order id.
     */
    externalOrderId: string
    via: 'sync' | 'backfill'
    /**
     * When the buyer placed it (ISO 8601).
     */
    placedAt: string
    /**
     * The channel's last-update time of the order as the hub read it (ISO 8601).
     */
    channelUpdatedAt: string
    /**
     * Where an order is in its life, the same for every channel. Each connector documents how its channel's own statuses map onto these.
     * - `pending`: placed but not yet ready to ship (unpaid, on hold, awaiting payment review)
     * - `awaiting_fulfillment`: ready to ship, nothing shipped yet
     * - `partially_fulfilled`: some units shipped
     * - `fulfilled`: every unit shipped (or otherwise fulfilled)
     * - `delivered`: the channel reports delivery
     * - `cancelled`: cancelled before completion
     */
    status:
      | 'pending'
      | 'awaiting_fulfillment'
      | 'partially_fulfilled'
      | 'fulfilled'
      | 'delivered'
      | 'cancelled'
  }
}
/**
 * A channel's own report of a listing's stock level: what the channel believes, not the hub's available-to-sell. Emitted for every report; comparing it with what the hub pushed is the consumer's (and the inventory ledger's) business.
 */
export interface InventoryReportedV1 {
  id: string
  type: 'inventory.reported.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * A channel's sellable unit, in the channel's own identifiers. Which fields a channel fills:
     * - Shopify: `unitId` = inventory item id, `locationId` = location id
     * - Amazon: `sellerSku`, `productId` = ASIN, `marketplaceId`, `locationId` = fulfilment channel code
     * - Walmart: `sellerSku`, `productId` = item id, `locationId` = ship node
     * - TikTok Shop: `productId` = product id, `unitId` = SKU id, `sellerSku` when reported, `locationId` = warehouse id
     * Fields the channel does not report are null; every id is a string, never a JavaScript number.
     */
    listing: {
      /**
       * The seller's own SKU code, where the channel reports it.
       */
      sellerSku: string | null
      /**
       * The channel's product or listing id.
       */
      productId: string | null
      /**
       * The channel's id of the sellable unit within the product (variant, SKU, inventory item).
       */
      unitId: string | null
      /**
       * Warehouse, location, ship node or fulfilment channel, where levels are kept per location.
       */
      locationId: string | null
      /**
       * Amazon marketplace id; null on other channels.
       */
      marketplaceId: string | null
    }
    /**
     * Units the channel says it can sell now; null when it reports only a band.
     */
    available: number | null
    /**
     * Units physically held for the listing, including ones reserved or committed; null when not reported.
     */
    onHand: number | null
    stockStatus: ('in_stock' | 'low_stock' | 'out_of_stock') | null
    /**
     * The channel's own fields about the report, verbatim (e.g. TikTok's `alert_type`).
     */
    channelStatus: {
      [k: string]: string | null | undefined
    }
  }
}
/**
 * A channel reported a change to a listing's status or content.
 */
export interface ListingStatusChangedV1 {
  id: string
  type: 'listing.status_changed.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    /**
     * A channel's sellable unit, in the channel's own identifiers. Which fields a channel fills:
     * - Shopify: `unitId` = inventory item id, `locationId` = location id
     * - Amazon: `sellerSku`, `productId` = ASIN, `marketplaceId`, `locationId` = fulfilment channel code
     * - Walmart: `sellerSku`, `productId` = item id, `locationId` = ship node
     * - TikTok Shop: `productId` = product id, `unitId` = SKU id, `sellerSku` when reported, `locationId` = warehouse id
     * Fields the channel does not report are null; every id is a string, never a JavaScript number.
     */
    listing: {
      /**
       * The seller's own SKU code, where the channel reports it.
       */
      sellerSku: string | null
      /**
       * The channel's product or listing id.
       */
      productId: string | null
      /**
       * The channel's id of the sellable unit within the product (variant, SKU, inventory item).
       */
      unitId: string | null
      /**
       * Warehouse, location, ship node or fulfilment channel, where levels are kept per location.
       */
      locationId: string | null
      /**
       * Amazon marketplace id; null on other channels.
       */
      marketplaceId: string | null
    }
    /**
     * Where a listing stands at the channel, the same for every channel:
     * - `active`: buyable (subject to stock)
     * - `inactive`: the seller or the channel took it off sale
     * - `under_review`: waiting for the channel's review
     * - `rejected`: failed review; `reason` says why where the channel does
     * - `suspended`: frozen by the channel
     * - `deleted`: gone
     * - `unknown`: the channel reported a change without saying what the listing's status is now
     */
    status:
      'active' | 'inactive' | 'under_review' | 'rejected' | 'suspended' | 'deleted' | 'unknown'
    /**
     * The channel's own status fields, verbatim.
     */
    channelStatus: {
      [k: string]: string | null | undefined
    }
    /**
     * The channel's reason (rejection, suspension), when it gives one.
     */
    reason: string | null
    /**
     * Listing properties the channel says changed (its own names); empty when it does not say.
     */
    changedFields: string[]
  }
}
/**
 * A SKU's available-to-sell changed: `ats = max(0, onHand − reserved − safetyStock)`. Emitted once per SKU per committed batch that moved `ats` (changes applied together under one lock yield one event carrying the batch's net result), in the transaction that changed it; the hub pushes the new quantity to every listing of the SKU after its channel policy.
 */
export interface InventoryChangedV1 {
  id: string
  type: 'inventory.changed.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: ('shopify' | 'amazon' | 'walmart' | 'tiktok-shop') | 'hub'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    sku: string
    onHand: number
    reserved: number
    safetyStock: number
    ats: number
    previousAts: number
    /**
     * Why a SKU's available-to-sell changed:
     * - `on-hand-set`: an absolute on-hand level (`PUT /v1/inventory/:sku`, or the SKU's inventory-source channel)
     * - `adjustment`: a delta (`POST /v1/inventory/adjustments`)
     * - `reservation`: a channel order reserved, released or consumed units
     * - `safety-stock`: the SKU's safety stock was changed
     */
    cause: {
      kind: 'on-hand-set' | 'adjustment' | 'reservation' | 'safety-stock'
      /**
       * The order id, adjustment key or source of the change, where there is one.
       */
      reference: string | null
      /**
       * The channel and account whose order or report caused it; null for the hub's own API.
       */
      channel: ('shopify' | 'amazon' | 'walmart' | 'tiktok-shop') | null
      account: string | null
    }
    /**
     * Per location, the on-hand that adds up to `onHand`: present when the SKU is kept in a location besides `default` and the change came from a level or adjustment (a change by reservations alone leaves every location's on-hand as the last event said).
     *
     * Items: One location's on-hand of a SKU (docs/inventory.md, "Locations").
     */
    locations?: {
      location: string
      onHand: number
      /**
       * When the location's last absolute level was counted; null when it has had none.
       */
      onHandAsOf: string | null
    }[]
  }
}
/**
 * Reconciliation found a channel offering a quantity other than the one the SKU's available-to-sell and the listing's policy say; the hub pushes the expected quantity again.
 */
export interface InventoryDriftDetectedV1 {
  id: string
  type: 'inventory.drift_detected.v1'
  specversion: '1.0'
  source: string
  subject: string
  time: string
  /**
   * Media type of data; always application/json
   */
  datacontenttype?: 'application/json'
  /**
   * Absolute URL of this event type's JSON Schema
   */
  dataschema?: string
  /**
   * When the hub recorded the event
   */
  recordedat?: string
  /**
   * @deprecated
   * Deprecated alias of recordedat; removed in the next version
   */
  recordedAt: string
  channel: ('shopify' | 'amazon' | 'walmart' | 'tiktok-shop') | 'hub'
  account: string
  /**
   * W3C trace context of its creation (distributed tracing); while the hub traces
   */
  traceparent?: string
  /**
   * W3C tracestate going with traceparent, if any
   */
  tracestate?: string
  position?: number
  data: {
    sku: string
    /**
     * A listing as the hub maps it: a SKU's unit at one channel account.
     */
    listing: {
      channel: 'shopify' | 'amazon' | 'walmart' | 'tiktok-shop'
      account: string
      /**
       * The channel's ids of the unit, as configured in `PUT /v1/listings`.
       */
      unit: {
        [k: string]: unknown | undefined
      }
    }
    /**
     * What the channel should offer: the policy applied to the SKU's ats.
     */
    expected: number
    /**
     * What the channel offers.
     */
    actual: number
    /**
     * What the hub last pushed, and when; null when it never has.
     */
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
