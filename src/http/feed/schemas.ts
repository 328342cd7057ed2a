import { z } from '@hono/zod-openapi'
import { ErrorMessage, RETRY_AFTER, json } from '../api-schemas.js'
import { refinePattern } from '../../subscriptions/event-filter.js'

/** A feed position as a client sends it (a query value or `Last-Event-ID`): digits, bigint-sized. */
export const FeedPositionText = z
  .string()
  .regex(/^\d{1,18}$/, 'must be a feed position (a non-negative integer)')

/** Sent by an EventSource when it reconnects: the `id` of the last event it received. */
export const LastEventId = FeedPositionText.optional().openapi({
  description:
    'The last position received, as an EventSource sends it on reconnecting; wins over `after`.',
})

/** Comma-separated type filters (`order.*,inventory.changed.v1`); one matching no event type is a typo. */
export const TypePatternsText = z
  .string()
  .optional()
  .transform((s) =>
    s
      ? s
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : [],
  )
  .superRefine((types, ctx) => {
    for (const t of types) refinePattern(t, ctx)
  })
  .openapi({
    type: 'string',
    description: 'Comma-separated event types or patterns ending in `.*`; absent: every type.',
    example: 'order.*,inventory.changed.v1',
  })

/** An event as the feed and the streams carry it; its fields per type are in docs/events.md. */
export const WireEventSchema = z
  .looseObject({
    id: z.string(),
    type: z.string(),
    specversion: z.literal('1.0'),
    source: z.string(),
    subject: z.string(),
    time: z.string(),
    channel: z.string(),
    account: z.string(),
    position: z.int().min(1),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('WireEvent')
export type WireEvent = z.infer<typeof WireEventSchema>

export const FeedPageBody = z
  .object({
    events: z.array(WireEventSchema),
    next: z.string().openapi({
      description: 'The position to pass as `after` for the following page.',
      example: '1042',
    }),
  })
  .openapi('FeedPage')

/** Server-Sent Events: `retry:`, then `id:` (position), `event:` (type), `data:` (the event) per event. */
export const eventStream = {
  description:
    'text/event-stream: `retry: 2000`, then per event `id: <position>`, `event: <type>`, `data: <event JSON>`; `: heartbeat` comments while idle',
  content: { 'text/event-stream': { schema: z.string() } },
}

export const tooManyStreams = {
  ...json(
    'STREAM_MAX_CONNECTIONS streams are open in this process, or it is shutting down; `retry-after` says when to try again',
    ErrorMessage,
  ),
  headers: RETRY_AFTER,
}

/** 410: positions after the requested one were dropped by retention (src/http/feed/wire.ts, `feedGone`). */
export const feedGoneAnswer = json(
  'Positions after the one asked for were dropped by retention (RETENTION_OUTBOX_DAYS); `oldest` is the oldest available position',
  ErrorMessage.extend({ oldest: z.int() }).openapi('FeedGone'),
)
