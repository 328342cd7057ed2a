import { z } from 'zod'

// The API settings below are optional in the parsed value and their defaults are applied where
// they are used (`shopifyApiSettings`), so an account configured for webhooks only parses to
// exactly what was written.

/**
 * GraphQL Admin API version used when an account names none. At least 2026-04: from that version
 * `changeFromQuantity` must be sent with every quantity of `inventorySetQuantities` and the
 * `@idempotent` directive is mandatory for inventory mutations, which is how the client calls
 * them (channels.md §1 B1).
 */
export const DEFAULT_API_VERSION = '2026-10'
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/** Per-account configuration of a Shopify store. */
export const ShopifyCredentials = z
  .object({
    /**
     * The app's client secrets, newest first. Webhooks signed with any of them pass, so a rotated
     * secret can stay listed until Shopify stops using it (it has been seen for ~30 minutes after
     * revocation: Shopify/shopify-app-js#3183).
     */
    webhookSecrets: z
      .array(z.string().min(1, 'must not be empty'))
      .min(1, 'list at least one secret'),
    /**
     * The store's `*.myshopify.com` domain. When set, a webhook whose `X-Shopify-Shop-Domain`
     * names another store is refused: one app secret signs webhooks for every store that
     * installed the app, so the signature alone does not prove which store sent it. It is also
     * the API host unless `apiBaseUrl` says otherwise.
     */
    shopDomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must look like my-store.myshopify.com')
      .optional(),
    /**
     * Admin API access token (`shpat_…`), sent as `X-Shopify-Access-Token`. Optional so that an
     * account that only receives webhooks needs none; a stock push for such an account fails
     * with a clear error instead.
     */
    accessToken: z.string().min(1, 'must not be empty').optional(),
    /**
     * GraphQL Admin API version; default {@link DEFAULT_API_VERSION}. Versions before 2026-04 are
     * refused: the client's request shape (`changeFromQuantity`, `@idempotent`) is 2026-04's.
     */
    apiVersion: z
      .string()
      .regex(/^\d{4}-(01|04|07|10)$/, 'must be a Shopify API version such as 2026-10')
      .refine((v) => v >= '2026-04', 'must be 2026-04 or later (changeFromQuantity, @idempotent)')
      .optional(),
    /** API origin; default `https://<shopDomain>`. The sandbox points it at the local emulator. */
    apiBaseUrl: z.url().optional(),
    /** Whole-request deadline for one API call; default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
    requestTimeoutMs: z.number().int().positive().optional(),
    /**
     * Send the quantity the hub expects Shopify to hold as `changeFromQuantity`, so a write based
     * on stale knowledge fails (`CHANGE_FROM_QUANTITY_STALE`) instead of overwriting a change made
     * at Shopify. False sends an explicit null, which opts out of the check. Default true.
     */
    compareAndSet: z.boolean().optional(),
  })
  .strict()
export type ShopifyCredentials = z.infer<typeof ShopifyCredentials>

/** The API settings of an account with their defaults applied. */
export interface ShopifyApiSettings {
  /** `https://<shop>/admin/api/<version>/graphql.json`; undefined when neither `apiBaseUrl` nor `shopDomain` is set. */
  readonly endpoint: string | undefined
  /** `https://<shop>/admin/api/<version>`, under which the REST resources are; undefined likewise. */
  readonly restBase: string | undefined
  readonly apiVersion: string
  readonly accessToken: string | undefined
  readonly requestTimeoutMs: number
  readonly compareAndSet: boolean
}

export function shopifyApiSettings(credentials: ShopifyCredentials): ShopifyApiSettings {
  const apiVersion = credentials.apiVersion ?? DEFAULT_API_VERSION
  const origin =
    credentials.apiBaseUrl?.replace(/\/+$/, '') ??
    (credentials.shopDomain === undefined ? undefined : `https://${credentials.shopDomain}`)
  const restBase = origin === undefined ? undefined : `${origin}/admin/api/${apiVersion}`
  return {
    endpoint: restBase === undefined ? undefined : `${restBase}/graphql.json`,
    restBase,
    apiVersion,
    accessToken: credentials.accessToken,
    requestTimeoutMs: credentials.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    compareAndSet: credentials.compareAndSet ?? true,
  }
}
