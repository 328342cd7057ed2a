/**
 * Shopify ids in both spellings: the REST/webhook one (digits, `48513488879793`) and the GraphQL
 * global id (`gid://shopify/InventoryItem/48513488879793`), channels.md §1 B3. The hub stores
 * digits and sends gids.
 */

/** The GraphQL object types whose ids the hub handles. */
export type ShopifyIdType = 'InventoryItem' | 'Location'

/**
 * The digits of a Shopify id given as digits or as a gid of `type`; undefined for anything else
 * (a gid of another type, a gid with a query string, blanks).
 */
export function shopifyIdDigits(type: ShopifyIdType, value: string): string | undefined {
  const trimmed = value.trim()
  const prefix = `gid://shopify/${type}/`
  let digits = trimmed
  if (trimmed.startsWith('gid://'))
    digits = trimmed.startsWith(prefix) ? trimmed.slice(prefix.length) : ''
  return /^\d+$/.test(digits) ? digits : undefined
}

/** `gid://shopify/<type>/<digits>` for an id given as digits or already as a gid of `type`. */
export function shopifyGid(type: ShopifyIdType, value: string): string | undefined {
  const digits = shopifyIdDigits(type, value)
  return digits === undefined ? undefined : `gid://shopify/${type}/${digits}`
}
