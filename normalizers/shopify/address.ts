/**
 * An order's `shipping_address` → the contract's PostalAddress: name else "first last";
 * region ← province_code else province; line1/line2 ← address1/address2; postalCode ← zip;
 * empty (or blank) strings become null.
 *
 * Docs: https://shopify.dev/docs/api/admin-rest/2025-10/resources/order (shipping_address)
 */
import type { ShopifyOrderPayload } from '../../connectors/shopify/index.js'
import type { PostalAddress } from '../../src/events/index.js'
import { text } from './shared.js'

export function toAddress(address: ShopifyOrderPayload['shipping_address']): PostalAddress | null {
  if (!address) return null
  const fullName = `${address.first_name ?? ''} ${address.last_name ?? ''}`.trim()
  return {
    name: text(address.name) ?? text(fullName),
    company: text(address.company),
    line1: text(address.address1),
    line2: text(address.address2),
    city: text(address.city),
    region: text(address.province_code) ?? text(address.province),
    postalCode: text(address.zip),
    countryCode: text(address.country_code),
    phone: text(address.phone),
  }
}
