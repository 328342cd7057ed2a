import { z } from '@hono/zod-openapi'
import type { RedisClient } from '../../redis-client.js'
import type { Kysely } from 'kysely'
import { eraseBuyer, emailHash } from '../../admin/index.js'
import type { Clock } from '../../clock.js'
import type { Database } from '../../db/schema.js'
import { ChannelId } from '../../events/index.js'
import type { Queues } from '../../queues/index.js'
import { adminRoute } from '../admin-route.js'
import { ErrorMessage, RETRY_AFTER, json } from '../api-schemas.js'
import { actorOf } from '../middleware/audit.js'
import { redisRequired } from '../middleware/redis-required.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'

const ErasureRequest = z
  .object({
    email: z.email({ error: 'must be an e-mail address' }).optional().openapi({
      description:
        "The buyer's e-mail: every order whose snapshot names it (case-insensitive), on any channel.",
      example: 'ava.reed@example.com',
    }),
    order: z
      .object({
        channel: ChannelId,
        account: z.string().min(1).openapi({ example: 'demo' }),
        id: z.string().min(1).openapi({ description: "The channel's order id." }),
      })
      .strict()
      .optional()
      .openapi({ description: 'One order, by its channel account and id.' }),
  })
  .strict()
  .refine((b) => (b.email === undefined) !== (b.order === undefined), {
    error: 'give exactly one of `email` and `order`',
  })

const ErasureAnswer = z
  .object({
    erasureId: z.string(),
    orders: z
      .array(z.object({ channel: z.string(), account: z.string(), id: z.string() }))
      .openapi({ description: 'The orders found; empty when nothing matched (nothing changed).' }),
    changed: z
      .object({
        inbox_message: z.number().int(),
        sales_order: z.number().int(),
        outbox_event: z.number().int(),
        delivery_attempt: z.number().int(),
        audit_log: z.number().int(),
        redis_inbound_jobs: z.number().int(),
      })
      .openapi({
        description: 'Rows changed per table, and failed inbound jobs rewritten in Redis.',
      }),
  })
  .openapi('Erasure')

const erase = adminRoute({
  method: 'post',
  operationId: 'eraseBuyer',
  path: '/',
  tags: ['Admin'],
  summary: "Erase a buyer's personal data",
  description:
    'Finds the buyer\'s orders (by e-mail, or one order by id) and replaces their personal data with `[redacted]` everywhere the hub stores it: stored webhooks (bodies and headers; they can no longer be replayed), order snapshots, order events (every other field kept), delivery attempts, audit entries, failed inbound jobs in Redis. Nothing matching is not an error: the answer lists no orders and the request is recorded all the same. The request is recorded in the erasure log with the e-mail hashed; its body is not kept in the audit log. See docs/operations.md, "Personal data".',
  request: {
    body: { required: true, content: { 'application/json': { schema: ErasureRequest } } },
  },
  responses: {
    200: json('What was found and changed.', ErasureAnswer),
    503: {
      ...json(
        'Redis is unreachable: failed jobs there may hold the bodies, so nothing was changed; try again.',
        ErrorMessage.extend({ redis: z.string() }),
      ),
      headers: RETRY_AFTER,
    },
  },
})

/** `POST /v1/admin/erasures`: erase one buyer's personal data (src/admin/erasure.ts). */
export function adminErasureRoutes(deps: {
  readonly db: Kysely<Database>
  readonly clock: Clock
  readonly queues: Queues
  readonly redis: { readonly producer: RedisClient }
}) {
  const app = openApiRoutes()
  // Failed inbound jobs are rewritten inside the erasure's transaction: without Redis the request
  // would hold its row locks while BullMQ waits for a connection.
  app.use('*', redisRequired(deps.redis.producer))
  app.openapi(erase, async (c) => {
    const input = c.req.valid('json')
    const request = input.email !== undefined ? { email: input.email } : { order: input.order! }
    const result = await eraseBuyer(
      deps,
      request,
      actorOf(c.req.header('authorization'), c.req.header('x-admin-actor')),
    )
    // The audit log keeps what was asked without the e-mail itself (its body is withheld).
    c.set('auditDetails', {
      ...(input.email !== undefined ? { emailSha256: emailHash(input.email) } : {}),
      ...(input.order ? { order: input.order } : {}),
      erasureId: result.erasureId,
      orders: result.orders.length,
      changed: result.changed,
    })
    return jsonAnswers(erase)(c, result, 200)
  })
  return app
}
