import { shopify } from './shopify/index.js'
import type { ConnectorRegistry } from './types.js'

/** Every channel's connector. Amazon, Walmart and TikTok Shop land with their own issues (#3, #4, #5). */
export const connectors = {
  shopify,
  amazon: null,
  walmart: null,
  'tiktok-shop': null,
} as const satisfies ConnectorRegistry

export { hydrationKey } from './types.js'
export { ChannelApiError, type ChannelApiErrorKind } from './shared/api-error.js'
export type {
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
