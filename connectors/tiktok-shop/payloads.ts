/**
 * The raw TikTok Shop shapes the normalizer reads: the webhook envelope, the `data` of each type
 * the hub consumes, and the two API records it fetches to hydrate thin webhooks. Objects are loose
 * (unknown fields pass through) because TikTok adds fields without a version bump; only the fields
 * the normalizer reads are required, other documented ones are declared optional for reference.
 *
 * Ids are documented as strings, but some doc examples show bare JSON numbers (type 5's
 * `product_id`), and those exceed 2^53. `parseJsonBody` keeps such integers as digit strings and
 * smaller ones as numbers; both come out of {@link Id} as strings. A number beyond 2^53 has
 * already lost digits, so it is refused rather than stringified. Money is a decimal string
 * ("20.00", "5000" for IDR), left for the normalizer to turn into minor units without floats.
 * Times are Unix seconds.
 *
 * Docs (mirrored in repo:lazykern/ecommerce-api-docs, data/processed/tiktok/guides/webhooks/ and
 * data/raw/tiktok/api-reference/):
 *   https://partner.tiktokshop.com/docv2/page/1-order-status-change (and 5, 6, 7, 11, 12, 15, 27)
 *   https://partner.tiktokshop.com/docv2/page/get-order-detail-202309 (`data.orders[]`)
 *   https://partner.tiktokshop.com/docv2/page/search-returns-202309 (`data.return_orders[]`)
 */
import { z } from 'zod'
import { DigitId } from '../shared/digit-id.js'

/** A TikTok id as a digit string. A number beyond 2^53 has already lost digits, so it is refused. */
export const Id = DigitId

/** A decimal amount as a string ("20.00", "-1.50", "5000"). */
const Amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount such as "20.00"')

/** Unix seconds. */
const UnixSeconds = z.number().int().nonnegative()

/** Unix seconds sent as a digit string (type 7's `expiration_time` is documented so) or a number. */
const UnixSecondsText = z.preprocess(
  (value) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value),
  UnixSeconds,
)

const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code')
const OptionalText = z.string().nullish()

/** Fields every webhook carries, whatever its `type`. */
const Envelope = z.looseObject({
  type: z.number().int(),
  /** Unique per notification and kept across TikTok's retries: the inbox dedupe key. */
  tts_notification_id: Id,
  shop_id: Id,
  /** When the webhook fired. */
  timestamp: UnixSeconds,
  data: z.unknown(),
})
export const TikTokEnvelope = Envelope
export type TikTokEnvelope = z.infer<typeof TikTokEnvelope>

function webhook<const T extends number, D extends z.ZodType>(type: T, data: D) {
  return Envelope.extend({ type: z.literal(type), data })
}

/** Type 1. Carries no items or money: the order is fetched (Get Order Detail). */
export const OrderStatusChangeWebhook = webhook(
  1,
  z.looseObject({
    order_id: Id,
    /** UNPAID, ON_HOLD, AWAITING_SHIPMENT, AWAITING_COLLECTION, CANCEL, IN_TRANSIT, DELIVERED, COMPLETED. */
    order_status: z.string().optional(),
    is_on_hold_order: z.boolean().optional(),
    update_time: UnixSeconds.optional(),
  }),
)
export type OrderStatusChangeWebhook = z.infer<typeof OrderStatusChangeWebhook>

/** Type 11. */
export const CancellationStatusChangeWebhook = webhook(
  11,
  z.looseObject({
    order_id: Id,
    /** CANCELLATION_REQUEST_PENDING, _SUCCESS, _CANCELLED, _COMPLETE. */
    cancel_status: z.string(),
    /** BUYER, SELLER, SYSTEM. */
    cancellations_role: z.string().optional(),
    cancel_id: Id.optional(),
    /** When the cancellation was requested (not when its status changed). */
    create_time: UnixSeconds.optional(),
  }),
)
export type CancellationStatusChangeWebhook = z.infer<typeof CancellationStatusChangeWebhook>

/** Type 12. */
export const ReturnStatusChangeWebhook = webhook(
  12,
  z.looseObject({
    order_id: Id,
    return_id: Id,
    /** RETURN_OR_REFUND_REQUEST_PENDING, …_COMPLETE, AWAITING_BUYER_SHIP, REPLACEMENT_…, … */
    return_status: z.string(),
    /** REFUND, RETURN_AND_REFUND, REPLACEMENT. */
    return_type: z.string().optional(),
    return_role: z.string().optional(),
    create_time: UnixSeconds.optional(),
    update_time: UnixSeconds.optional(),
  }),
)
export type ReturnStatusChangeWebhook = z.infer<typeof ReturnStatusChangeWebhook>

