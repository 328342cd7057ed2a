import { z } from 'zod'
import { ChannelId } from './channel.js'
import { DATA_CONTENT_TYPE } from './wire.js'

const IsoTime = z.iso.datetime({ offset: true })

/**
 * Builds the schema of one event type. Every event shares this envelope: a CloudEvents 1.0 event
 * in the JSON format (`id`, `type`, `specversion`, `source`, `subject`, `time`, `datacontenttype`,
 * `dataschema`, `data`) whose extension attributes are `recordedat`, `channel`, `account` and
 * `position`, and, while the hub traces, `traceparent` and `tracestate` (the distributed tracing
 * extension). CloudEvents attribute names are lower-case letters and digits only
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#naming-conventions),
 * so `recordedAt` is kept for one version only, as a deprecated alias of `recordedat`.
 *
 * `datacontenttype`, `dataschema` and `recordedat` came after the 0.1.0 contract
 * (schema/released/0.1.0.json). They are optional here although the hub always sends them (see
 * wire.ts), so that events recorded before them stay valid: the contract only ever adds.
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
      /** Always `application/json`: the media type of `data`. */
      datacontenttype: z
        .literal(DATA_CONTENT_TYPE)
        .optional()
        .meta({ description: 'Media type of data; always application/json' }),
      /** `<HUB_PUBLIC_URL>/v1/schemas/<type>.json`: this type's JSON Schema, served by the hub. */
      dataschema: z
        .url({ protocol: /^https?$/ })
        .optional()
        .meta({
          description: "Absolute URL of this event type's JSON Schema",
          examples: ['https://hub.example.com/v1/schemas/order.created.v1.json'],
        }),
      /** When the hub recorded the event (ISO 8601). */
      recordedat: IsoTime.optional().meta({ description: 'When the hub recorded the event' }),
      /** Deprecated: the same value as `recordedat`, under a name CloudEvents does not allow. */
      recordedAt: IsoTime.meta({
        deprecated: true,
        description: 'Deprecated alias of recordedat; removed in the next version',
      }),
      /** Channel id of `source` (`hub` for the hub's own inventory events, see `EventOrigin`). */
      channel: origin,
      /** Configured account id of `source`. */
      account: z.string().min(1),
      /**
       * The W3C trace context of the step that created the event (the CloudEvents distributed
       * tracing extension), present only when the hub traces (OpenTelemetry): a consumer that
       * traces continues the webhook's trace from it.
       */
      traceparent: z
        .string()
        .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
        .optional()
        .meta({
          description:
            'W3C trace context of its creation (distributed tracing); while the hub traces',
          examples: ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
        }),
      /** Vendor trace state that goes with `traceparent` (W3C `tracestate`), when there is any. */
      tracestate: z
        .string()
        .optional()
        .meta({ description: 'W3C tracestate going with traceparent, if any' }),
      /** Feed position: gap-free, strictly increasing in commit order. Absent only before the relay has assigned it. */
      position: z.number().int().positive().optional(),
      data,
    })
    .strict()
}
