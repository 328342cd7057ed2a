import { z } from 'zod'
import { ChannelId } from './channel.js'

const IsoTime = z.iso.datetime({ offset: true })

/**
 * Builds the schema of one event type. Every event shares this envelope, whose field names follow
 * CloudEvents 1.0 where CloudEvents has one (`id`, `type`, `specversion`, `source`, `subject`,
 * `time`); `channel`, `account`, `recordedAt` and `position` are extension attributes.
 */
export function defineEvent<
  const T extends string,
  D extends z.ZodType,
  O extends z.ZodType<string> = typeof ChannelId,
>(type: T, data: D, origin: O = ChannelId as unknown as O) {
  return z
    .object({
      /** Deterministic id; equals the outbound `webhook-id`, so subscribers dedupe on it. */
      id: z.string().min(1),
      /** `<entity>.<past-tense verb>.v<major>`. */
      type: z.literal(type),
      /** CloudEvents spec version, always "1.0". */
      specversion: z.literal('1.0'),
      /** `/<channel>/<account>`: where the fact was observed (`/hub/inventory` for the hub's own). */
      source: z.string().min(1),
      /** What the event is about: `order/<external id>` or `sku/<sku>`. */
      subject: z.string().min(1),
      /** When it happened at the channel (ISO 8601 with offset); the hub's receive time if the channel gave none. */
      time: IsoTime,
      /** When the hub recorded the event (ISO 8601). */
      recordedAt: IsoTime,
      /** Channel id of `source` (`hub` for the hub's own inventory events, see `EventOrigin`). */
      channel: origin,
      /** Configured account id of `source`. */
      account: z.string().min(1),
      /** Feed position: gap-free, strictly increasing in commit order. Absent only before the relay has assigned it. */
      position: z.number().int().positive().optional(),
      data,
    })
    .strict()
}
