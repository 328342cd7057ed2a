/**
 * The raw Shopify REST shapes the normalizer reads, and nothing more: unknown fields are allowed
 * and stripped, because Shopify adds fields to webhook payloads without a version bump.
 *
 * Ids arrive as JSON numbers, or as digit strings when `parseJsonBody` met an integer beyond 2^53;
 * both come out as strings. Money amounts are decimal strings in Shopify ("29.95", "1200" for
 * JPY); numbers are accepted too and come out as strings, left for the normalizer to convert into
 * minor units without floats.
 *
 * Docs: https://shopify.dev/docs/api/admin-rest/2025-10/resources/order
 *       https://shopify.dev/docs/api/admin-rest/2025-10/resources/refund
 */
import { z } from 'zod'
import { DigitId } from '../shared/digit-id.js'

/** A Shopify id as a digit string. A number beyond 2^53 has already lost digits, so it is refused. */
const Id = DigitId

/** A decimal amount as a string ("64.90", "-5.00", "1200"). */
const Amount = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount such as "64.90"'),
)

const Timestamp = z.iso.datetime({ offset: true })
const Quantity = z.number().int().nonnegative()
const OptionalText = z.string().nullish()
const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code')

const ShopifyAddress = z.object({
  name: OptionalText,
  first_name: OptionalText,
  last_name: OptionalText,
  company: OptionalText,
  address1: OptionalText,
  address2: OptionalText,
  city: OptionalText,
  province: OptionalText,
  province_code: OptionalText,
  zip: OptionalText,
  country_code: OptionalText,
  phone: OptionalText,
})

const ShopifyLineItem = z.object({
  id: Id,
  sku: OptionalText,
  title: z.string(),
  quantity: Quantity,
  price: Amount,
  /** Line-level discounts only; superseded by `discount_allocations` where that is present. */
  total_discount: Amount.optional(),
  discount_allocations: z.array(z.object({ amount: Amount })).optional(),
  fulfillment_status: z.string().nullish(),
})

const ShopifyFulfillment = z.object({
  /** pending, open, success, cancelled, error, failure. */
  status: z.string(),
  line_items: z.array(z.object({ id: Id, quantity: Quantity })),
})

/** The order resource, as delivered by the `orders/*` topics. */
export const ShopifyOrderPayload = z.object({
  id: Id,
  /** The order name shown to people, e.g. "#1042". */
  name: z.string().nullish(),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** The shop currency; every amount read here is in it (not `presentment_currency`). */
  currency: CurrencyCode,
  total_price: Amount,
  subtotal_price: Amount,
  total_tax: Amount,
  taxes_included: z.boolean().optional(),
  total_discounts: Amount,
  total_shipping_price_set: z.object({ shop_money: z.object({ amount: Amount }) }).nullish(),
  shipping_lines: z.array(z.object({ price: Amount })).optional(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullable(),
  cancelled_at: Timestamp.nullable(),
  cancel_reason: z.string().nullable(),
  email: OptionalText,
  contact_email: OptionalText,
  line_items: z.array(ShopifyLineItem),
  fulfillments: z.array(ShopifyFulfillment).optional(),
  shipping_address: ShopifyAddress.nullish(),
})
export type ShopifyOrderPayload = z.infer<typeof ShopifyOrderPayload>

/** The refund resource, as delivered by `refunds/create`. */
export const ShopifyRefundPayload = z.object({
  id: Id,
  order_id: Id,
  created_at: Timestamp,
  note: z.string().nullable(),
  refund_line_items: z.array(
    z.object({
      line_item_id: Id,
      quantity: Quantity,
      /** no_restock, cancel, return, legacy_restock. */
      restock_type: z.string().nullish(),
      line_item: z.object({ sku: OptionalText }).optional(),
    }),
  ),
  transactions: z.array(
    z.object({
      /** authorization, capture, sale, void, refund, … */
      kind: z.string(),
      /** pending, failure, success, error. */
      status: z.string(),
      amount: Amount,
      currency: CurrencyCode,
    }),
  ),
})
export type ShopifyRefundPayload = z.infer<typeof ShopifyRefundPayload>

/**
 * The `inventory_levels/update` webhook body (REST InventoryLevel resource), as far as the
 * normalizer reads it (channels.md §1 A5;
 * https://shopify.dev/docs/api/admin-rest/latest/resources/inventorylevel):
 * `{ inventory_item_id, location_id, available, updated_at, admin_graphql_api_id }`. `available`
 * is null for an item whose inventory Shopify does not track, and may be negative when a store
 * keeps selling out of stock.
 */
export const ShopifyInventoryLevelPayload = z.object({
  inventory_item_id: DigitId,
  location_id: DigitId,
  available: z.int().nullable(),
  updated_at: z.iso.datetime({ offset: true }),
})
export type ShopifyInventoryLevelPayload = z.infer<typeof ShopifyInventoryLevelPayload>
