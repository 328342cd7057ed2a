/**
 * The one seller the Amazon emulator serves: the connector's published sandbox account
 * (connectors/amazon/index.ts `sandboxCredentials`), so the emulator accepts exactly what the
 * hub's sandbox account sends, and the ids the emulator derives from an internal SKU.
 */
import { createHash } from 'node:crypto'
import { amazon } from '../../../connectors/amazon/index.js'

// The base URL only shapes the API URLs, which the emulator does not use.
const published = amazon.sandboxCredentials('http://127.0.0.1')

function apiKeyOf(credentials: typeof published): { header: string; value: string } {
  const header = credentials.staticHeader
  const first = header?.values[0]
  if (header === undefined || first === undefined || !('apiKey' in first)) {
    throw new Error('the Amazon sandbox credentials must publish an API key header')
  }
  return { header: header.name, value: first.apiKey }
}

export const SELLER = {
  sellerId: published.sellerId,
  /** The marketplaces the seller sells in; the first is where orders are placed. */
  marketplaceIds: published.marketplaceIds,
  lwa: published.lwa,
  /** What the EventBridge connection adds to every post (channels.md §2 A1 (a)). */
  apiKey: apiKeyOf(published),
} as const

/** The marketplace orders are placed in (the sandbox's US marketplace, ATVPDKIKX0DER). */
export const ORDER_MARKETPLACE = SELLER.marketplaceIds[0] ?? 'ATVPDKIKX0DER'

/** The only fulfillment channel code the emulator lists SKUs under: merchant-fulfilled. */
export const MFN_CHANNEL_CODE = 'DEFAULT'

function digest(sku: string): Buffer {
  return createHash('sha256').update(sku, 'utf8').digest()
}

/** A stable ASIN-shaped id (`B0` + 8 base-36 characters) for a SKU. */
export function asinOf(sku: string): string {
  const n = digest(sku).readBigUInt64BE(0)
  return `B0${n.toString(36).toUpperCase().padStart(8, '0').slice(-8)}`
}

/** A stable unit price in cents for a SKU: 5.00 to 99.99 USD. */
export function unitPriceCents(sku: string): number {
  return 500 + (digest(sku).readUInt32BE(0) % 9_500)
}

/** Cents as Amazon writes an amount: a decimal string with two places ("19.99"). */
export function decimalAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}