/** Type 5: a product's audit status. */
export const ProductStatusChangeWebhook = webhook(
  5,
  z.looseObject({
    product_id: Id,
    /** PRODUCT_FIRST_PASS_REVIEW, PRODUCT_STATUS_CHANGED, PRODUCT_AUDIT_FAILURE. */
    status: z.string(),
    /** Why the audit failed or the product was frozen; "" when there is no reason. */
    suspended_reason: OptionalText,
    update_time: UnixSeconds,
  }),
)
export type ProductStatusChangeWebhook = z.infer<typeof ProductStatusChangeWebhook>

/** Type 15: a live product's properties changed. */
export const ProductInformationChangeWebhook = webhook(
  15,
  z.looseObject({
    product_id: Id,
    /** SELLER_CENTER or OPEN_API (an app's own API call, e.g. the hub's). */
    change_source: z.string(),
    /** title, description, main_images, product_attributes, size_chart_image, size_chart_template, others. */
    changed_fields: z.array(z.string()),
    update_time: UnixSeconds,
  }),
)
export type ProductInformationChangeWebhook = z.infer<typeof ProductInformationChangeWebhook>

/** Type 27: stock fell to LOW_STOCK / OUT_OF_STOCK, or a stock-out is predicted. */
export const InventoryStatusChangeWebhook = webhook(
  27,
  z.looseObject({
    product_id: Id,
    sku_id: Id,
    /** Not documented for this type; read if TikTok ever sends it. */
    seller_sku: OptionalText,
    trigger_reason: z
      .looseObject({
        /** REALTIME or PREDICTION. */
        alert_type: z.string().optional(),
        lead_days: z.number().int().optional(),
        low_stock_threshold: z.number().int().optional(),
      })
      .optional(),
    /** SUFFICIENT_STOCK, LOW_STOCK, OUT_OF_STOCK. */
    current_inventory_status: z.string(),
    /** total_quantity = available + creator_reserved + campaign_reserved + committed. */
    inventory_distribution: z
      .looseObject({
        total_quantity: z.number().int().nonnegative(),
        available_quantity: z.number().int().nonnegative(),
        creator_reserved_quantity: z.number().int().nonnegative().optional(),
        campaign_reserved_quantity: z.number().int().nonnegative().optional(),
        committed_quantity: z.number().int().nonnegative().optional(),
      })
      .optional(),
    update_time: UnixSeconds,
  }),
)
export type InventoryStatusChangeWebhook = z.infer<typeof InventoryStatusChangeWebhook>

/** Type 6: the seller removed the app's access. */
export const SellerDeauthorizationWebhook = webhook(6, z.looseObject({ message: z.string() }))
export type SellerDeauthorizationWebhook = z.infer<typeof SellerDeauthorizationWebhook>

/** Type 7: sent daily from 30 days before the authorization expires. */
export const UpcomingAuthorizationExpirationWebhook = webhook(
  7,
  z.looseObject({
    message: z.string(),
    /** Documented as a string of Unix seconds ("1627587506"). */
    expiration_time: UnixSecondsText.optional(),
  }),
)
export type UpcomingAuthorizationExpirationWebhook = z.infer<
  typeof UpcomingAuthorizationExpirationWebhook
>

const TikTokRecipientAddress = z.looseObject({
  /** Masked ("D***d K***g") when TikTok ships the order. */
  name: OptionalText,
  first_name: OptionalText,
  last_name: OptionalText,
  /** Masked ("(+1)213-***-1234") when TikTok ships the order. */
  phone_number: OptionalText,
  /** ISO 3166-1 alpha-2, e.g. "US". */
  region_code: OptionalText,
  postal_code: OptionalText,
  /** UK only. */
  post_town: OptionalText,
  address_line1: OptionalText,
  address_line2: OptionalText,
  /** BR only. */
  address_line3: OptionalText,
  /** BR only. */
  address_line4: OptionalText,
  full_address: OptionalText,
  /** Administrative levels, L0 (country) down; e.g. L1 State, L3 City in the US. */
  district_info: z
    .array(
      z.looseObject({
        address_level_name: OptionalText,
        address_name: OptionalText,
        address_level: OptionalText,
      }),
    )
    .optional(),
})

