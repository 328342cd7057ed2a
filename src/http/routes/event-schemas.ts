import { createRoute, z } from '@hono/zod-openapi'
import { etag } from 'hono/etag'
import type { Config } from '../../config/index.js'
import {
  dataSchemaPath,
  EVENT_TYPES,
  eventTypeJsonSchema,
  isEventType,
} from '../../events/index.js'
import { openApiRoutes } from '../openapi-app.js'

/**
 * A schema changes only with the hub's version, and then only by additions: a day's caching is
 * safe, and the ETag makes a later check cost a 304.
 */
const CACHE_CONTROL = 'public, max-age=86400'

const EventSchema = z
  .record(z.string(), z.unknown())
  .openapi({ description: "JSON Schema (draft 2020-12) of the event type's wire envelope" })

const NoSuchType = z.object({
  error: z.string().openapi({ example: 'no such event type: order.shipped.v1' }),
  types: z.array(z.string()).openapi({ description: 'Every event type the hub emits' }),
})

// Hono matches a parameter to a whole path segment, so the `.json` suffix is part of it.
const getEventSchema = createRoute({
  method: 'get',
  operationId: 'getEventSchema',
  tags: ['Events'],
  path: '/{file}',
  summary: "One event type's JSON Schema",
  description:
    "What every event's `dataschema` points at: `<type>.json`, the JSON Schema of that type's " +
    'envelope, `$id` its own URL. Public, like the contract it describes.',
  request: {
    params: z.object({
      file: z.string().openapi({ description: '`<type>.json`', example: 'order.created.v1.json' }),
    }),
  },
  responses: {
    200: { description: 'The schema', content: { 'application/json': { schema: EventSchema } } },
    404: {
      description: 'No event type of that name',
      content: { 'application/json': { schema: NoSuchType } },
    },
  },
})

/** `GET /v1/schemas/<type>.json`, each schema built once, identified by its URL under the hub's. */
export function eventSchemaRoutes(deps: { readonly config: Pick<Config, 'http'> }) {
  const { publicUrl } = deps.config.http
  const schemas = new Map(
    EVENT_TYPES.map((type) => [
      type,
      eventTypeJsonSchema(type, `${publicUrl}${dataSchemaPath(type)}`),
    ]),
  )
  const app = openApiRoutes()
  app.use(etag())
  return app.openapi(getEventSchema, (c) => {
    const { file } = c.req.valid('param')
    const type = file.replace(/\.json$/, '')
    if (type === file || !isEventType(type))
      return c.json({ error: `no such event type: ${type}`, types: [...EVENT_TYPES] }, 404)
    return c.json(schemas.get(type)!, 200, { 'cache-control': CACHE_CONTROL })
  })
}
