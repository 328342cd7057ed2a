/**
 * Amazon stock: a listing's unit is the seller SKU at one fulfillment channel code (`DEFAULT` =
 * merchant-fulfilled), in the account's marketplaces unless the unit names its own (channels.md
 * §2 B3). Writes are absolute `merge` patches of `fulfillment_availability`; Amazon documents no
 * compare-and-set and no idempotency key (channels.md §2 B1), so `expected` and `idempotencyKey`
 * are not sent: resending an absolute level is safe. An ACCEPTED patch is only queued at Amazon
 * and shows minutes later (channels.md §2 B1, selling-partner-api-docs #2167), hence `queued`.
 */
import { z } from 'zod'
import { ChannelApiError } from '../shared/api-error.js'
import { HUB_MAX_QUANTITY } from '../shared/quantity-range.js'
import type { StockSupport } from '../types.js'
import type { AmazonClient } from './client.js'
import type { AmazonCredentials } from './config.js'
import { MAX_FEED_MESSAGES } from './feeds.js'
import { FEED_GATHER } from '../shared/feed-wait.js'

const nonEmpty = z.string().min(1, 'must not be empty')

export const AmazonUnit = z
  .object({
    sellerSku: nonEmpty,
    /** `DEFAULT` (merchant-fulfilled) or another code of the listing's `fulfillment_availability`. */
    fulfillmentChannelCode: nonEmpty.default('DEFAULT'),
    /** Where to write; absent: the account's `marketplaceIds`. Reads use the first. */
    marketplaceIds: z.array(nonEmpty).min(1, 'list at least one marketplace').optional(),
    /** The listing's product type for the patch body; absent: the client's default (`PRODUCT`). */
    productType: nonEmpty.optional(),
  })
  .strict()
export type AmazonUnit = z.infer<typeof AmazonUnit>

/** The channel code a report without one is about: the MFN notification always names one. */
const DEFAULT_CHANNEL_CODE = 'DEFAULT'

export const amazonStock: StockSupport<AmazonCredentials, AmazonUnit, AmazonClient> = {
  unit: AmazonUnit,
  // The seller SKU alone names the merchant-fulfilled offer in every marketplace of the account.
  defaultUnit: (sku) => ({ sellerSku: sku, fulfillmentChannelCode: DEFAULT_CHANNEL_CODE }),
  // No marketplace in the key: LISTINGS_ITEM_MFN_QUANTITY_CHANGE names none (channels.md §2 A5),
  // so a report could not be matched to a key that had one.
  unitKey: (unit) => `${unit.sellerSku}@${unit.fulfillmentChannelCode}`,
  // normalizers/amazon/listing.ts puts the MFN report's FulfillmentChannelCode in `locationId`.
  // FBA reports say `AMAZON` there (one location for the whole network), which matches no
  // pushable unit: FBA quantity is Amazon's, not the seller's (channels.md §2 B1).
  reportedUnitKey: (ref) =>
    ref.sellerSku === null
      ? undefined
      : `${ref.sellerSku}@${ref.locationId ?? DEFAULT_CHANNEL_CODE}`,
  channelSku: (unit) => unit.sellerSku,
  /** patchListingsItem's usage plan: rate 5/s, burst 5 (channels.md §2 B2). */
  pushRate: { max: 5, durationMs: 1_000 },
  /**
   * SP-API is not known to send Retry-After on 429 (unconfirmed, channels.md §2 B2); the client
   * derives its own wait from `x-amzn-RateLimit-Limit` where sent. Without either, pause 1 s.
   */
  throttlePauseMs: 1_000,
  /**
   * `FulfillmentAvailability.quantity` has `minimum: 0` and no maximum
   * (repo:amzn/selling-partner-api-models models/listings-items-api-model/listingsItems_2021-08-01.json);
   * the product type definitions ask for "a whole number". A maximum is undocumented, so the
   * bound is the largest quantity the hub stores.
   */
  quantityRange: { min: 0, max: HUB_MAX_QUANTITY },

  async write(client, unit, write) {
    await client.setStock({
      sku: unit.sellerSku,
      quantity: write.quantity,
      fulfillmentChannelCode: unit.fulfillmentChannelCode,
      ...(unit.productType === undefined ? {} : { productType: unit.productType }),
      ...(unit.marketplaceIds === undefined ? {} : { marketplaceIds: unit.marketplaceIds }),
    })
    return { status: 'queued', quantity: write.quantity }
  },

  /**
   * JSON_LISTINGS_FEED (feeds.ts). `maxItems`: the messages one feed takes; a unit naming two
   * marketplaces is one message in each marketplace's feed. `minItems`: createFeed allows one
   * feed per 2 min (api-call.ts DEFAULT_RATE_LIMITS), in which single patches at 5/s send 600;
   * fewer than that go out sooner, and without a feed's minutes of processing, as single writes.
   * A processed message is `applied`: the report is Amazon's word that it was.
   */
  bulk: {
    maxItems: MAX_FEED_MESSAGES,
    minItems: 600,
    gather: FEED_GATHER,
    async writeMany(client, items) {
      const results = await client.setStockMany(
        items.map(({ unit, write }) => ({
          sku: unit.sellerSku,
          quantity: write.quantity,
          fulfillmentChannelCode: unit.fulfillmentChannelCode,
          ...(unit.productType === undefined ? {} : { productType: unit.productType }),
          ...(unit.marketplaceIds === undefined ? {} : { marketplaceIds: unit.marketplaceIds }),
        })),
      )
      return items.map(({ key, write }, i) => {
        const result = results[i]!
        if (result.ok) return { key, ok: true, status: 'applied', quantity: write.quantity }
        const error = new ChannelApiError(
          'permanent',
          `Amazon sku ${items[i]!.unit.sellerSku}: ${result.reason}`,
          result.code === undefined ? {} : { code: result.code },
        )
        return { key, ok: false, error }
      })
    },
  },

  async read(client, unit) {
    try {
      const listing = await client.getListingQuantity({
        sku: unit.sellerSku,
        ...(unit.marketplaceIds?.[0] === undefined
          ? {}
          : { marketplaceId: unit.marketplaceIds[0] }),
      })
      return listing.quantities[unit.fulfillmentChannelCode] ?? null
    } catch (err) {
      if (isUnknownSku(err)) return null
      throw err
    }
  },
}

/**
 * getListingsItem answers 404 `NOT_FOUND` "SKU '…' not found in marketplace …" for a SKU the
 * seller does not list there (repo:jrl84/amazon-sp-api issue #176,
 * repo:amzn/selling-partner-api-models issue #4283). Any other 404 (a wrong base URL) stays an
 * error: it says nothing about the listing.
 */
function isUnknownSku(err: unknown): boolean {
  return (
    err instanceof ChannelApiError && err.details.status === 404 && err.details.code === 'NOT_FOUND'
  )
}
