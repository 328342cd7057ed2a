import { z } from 'zod'

/** The marketplaces the hub speaks to. Adding one here makes every channel registry fail the type check until it is implemented. */
export const CHANNEL_IDS = ['shopify', 'amazon', 'walmart', 'tiktok-shop'] as const

/** One of {@link CHANNEL_IDS}. */
export const ChannelId = z.enum(CHANNEL_IDS)
export type ChannelId = z.infer<typeof ChannelId>

/**
 * Where an event comes from: a channel, or `hub` for facts the hub itself establishes (an on-hand
 * level set through its API, a reconciliation). Used by the inventory events only, so order
 * events keep their `ChannelId`.
 */
export const EventOriginId = z.union([ChannelId, z.literal('hub')])
export type EventOriginId = z.infer<typeof EventOriginId>
