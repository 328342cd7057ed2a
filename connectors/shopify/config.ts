import { z } from 'zod'

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
     * installed the app, so the signature alone does not prove which store sent it.
     */
    shopDomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must look like my-store.myshopify.com')
      .optional(),
  })
  .strict()
export type ShopifyCredentials = z.infer<typeof ShopifyCredentials>