/** One unit of one SKU: TikTok has no quantity on a line, two units are two line items. */
const TikTokLineItem = z.looseObject({
  id: Id,
  sku_id: Id.optional(),
  product_id: Id.optional(),
  /** "" when the seller set none. */
  seller_sku: OptionalText,
  product_name: OptionalText,
  sku_name: OptionalText,
  /** Before discounts. */
  original_price: Amount,
  /** What the buyer pays for the unit: original − seller_discount − platform_discount. */
  sale_price: Amount,
  seller_discount: Amount.optional(),
  platform_discount: Amount.optional(),
  currency: CurrencyCode.optional(),
  /** UNPAID, AWAITING_SHIPMENT, AWAITING_COLLECTION, IN_TRANSIT, DELIVERED, COMPLETED, CANCELLED. */
  display_status: z.string().optional(),
  package_id: Id.optional(),
})

/**
 * One element of Get Order Detail's `data.orders[]`, and of Get Order List's (the same object):
 * the order's full current state.
 */
export const TikTokOrder = z.looseObject({
  id: Id,
  /**
   * UNPAID, ON_HOLD, AWAITING_SHIPMENT, PARTIALLY_SHIPPING, AWAITING_COLLECTION, IN_TRANSIT,
   * DELIVERED, COMPLETED, CANCELLED.
   */
  status: z.string(),
  create_time: UnixSeconds,
  /** "Time of order status changes". */
  update_time: UnixSeconds,
  /** Absent (or 0) until the buyer has paid. */
  paid_time: UnixSeconds.optional(),
  payment: z.looseObject({
    currency: CurrencyCode,
    /** original_total_product_price − seller_discount − platform_discount (pre-tax in the US). */
    sub_total: Amount,
    /** original_shipping_fee − shipping_fee_seller_discount − shipping_fee_platform_discount. */
    shipping_fee: Amount.optional(),
    /** Product discount by the seller. */
    seller_discount: Amount.optional(),
    /** Product discount by the platform. */
    platform_discount: Amount.optional(),
    original_total_product_price: Amount.optional(),
    original_shipping_fee: Amount.optional(),
    shipping_fee_seller_discount: Amount.optional(),
    shipping_fee_platform_discount: Amount.optional(),
    /** US and cross-border shops only. */
    tax: Amount.optional(),
    /** sub_total + shipping_fee + tax + retail_delivery_fee. */
    total_amount: Amount,
  }),
  line_items: z.array(TikTokLineItem),
  /**
   * The warehouse the order ships from (Get Order Detail 202507's `warehouse_id`:
   * repo:lazykern/ecommerce-api-docs data/raw/tiktok/api-reference/orders/get-order-detail.spec.json,
   * response sample). Its lines' location.
   */
  warehouse_id: Id.optional(),
  /** Not available while UNPAID or ON_HOLD. */
  recipient_address: TikTokRecipientAddress.optional(),
  /** Anonymized relay address at TikTok. */
  buyer_email: OptionalText,
  cancel_reason: OptionalText,
  /** SELLER, BUYER, SYSTEM. */
  cancellation_initiator: OptionalText,
})
export type TikTokOrder = z.infer<typeof TikTokOrder>
export type TikTokLineItem = z.infer<typeof TikTokLineItem>
export type TikTokRecipientAddress = z.infer<typeof TikTokRecipientAddress>

const RefundAmount = z.looseObject({
  currency: CurrencyCode,
  refund_total: Amount.optional(),
  refund_subtotal: Amount.optional(),
  refund_shipping_fee: Amount.optional(),
  refund_tax: Amount.optional(),
})

/** One element of Search Returns' `data.return_orders[]`. */
export const TikTokReturn = z.looseObject({
  return_id: Id,
  order_id: Id,
  return_type: z.string().optional(),
  return_status: z.string().optional(),
  create_time: UnixSeconds.optional(),
  update_time: UnixSeconds.optional(),
  return_line_items: z.array(
    z.looseObject({
      return_line_item_id: Id,
      /** The order's line item id: TikTok's lines are single units, so one per unit returned. */
      order_line_item_id: Id.optional(),
      sku_id: Id.optional(),
      seller_sku: OptionalText,
      product_name: OptionalText,
      refund_amount: RefundAmount.optional(),
    }),
  ),
  /** The whole return's refund to the buyer. */
  refund_amount: RefundAmount.optional(),
})
export type TikTokReturn = z.infer<typeof TikTokReturn>
