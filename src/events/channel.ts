import { z } from 'zod'

/** The marketplaces the hub speaks to. Adding one here makes every channel registry fail the type check until it is implemented. */
export const CHANNEL_IDS = ['shopify', 'amazon', 'walmart', 'tiktok-shop'] as const

/** One of {@link CHANNEL_IDS}. */
export const ChannelId = z.enum(CHANNEL_IDS)
export type ChannelId = z.infer<typeof ChannelId>
