import { z } from 'zod'

const nonEmpty = z.string().min(1, 'must not be empty')

/** Per-account configuration of one TikTok Shop shop, reached through one Partner Center app. */
export const TikTokShopCredentials = z
  .object({
    /** The app's key; webhook signatures cover it, API calls carry it as `app_key`. */
    appKey: nonEmpty,
    /**
     * The app's secrets, newest first. A webhook signed with any of them passes (TikTok documents
     * no rotation, so a replaced secret can stay listed while deliveries drain); API calls are
     * signed with the first.
     */
    appSecrets: z.array(nonEmpty).min(1, 'list at least one secret'),
    /**
     * The shop's id as webhooks carry it (`shop_id`). When set, a webhook for another shop is
     * refused: one app's secret signs webhooks for every shop that authorized the app.
     */
    shopId: z.string().regex(/^\d+$/, 'digits only, as a string').optional(),
    /** The seller's access token for API calls (`x-tts-access-token`). */
    accessToken: nonEmpty,
    /** Selects the shop in API calls (from Get Authorized Shops). */
    shopCipher: nonEmpty,
    /** Open API host; the sandbox points it at the local emulator. */
    apiBaseUrl: z.url().default('https://open-api.tiktokglobalshop.com'),
    /**
     * A webhook whose body `timestamp` is older than this is refused as stale. TikTok signs no
     * timestamp and retries for about 15 hours (channels.md §4 A3), so the default, 24 hours,
     * never refuses a genuine retry; the inbox dedupe key is the replay defence within it.
     */
    maxNotificationAgeSeconds: z.number().int().positive().default(86_400),
    /** Client-side pacing per API and shop: 50 requests/s is TikTok's documented default (channels.md §4 B2). */
    rateLimitPerSecond: z.number().positive().default(50),
    /** Whole-request deadline for one API call. */
    requestTimeoutMs: z.number().int().positive().default(10_000),
  })
  .strict()
export type TikTokShopCredentials = z.infer<typeof TikTokShopCredentials>
