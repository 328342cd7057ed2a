import { shopify } from './shopify/index.js'
import { tiktokShop } from './tiktok-shop/index.js'
import type { ConnectorRegistry } from './types.js'

/** Every channel's connector. Amazon and Walmart land with their own issues (#3, #4). */
export const connectors = {
  shopify,
  amazon: null,
  walmart: null,
  'tiktok-shop': tiktokShop,
} as const satisfies ConnectorRegistry

export { hydrationKey } from './types.js'
export { ChannelApiError, type ChannelApiErrorKind } from './shared/api-error.js'
export type {
  AnyConnector,
  ChannelClient,
  ClientContext,
  Connector,
  Hydrated,
  HydrationNeed,
  ConnectorRegistry,
  InboundRequest,
  VerifiedEnvelope,
  VerifyFailure,
  VerifyOutcome,
} from './types.js'
