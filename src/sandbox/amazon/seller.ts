/**
 * The seller an Amazon emulator serves, and the ids the emulator derives from an internal SKU. By
 * default the seller is the connector's published sandbox account (connectors/amazon/index.ts
 * `sandboxCredentials`), so the emulator accepts exactly what the hub's sandbox account sends;
 * tests may serve a seller of their own (index.ts `createAmazonEmulator({ seller })`).
 */
import { createHash } from 'node:crypto'
import { amazon } from '../../../connectors/amazon/index.js'

export interface AmazonSeller {
  /** The merchant token, as Listings Items paths and notifications name it. */
  readonly sellerId: string
  /** The marketplaces the seller sells in; the first is where orders are placed. */
  readonly marketplaceIds: readonly string[]
  /** The LWA app credentials and the seller's refresh token the token endpoint accepts. */
  readonly lwa: {
    readonly clientId: string
    readonly clientSecret: string
    readonly refreshToken: string
  }
  /** What the EventBridge connection adds to every post (channels.md §2 A1 (a)). */
  readonly apiKey: { readonly header: string; readonly value: string }
}

// The base URL only shapes the API URLs, which the emulator does not use.
const published = amazon.sandboxCredentials('http://127.0.0.1')

function apiKeyOf(credentials: typeof published): AmazonSeller['apiKey'] {
  const header = credentials.staticHeader
  const first = header?.values[0]
  if (header === undefined || first === undefined || !('apiKey' in first)) {
    throw new Error('the Amazon sandbox credentials must publish an API key header')
  }
  return { header: header.name, value: first.apiKey }
}

/** The sandbox's `demo` seller. */
export const SANDBOX_SELLER: AmazonSeller = {
  sellerId: published.sellerId,
  marketplaceIds: published.marketplaceIds,
  lwa: published.lwa,
  apiKey: apiKeyOf(published),
}

/** The marketplace orders are placed in: the seller's first (the sandbox's is ATVPDKIKX0DER). */
export function orderMarketplace(seller: AmazonSeller): string {
  return seller.marketplaceIds[0] ?? 'ATVPDKIKX0DER'
}

/** The fulfillment channel code of the merchant-fulfilled offer, whose quantity is `state.stock`. */
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
