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
 * - personal-data.ts: the keys under which the channel's bodies carry buyer personal data
 *   (redaction after age and erasure, shared/personal-data.ts; docs/operations.md "Personal data");
 * - <channel>.test.ts: the channel's tests, through index.ts, with the cases every recorded
 *   fixture must pass (test/helpers/normalizer-cases.ts).
 * A file only one channel has says why in its first line.
 */
import { amazon } from './amazon/index.js'
import { shopify } from './shopify/index.js'
import { tiktokShop } from './tiktok-shop/index.js'
import { walmart } from './walmart/index.js'
import type { NormalizerRegistry, PersonalDataRegistry } from './types.js'
import { personalData as amazonPersonalData } from './amazon/personal-data.js'
import { personalData as shopifyPersonalData } from './shopify/personal-data.js'
import { personalData as tiktokShopPersonalData } from './tiktok-shop/personal-data.js'
import { personalData as walmartPersonalData } from './walmart/personal-data.js'

export const normalizers = {
  shopify,
  amazon,
  walmart,
  'tiktok-shop': tiktokShop,
} as const satisfies NormalizerRegistry

/** Where each channel's bodies carry buyer personal data (<channel>/personal-data.ts). */
export const personalData = {
  shopify: shopifyPersonalData,
  amazon: amazonPersonalData,
  walmart: walmartPersonalData,
  'tiktok-shop': tiktokShopPersonalData,
} as const satisfies PersonalDataRegistry

export type {
  ChannelNormalizer,
  NormalizeInput,
  NormalizeResult,
  NormalizerRegistry,
  Observation,
  PersonalDataFields,
} from './types.js'
export { REDACTED, redactBody, scrubBody, scrubJson, scrubText } from './shared/personal-data.js'
export { decodeJsonBody, parseJsonBody } from '../src/json.js'
