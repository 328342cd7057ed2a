import { z } from 'zod'

const nonEmpty = z.string().min(1, 'must not be empty')
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase())
const rate = z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) }).strict()

/**
 * The static credential an EventBridge connection (API destination, or Pipes) adds to every
 * request: an API key in a header of its own, HTTP Basic, or a fixed bearer value
 * (channels.md §2 A1 (a)). Listed newest first; any one passes (rotation).
 */
const StaticCredential = z.union([
  z.object({ apiKey: nonEmpty }).strict(),
  z.object({ basic: z.object({ userName: nonEmpty, password: nonEmpty }).strict() }).strict(),
  z.object({ bearer: nonEmpty }).strict(),
])
export type StaticCredential = z.infer<typeof StaticCredential>

/** SP-API regional endpoints (https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints). */
export const SP_API_ENDPOINTS = {
  na: 'https://sellingpartnerapi-na.amazon.com',
  eu: 'https://sellingpartnerapi-eu.amazon.com',
  fe: 'https://sellingpartnerapi-fe.amazon.com',
} as const

/** Per-account configuration of one Amazon seller account (one SP-API authorization). */
export const AmazonCredentials = z
  .object({
    /** Notifications posted by an EventBridge API destination or Pipe carry this header. */
    staticHeader: z
      .object({
        /** `authorization` for Basic and bearer forms; the API key's own header name otherwise. */
        name: headerName.default('authorization'),
        values: z.array(StaticCredential).min(1, 'list at least one credential'),
      })
      .strict()
      .optional(),
    /**
     * Notifications arriving through an SNS HTTPS subscription. Only these topics are accepted
     * (and confirmed); the message signature is checked against Amazon's certificate.
     */
    sns: z
      .object({
        topicArns: z
          .array(
            z
              .string()
              .regex(
                /^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[\w-]+$/,
                'must be an SNS topic ARN',
              ),
          )
          .min(1, 'list at least one topic'),
        /** GET the SubscribeURL of a SubscriptionConfirmation for a listed topic. */
        confirmSubscriptions: z.boolean().default(true),
      })
      .strict()
      .optional(),
    /**
     * What an EventBridge envelope must say: the AWS account that owns the event bus, and the
     * partner event source (`aws.partner/sellingpartnerapi.amazon.com/<account>/<app id>`).
     * Unset fields are not checked.
     */
    eventBridge: z
      .object({
        account: z
          .string()
          .regex(/^\d{12}$/, 'a 12-digit AWS account id')
          .optional(),
        source: nonEmpty.optional(),
      })
      .strict()
      .optional(),
    /** The seller (merchant token); a notification naming another seller is refused. */
    sellerId: nonEmpty,
    /** Marketplaces the account sells in; stock writes are sent for these. */
    marketplaceIds: z.array(nonEmpty).min(1, 'list at least one marketplace'),
    /** Login with Amazon app credentials and the seller's refresh token. */
    lwa: z.object({ clientId: nonEmpty, clientSecret: nonEmpty, refreshToken: nonEmpty }).strict(),
    region: z.enum(['na', 'eu', 'fe']).default('na'),
    /** Overrides the regional SP-API host (the sandbox points it at the local emulator). */
    apiBaseUrl: z.url().optional(),
    lwaTokenUrl: z.url().default('https://api.amazon.com/auth/o2/token'),
    /**
     * Client-side pacing per operation. Defaults are the documented usage plans
     * (channels.md §2 B2): getOrder and getOrderItems 0.5/s burst 30, patchListingsItem 5/s burst 5.
     */
    rateLimits: z
      .object({
        // The order list (api-call.ts DEFAULT_RATE_LIMITS: 0.0167/s burst 20).
        getOrders: rate,
        getOrder: rate,
        getOrderItems: rate,
        patchListingsItem: rate,
        // Feeds API (api-call.ts DEFAULT_RATE_LIMITS): a seller may be granted more.
        createFeedDocument: rate,
        createFeed: rate,
        getFeed: rate,
        getFeedDocument: rate,
      })
      .partial()
      .strict()
      .default({}),
    requestTimeoutMs: z.number().int().positive().default(10_000),
    /**
     * How long before now getOrders' `LastUpdatedBefore` must lie: Amazon's two minutes
     * (order-list.ts). Lower only against an emulator that lists at once (the missed-webhooks
     * simulation compresses a day into a minute).
     */
    orderListSettleMs: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((c) => c.staticHeader !== undefined || c.sns !== undefined, {
    message: 'configure staticHeader (EventBridge API destination / Pipes), sns, or both',
  })
export type AmazonCredentials = z.infer<typeof AmazonCredentials>
