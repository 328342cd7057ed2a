/**
 * TikTok Shop webhook types: the numeric `type` in the body and the name the hub records as the
 * inbox topic. Names follow the Event API's `event_type` enum where it has one; 24, 27 and 42 are
 * not in that enum (channels.md §4 A4), so their names are the hub's, after the doc page titles.
 * Source: partner.tiktokshop.com/docv2/page/<n>-… (mirrored in repo:lazykern/ecommerce-api-docs
 * data/processed/tiktok/guides/webhooks/).
 */
export const TIKTOK_TOPICS = {
  1: 'ORDER_STATUS_CHANGE',
  2: 'REVERSE_STATUS_UPDATE',
  3: 'RECIPIENT_ADDRESS_UPDATE',
  4: 'PACKAGE_UPDATE',
  5: 'PRODUCT_STATUS_CHANGE',
  6: 'SELLER_DEAUTHORIZATION',
  7: 'UPCOMING_AUTHORIZATION_EXPIRATION',
  11: 'CANCELLATION_STATUS_CHANGE',
  12: 'RETURN_STATUS_CHANGE',
  15: 'PRODUCT_INFORMATION_CHANGE',
  16: 'PRODUCT_CREATION',
  18: 'PRODUCT_CATEGORY_CHANGE',
  24: 'FBT_INVENTORY_UPDATE',
  27: 'INVENTORY_STATUS_CHANGE',
  42: 'COMBINED_LISTING_CHANGE',
} as const satisfies Readonly<Record<number, string>>

export type TikTokTopic = (typeof TIKTOK_TOPICS)[keyof typeof TIKTOK_TOPICS]

/** The inbox topic for a webhook `type`: its name, or `TYPE_<n>` for a type the hub does not know. */
export function tiktokTopic(type: number): string {
  return (TIKTOK_TOPICS as Readonly<Record<number, string>>)[type] ?? `TYPE_${type}`
}
