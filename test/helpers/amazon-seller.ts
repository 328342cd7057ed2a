// The Amazon seller the connector's client and stock tests share: its ids, its LWA app, and the
// hosts its client is pointed at (served by the emulator through msw).
import type { AmazonSeller } from '../../src/sandbox/amazon/index.js'

export const BASE = 'https://sellingpartnerapi-na.amazon.test'
export const LWA_BASE = 'https://api.amazon.test'
export const LWA = {
  clientId: 'amzn1.application-oa2-client.test0001',
  clientSecret: 'amzn1.oa2-cs.v1.test-client-secret-0001',
  refreshToken: 'Atzr|test-refresh-token-0001',
}
export const SELLER = 'A1B2C3D4E5F6G7'
export const US = 'ATVPDKIKX0DER'
export const CA = 'A2EUQ1WTGCTBG2'
/** A rate no test waits on. */
export const FAST = { perSecond: 1_000, burst: 1_000 }

export const TEST_SELLER: AmazonSeller = {
  sellerId: SELLER,
  marketplaceIds: [US, CA],
  lwa: LWA,
  apiKey: { header: 'x-api-key', value: 'k' },
}
