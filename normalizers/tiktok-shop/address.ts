/**
 * An order's `recipient_address` → the contract's PostalAddress. District levels differ by
 * country; what holds in the US (L0 country, L1 state, L3 city, each named in
 * `address_level_name`) is read, and the UK's `post_town` stands in for a city. BR's third and
 * fourth address lines are kept in line2.
 *
 * Doc: https://partner.tiktokshop.com/docv2/page/get-order-detail-202309 (recipient_address)
 */
import type { TikTokRecipientAddress } from '../../connectors/tiktok-shop/index.js'
import type { PostalAddress } from '../../src/events/index.js'
import { text } from './shared.js'

export function toAddress(address: TikTokRecipientAddress | undefined): PostalAddress | null {
  if (!address) return null
  const district = (match: (level: { name: string; code: string }) => boolean) =>
    text(
      address.district_info?.find((entry) =>
        match({
          name: (entry.address_level_name ?? '').toLowerCase(),
          code: entry.address_level ?? '',
        }),
      )?.address_name,
    )
  const fullName = `${address.first_name ?? ''} ${address.last_name ?? ''}`.trim()
  const extraLines = [address.address_line2, address.address_line3, address.address_line4]
    .map(text)
    .filter((line) => line !== null)
  return {
    name: text(address.name) ?? text(fullName),
    company: null,
    line1: text(address.address_line1),
    line2: text(extraLines.join(', ')),
    city: district((level) => level.name === 'city') ?? text(address.post_town),
    region: district((level) => level.code === 'L1'),
    postalCode: text(address.postal_code),
    countryCode: text(address.region_code),
    phone: text(address.phone_number),
  }
}
