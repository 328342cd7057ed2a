import { z } from 'zod'

const nonEmpty = z.string().min(1, 'must not be empty')
/** HTTP header names are matched case-insensitively; stored lower-cased. */
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase())

/**
 * How Walmart authenticates the webhooks of one subscription (`authDetails.authMethod` when it was
 * created), plus the signed "performance webhooks" family. Facts: channels.md §3 A2.
 */
export const WalmartWebhookAuth = z.discriminatedUnion('method', [
  z
    .object({
      /** `authHeaderName` carries `Basic base64(userName:password)`. */
      method: z.literal('BASIC_AUTH'),
      headerName: headerName.default('authorization'),
      /** Accepted user/password pairs, newest first (rotation). */
      users: z
        .array(z.object({ userName: nonEmpty, password: nonEmpty }).strict())
        .min(1, 'list at least one user'),
    })
    .strict(),
  z
    .object({
      /** `authHeaderName` carries HMAC-SHA256 of the raw body keyed with the client secret. */
      method: z.literal('HMAC'),
      headerName,
      /** Secrets, newest first; any one verifies. */
      secrets: z.array(nonEmpty).min(1, 'list at least one secret'),
      /** The digest's encoding is not confirmed by a primary source (channels.md §3 A2): accept either by default. */
      encoding: z.enum(['hex', 'base64', 'either']).default('either'),
    })
    .strict(),
  z
    .object({
      /**
       * Walmart first gets a token from the hub's `POST /webhooks/walmart/<account>/oauth/token`
       * (client credentials, HTTP Basic), then sends `authHeaderName: Bearer <token>`.
       */
      method: z.literal('OAUTH'),
      headerName: headerName.default('authorization'),
      /** Client credentials Walmart presents to the token endpoint, newest first (rotation). */
      clients: z
        .array(z.object({ clientId: nonEmpty, clientSecret: nonEmpty }).strict())
        .min(1, 'list at least one client'),
      /** Lifetime of the tokens the hub issues. */
      tokenTtlSeconds: z.number().int().min(60).max(86_400).default(900),
    })
    .strict(),
  z
    .object({
      /**
       * Performance webhooks: `WM_SEC.SIGNATURE` = base64 HMAC-SHA256 over method, path and query,
       * `WM_SEC.TIMESTAMP` and the hex SHA-256 of the body; `WM_SEC.KEY_ID` names the secret.
       */
      method: z.literal('SIGNED'),
      /** Secrets by key id, newest first; a request naming a key id is checked with that one only. */
      secrets: z
        .array(z.object({ keyId: nonEmpty.optional(), secret: nonEmpty }).strict())
        .min(1, 'list at least one secret'),
      /** The signed timestamp may be this far from now; Walmart's own window is unconfirmed. */
      replayWindowSeconds: z.number().int().positive().default(300),
    })
    .strict(),
])
export type WalmartWebhookAuth = z.infer<typeof WalmartWebhookAuth>

/** Per-account configuration of one Walmart Marketplace seller account. */
export const WalmartCredentials = z
  .object({
    /**
     * Every authentication the account's subscriptions use (one subscription may use Basic and
     * another OAuth). A webhook is checked with the mode whose header it carries.
     */
    webhookAuth: z
      .array(WalmartWebhookAuth)
      .min(1, 'list at least one authentication mode')
      .refine(
        (modes) => new Set(modes.map((m) => m.method)).size === modes.length,
        'each method at most once',
      ),
    /** The seller's partner id; when set, a webhook whose `payload.partnerId` differs is refused. */
    partnerId: z.string().regex(/^\d+$/, 'digits only, as a string').optional(),
    /** API client credentials (Developer Portal), for the Orders and Inventory APIs. */
    clientId: nonEmpty,
    clientSecret: nonEmpty,
    /** Marketplace API host; the sandbox points it at the local emulator. */
    apiBaseUrl: z.url().default('https://marketplace.walmartapis.com'),
    /** `WM_SVC.NAME` sent with every API call. */
    serviceName: nonEmpty.default('Walmart Marketplace'),
    /** `WM_CONSUMER.CHANNEL.TYPE`, when Walmart assigned the integration one. */
    channelType: nonEmpty.optional(),
    /** Client-side pacing per API: Walmart documents no per-minute limit for these calls (unconfirmed), so this is conservative. */
    rateLimitPerSecond: z.number().positive().default(5),
    /** Whole-request deadline for one API call. */
    requestTimeoutMs: z.number().int().positive().default(10_000),
  })
  .strict()
export type WalmartCredentials = z.infer<typeof WalmartCredentials>
