import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { listAttemptsOf, listSubscriptionDeliveries } from '../../db/repos/deliveries.js'
import { subscriptionExists } from '../../db/repos/subscriptions.js'
import type { Database } from '../../db/schema.js'
import { formatIssues } from '../../issues.js'
import type { AppEnv } from '../env.js'
import { badRequest } from './request-body.js'

/** Delivery ids are bigint identities: longer digit strings would overflow in PostgreSQL. */
const DELIVERY_ID = /^[1-9]\d{0,17}$/

/** `sub_` and base64url (see the subscription routes); anything else is no subscription, never a database error. */
const SUBSCRIPTION_ID = /^sub_[\w-]{1,64}$/

const Query = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z
      .string()
      .regex(DELIVERY_ID, 'must be a delivery id (the `next` of the previous page)')
      .optional(),
    status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).optional(),
  })
  .strict()

/**
 * `GET /v1/subscriptions/:id/deliveries?status=&limit=&before=`: what was sent to a subscriber
 * and how each attempt went, newest delivery first, a page at a time (`next` is the `before` of
 * the next page). A deleted subscription's history is kept, so it is listed too.
 */
export function subscriptionDeliveryRoutes(deps: { readonly db: Kysely<Database> }) {
  const app = new Hono<AppEnv>()
  app.get('/:id/deliveries', async (c) => {
    const query = Query.safeParse(c.req.query())
    if (!query.success) throw badRequest(formatIssues(query.error, 'query'))
    const subscriptionId = c.req.param('id')
    if (
      !SUBSCRIPTION_ID.test(subscriptionId) ||
      !(await subscriptionExists(deps.db, subscriptionId))
    )
      return c.json({ error: 'no such subscription' }, 404)
    const { limit, before, status } = query.data
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
    return c.json({
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
    })
  })
  return app
}
