import { amazon } from './amazon.js'
import { shopify } from './shopify.js'
import { tiktokShop } from './tiktok-shop.js'
import { walmart } from './walmart.js'
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
