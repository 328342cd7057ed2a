import { amazon } from './amazon/index.js'
import { shopify } from './shopify/index.js'
import { tiktokShop } from './tiktok-shop/index.js'
import { walmart } from './walmart/index.js'
import type { NormalizerRegistry } from './types.js'

export const normalizers = {
  shopify,
  amazon,
  walmart,
  'tiktok-shop': tiktokShop,
} as const satisfies NormalizerRegistry

export type {
  ChannelNormalizer,
  NormalizeInput,
  NormalizeResult,
  NormalizerRegistry,
  Observation,
} from './types.js'
export { decodeJsonBody, parseJsonBody } from '../src/json.js'
