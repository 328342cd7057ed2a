/**
 * The normalizer of every channel. Each channel is a folder whose index.ts is its only entry, with
 * the same file for the same role wherever the channel has that role:
 * - index.ts: the normalizer, a `byTopic` table (shared/dispatch.ts) from topic to handler;
 * - order.ts: an order record (fetched, or Shopify's payload) → OrderSnapshot;
 * - order-webhooks.ts: the handlers of thin order webhooks, which fetch the order first;
 * - order-sync.ts: an order the hub read from the channel's order list (topic hub.order-sync),
 *   where it needs a handler of its own (Shopify's list gives its webhook's payload);
 * - order-return.ts: a refund or return → OrderReturned data;
 * - listing.ts: stock and listing webhooks → `inventory-level` and `listing-status`;
 * - address.ts: the channel's address → PostalAddress;
 * - shared.ts: the helpers the channel's mappings share;
 * - <channel>.test.ts: the channel's tests, through index.ts, with the cases every recorded
 *   fixture must pass (test/helpers/normalizer-cases.ts).
 * A file only one channel has says why in its first line.
 */
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
