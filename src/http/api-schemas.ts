/**
 * Schemas the HTTP API's routes share, defined once so `/openapi.json` names each once: the error
 * answers, and the `:channel/:account` path parameters.
 */
import { z } from '@hono/zod-openapi'
import { CHANNEL_IDS } from '../events/index.js'

/** The hub's one 400 shape (src/http/openapi-app.ts, routes/request-body.ts). */
export const Problems = z
  .object({
    error: z.literal('invalid request'),
    problems: z.array(z.string()).openapi({
      description: 'One line per problem, naming where it is: `<where>.<field>: <why>`.',
      example: ['body.url: must be an http(s) URL'],
    }),
  })
  .openapi('Problems')

/** Every other refusal: what went wrong, in words. */
export const ErrorMessage = z.object({ error: z.string() }).openapi('Error')

/** A response with a JSON body. */
export function json<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { 'application/json': { schema } } }
}

export const invalidRequest = json(
  'Invalid input, each problem named; nothing was changed.',
  Problems,
)

export const RETRY_AFTER = z.object({
  'Retry-After': z.string().openapi({ description: 'Seconds to wait before trying again.' }),
})

/**
 * `:channel/:account` of the admin and webhook paths. The channel is documented as the hub's
 * channels but read as any string, so that a route can answer an unknown one in its own words (a
 * 404 at webhook intake, a 400 naming it on the admin API).
 */
export const ChannelAccount = z.object({
  channel: z.string().openapi({
    enum: [...CHANNEL_IDS],
    description: 'A channel the hub knows.',
    example: 'shopify',
  }),
  account: z.string().openapi({
    description: 'An account id from the accounts file (`demo` in the sandbox).',
    example: 'demo',
  }),
})

/** A time as the hub writes it: ISO 8601 in UTC (`Date.toISOString()`). */
export const Timestamp = z.iso.datetime()
