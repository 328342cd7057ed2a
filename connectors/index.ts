import { amazon } from './amazon/index.js'
import { shopify } from './shopify/index.js'
import { tiktokShop } from './tiktok-shop/index.js'
import { walmart } from './walmart/index.js'
import type { ConnectorRegistry } from './types.js'

/** Every channel's connector. */
export const connectors = {
  shopify,
  amazon,
  walmart,
  'tiktok-shop': tiktokShop,
} as const satisfies ConnectorRegistry

export { hydrationKey, ORDER_SYNC_TOPIC } from './types.js'
export { ChannelApiError, type ChannelApiErrorKind } from './shared/api-error.js'
export { fitQuantity, type QuantityRange } from './shared/quantity-range.js'
export { currentLane, inLane, LANES, type Lane } from './shared/lanes.js'
export type { RateLimit } from './shared/rate-limit.js'
export type {
  AnyConnector,
  BulkStockItem,
  BulkStockSupport,
  CertificateCheckContext,
  CertificateVerdict,
  ChannelClient,
  ClientContext,
  Connector,
  Hydrated,
  HydrationNeed,
  ConnectorRegistry,
  InboundRequest,
  IssuedToken,
  ListedOrder,
  OrderListing,
  OrderPage,
  OrderWindow,
  RateGate,
  RateGates,
  StockSupport,
  TokenIssuance,
  VerifiedEnvelope,
  VerifyFailure,
  VerifyOutcome,
} from './types.js'
