/**
 * A purchase order's `shippingInfo` → the contract's PostalAddress. Personal data: the buyer's
 * name, address and phone as Walmart shares them with the seller for shipping.
 *
 * Walmart writes the country as ISO 3166-1 alpha-3 in its samples ("USA"); the contract wants
 * alpha-2. The US marketplace ships to the US and its territories, so those (and the two
 * neighbours) are converted; a two-letter code is kept; anything else becomes null rather than a
 * code of the wrong kind.
 */
import type { WalmartOrder } from '../../connectors/walmart/index.js'
import type { PostalAddress } from '../../src/events/index.js'
import { text } from './shared.js'

const ALPHA2 = new Map([
  ['USA', 'US'],
  ['PRI', 'PR'],
  ['GUM', 'GU'],
  ['VIR', 'VI'],
  ['ASM', 'AS'],
  ['MNP', 'MP'],
  ['CAN', 'CA'],
  ['MEX', 'MX'],
])

export function countryCode(country: string | null | undefined): string | null {
  const code = text(country)?.trim().toUpperCase()
  if (code === undefined) return null
  if (/^[A-Z]{2}$/.test(code)) return code
  return ALPHA2.get(code) ?? null
}

export function toAddress(shippingInfo: WalmartOrder['shippingInfo']): PostalAddress | null {
  const address = shippingInfo?.postalAddress
  if (!address) return null
  return {
    name: text(address.name),
    company: null,
    line1: text(address.address1),
    line2: text(address.address2),
    city: text(address.city),
    region: text(address.state),
    postalCode: text(address.postalCode),
    countryCode: countryCode(address.country),
    phone: text(shippingInfo.phone),
  }
}
