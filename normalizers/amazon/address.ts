/**
 * An order's `ShippingAddress` (Orders API v0 `Address`) → the contract's PostalAddress. Personal
 * data, as Amazon shares it with the seller for shipping: the name, street lines and phone are
 * restricted (an RDT is needed), the address is only returned once the order is Unshipped or
 * later, and the phone is suppressed for FBA orders, so any field may be absent (null).
 *
 * AddressLine2 and AddressLine3 become one `line2`, joined by ", ". CountryCode is ISO 3166-1
 * alpha-2; `UK` (the code Amazon's marketplace table uses for the United Kingdom) is read as GB,
 * and anything that is not two letters becomes null rather than a code of the wrong kind.
 *
 * Docs: repo:amzn/selling-partner-api-models models/orders-api-model/ordersV0.json (Address)
 */
import type { AmazonAddress } from '../../connectors/amazon/index.js'
import type { PostalAddress } from '../../src/events/index.js'
import { text } from './shared.js'

export function countryCode(code: string | null | undefined): string | null {
  const upper = text(code)?.trim().toUpperCase()
  if (upper === undefined || !/^[A-Z]{2}$/.test(upper)) return null
  return upper === 'UK' ? 'GB' : upper
}

export function toAddress(address: AmazonAddress | null | undefined): PostalAddress | null {
  if (!address) return null
  const line2 = [text(address.AddressLine2), text(address.AddressLine3)].filter(
    (line): line is string => line !== null,
  )
  return {
    name: text(address.Name),
    company: text(address.CompanyName),
    line1: text(address.AddressLine1),
    line2: line2.length > 0 ? line2.join(', ') : null,
    city: text(address.City),
    region: text(address.StateOrRegion),
    postalCode: text(address.PostalCode),
    countryCode: countryCode(address.CountryCode),
    phone: text(address.Phone),
  }
}
