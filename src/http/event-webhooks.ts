import { z, type OpenAPIHono } from '@hono/zod-openapi'
import { EVENT_TYPES, eventTypeDefinition } from '../events/index.js'

/** The spec the signature headers follow (src/delivery/sign.ts). */
const STANDARD_WEBHOOKS =
  'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md'

const SignatureHeaders = z.object({
  'webhook-id': z.string().openapi({
    description: "The event's `id`: deduplicate on it (a delivery can come more than once).",
  }),
  'webhook-timestamp': z.string().openapi({
    description: 'When this attempt was signed, in seconds since the Unix epoch.',
    example: '1767225600',
  }),
  'webhook-signature': z.string().openapi({
    description:
      "`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the subscription's secret (the base64 after `whsec_`).",
  }),
})

const DELIVERY = `Sent to every subscription whose \`eventTypes\` match, signed per Standard Webhooks (${STANDARD_WEBHOOKS}) over the exact body bytes; verify with any Standard Webhooks library before trusting it.

Structured content mode (the default): the body is the event in the CloudEvents JSON format (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md), \`content-type: application/cloudevents+json\`. Binary content mode (a subscription's \`contentMode: "binary"\`): the body is the event's \`data\` alone (\`content-type: application/json\`) and the other attributes are \`ce-*\` headers per the CloudEvents HTTP binding (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md): \`ce-specversion\`, \`ce-id\`, \`ce-type\`, \`ce-source\`, \`ce-subject\`, \`ce-time\`, \`ce-dataschema\`, \`ce-recordedat\`, \`ce-channel\`, \`ce-account\`, \`ce-position\`. The \`ce-*\` headers are outside the signature.`

/**
 * One `webhooks` entry per event type, for what the hub POSTs to subscribers: the event's schema
 * as the body, the Standard Webhooks headers and what each answer makes the hub do. The schema is
 * zod's own JSON Schema of the event (draft 2020-12, OpenAPI 3.1's dialect), as in
 * schema/events.v1.json and /v1/schemas/<type>.json, so the document and the published schemas cannot differ, and a change to
 * the contract shows in both.
 */
export function registerEventWebhooks(registry: OpenAPIHono['openAPIRegistry']): void {
  for (const type of EVENT_TYPES) {
    const body = registry.registerComponent('schemas', type, eventTypeDefinition(type))
    registry.registerWebhook({
      method: 'post',
      path: type,
      tags: ['Events'],
      summary: `${type} to a subscriber`,
      description: DELIVERY,
      request: {
        headers: SignatureHeaders,
        body: {
          required: true,
          content: {
            'application/cloudevents+json': { schema: body.ref },
          },
        },
      },
      responses: {
        '2XX': { description: 'Accepted: the delivery is done.' },
        410: { description: 'Gone: the hub disables the subscription and sends it nothing more.' },
        default: {
          description:
            'Anything else (or no answer in time) is retried with exponential backoff and jitter, honouring `Retry-After`, until the attempts run out.',
        },
      },
    })
  }
}
