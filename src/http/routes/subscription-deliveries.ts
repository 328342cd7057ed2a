import { z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import { listAttemptsOf, listSubscriptionDeliveries } from '../../db/repos/deliveries.js'
import { subscriptionExists } from '../../db/repos/subscriptions.js'
import type { Database } from '../../db/schema.js'
import { adminRoute } from '../admin-route.js'
import { ErrorMessage, Timestamp, json } from '../api-schemas.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'

/** Delivery ids are bigint identities: longer digit strings would overflow in PostgreSQL. */
const DELIVERY_ID = /^[1-9]\d{0,17}$/

/** `sub_` and base64url (see the subscription routes); anything else is no subscription, never a database error. */
const SUBSCRIPTION_ID = /^sub_[\w-]{1,64}$/

const DeliveryStatus = z.enum(['pending', 'delivered', 'failed', 'cancelled'])

const Query = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z
      .string()
      .regex(DELIVERY_ID, 'must be a delivery id (the `next` of the previous page)')
      .optional(),
    status: DeliveryStatus.optional(),
  })
  .strict()

const Attempt = z.object({
  attempt: z.number().int(),
  startedAt: Timestamp,
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
})

const Delivery = z
  .object({
    id: z.string(),
    event: z.object({ id: z.string(), type: z.string(), subject: z.string() }),
    status: DeliveryStatus,
    lastError: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    deliveredAt: Timestamp.nullable(),
    attempts: z.array(Attempt),
  })
  .openapi('Delivery')

const route = adminRoute({
  method: 'get',
  operationId: 'listSubscriptionDeliveries',
  path: '/{id}/deliveries',
  tags: ['Subscriptions'],
  summary: "A subscription's deliveries, newest first",
  description:
    'What was sent to the subscriber and how each attempt went, a page at a time. A deleted subscription is listed too.',
  request: { params: z.object({ id: z.string() }), query: Query },
  responses: {
    200: json(
      'A page; `next` is the `before` of the following page (null on the last).',
      z.object({ deliveries: z.array(Delivery), next: z.string().nullable() }),
    ),
    404: json('No such subscription.', ErrorMessage),
  },
})

/**
 * `GET /v1/subscriptions/:id/deliveries?status=&limit=&before=`: what was sent to a subscriber
 * and how each attempt went, newest delivery first, a page at a time (`next` is the `before` of
 * the next page). A deleted subscription's history is kept, so it is listed too.
 */
export function subscriptionDeliveryRoutes(deps: { readonly db: Kysely<Database> }) {
  const app = openApiRoutes()
  const answer = jsonAnswers(route)
  app.openapi(route, async (c) => {
    const subscriptionId = c.req.valid('param').id
    if (
      !SUBSCRIPTION_ID.test(subscriptionId) ||
      !(await subscriptionExists(deps.db, subscriptionId))
    )
      return answer(c, { error: 'no such subscription' }, 404)
    const { limit, before, status } = c.req.valid('query')
    const rows = await listSubscriptionDeliveries(deps.db, {
      subscriptionId,
      limit,
      ...(before !== undefined ? { before } : {}),
      ...(status !== undefined ? { status } : {}),
    })
    const attempts = await listAttemptsOf(
      deps.db,
      rows.map((r) => r.id),
    )
    return answer(
      c,
      {
        deliveries: rows.map((d) => ({
          id: d.id,
          event: { id: d.event_id, type: d.event_type, subject: d.event_subject },
          status: d.status,
          lastError: d.last_error,
          createdAt: d.created_at.toISOString(),
          updatedAt: d.updated_at.toISOString(),
          deliveredAt: d.delivered_at?.toISOString() ?? null,
          attempts: attempts
            .filter((a) => a.delivery_id === d.id)
            .map((a) => ({
              attempt: a.attempt,
              startedAt: a.started_at.toISOString(),
              durationMs: a.duration_ms,
              statusCode: a.status_code,
              error: a.error,
            })),
        })),
        next: rows.length === limit ? rows[rows.length - 1]!.id : null,
      },
      200,
    )
  })
  return app
}
