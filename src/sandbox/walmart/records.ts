/** The shapes of the emulated Walmart seller's order records, as Get an order serves them. */

interface Money {
  readonly currency: 'USD'
  readonly amount: number
}

interface LineStatus {
  readonly status: 'Created' | 'Cancelled'
  readonly statusQuantity: { readonly unitOfMeasurement: 'EACH'; readonly amount: string }
  readonly cancellationReason: string | null
  readonly trackingInfo: null
}

export interface WalmartOrderLineRecord {
  readonly lineNumber: string
  readonly item: { readonly productName: string; readonly sku: string; readonly condition: 'New' }
  readonly charges: {
    readonly charge: readonly {
      readonly chargeType: 'PRODUCT'
      readonly chargeName: 'ItemPrice'
      readonly chargeAmount: Money
      readonly tax: null
      readonly isDiscount: null
      readonly discountType: null
    }[]
  }
  readonly orderLineQuantity: { readonly unitOfMeasurement: 'EACH'; readonly amount: string }
  /** Epoch ms. */
  readonly statusDate: number
  readonly orderLineStatuses: { readonly orderLineStatus: readonly LineStatus[] }
  readonly fulfillment: Readonly<Record<string, string | null>>
}

/** The `order` object of Get an order, as the emulator serves it. */
export interface WalmartOrderRecord {
  readonly purchaseOrderId: string
  readonly customerOrderId: string
  readonly customerEmailId: string
  /** Epoch ms. */
  readonly orderDate: number
  readonly shippingInfo: Readonly<Record<string, unknown>>
  readonly orderLines: { readonly orderLine: readonly WalmartOrderLineRecord[] }
  readonly shipNode: { readonly type: string; readonly name: string; readonly id: string }
}
