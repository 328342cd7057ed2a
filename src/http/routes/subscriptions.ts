import { randomBytes } from 'node:crypto'
import { Hono, type Context } from 'hono'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import {
  deleteSubscription,
  getSubscription,
  insertSubscription,
  listSubscriptions,
} from '../../db/repos/subscriptions.js'
import type { PauseTransition } from '../../db/repos/subscriptions.js'
import type { Database, Subscription } from '../../db/schema.js'
import { generateSecret } from '../../delivery/sign.js'
import { pauseSubscription, resumeSubscription } from '../../pipeline/subscription-pause.js'
import type { Logger } from '../../logger.js'
import type { Queues } from '../../queues/index.js'
import { EventTypePatterns } from '../../subscriptions/event-filter.js'
import { urlRefusal } from '../../outbound/destination-guard.js'
import { subscriberPolicy } from '../../delivery/destinations.js'
import type { Config } from '../../config/index.js'
import { CONTENT_MODES } from '../../events/index.js'
import type { AppEnv } from '../env.js'
import { badRequest, parseJsonRequest } from './request-body.js'

const CreateSubscription = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
    eventTypes: EventTypePatterns,
    description: z.string().max(500).optional(),
    contentMode: z.enum(CONTENT_MODES).default('structured'),
  })
  .strict()

/**
 * Subscriber management. The signing secret is returned once, at creation. Pause holds a
 * subscription's deliveries; resume sends what waited, in feed order.
 */
export function subscriptionRoutes(deps: {
  readonly db: Kysely<Database>
  readonly queues: Pick<Queues, 'enqueueDeliveries' | 'deliver'>
  readonly log: Logger
  readonly config: Pick<Config, 'mode' | 'delivery'>
}) {
  const app = new Hono<AppEnv>()
  const destinations = subscriberPolicy(deps.config)
  app.post('/', async (c) => {
    const input = await parseJsonRequest(c, CreateSubscription)
    // Checked again at every delivery, after DNS resolution (the subscriber transport).
    const refusal = await urlRefusal(destinations, input.url)
    if (refusal) throw badRequest([`body.url: ${input.url} refused: ${refusal}`])
    const created = await insertSubscription(deps.db, {
      id: `sub_${randomBytes(12).toString('base64url')}`,
      url: input.url,
      eventTypes: input.eventTypes,
      secret: generateSecret(),
      description: input.description ?? null,
      contentMode: input.contentMode,
    })
    return c.json({ ...view(created), secret: created.secret }, 201)
  })
  app.get('/', async (c) => c.json({ subscriptions: (await listSubscriptions(deps.db)).map(view) }))
  app.get('/:id', async (c) => {
    const found = await getSubscription(deps.db, c.req.param('id'))
    return found ? c.json(view(found)) : c.json({ error: 'no such subscription' }, 404)
  })
  app.delete('/:id', async (c) =>
    (await deleteSubscription(deps.db, c.req.param('id')))
      ? c.body(null, 204)
      : c.json({ error: 'no such subscription' }, 404),
  )
  app.post('/:id/pause', async (c) => {
    const id = c.req.param('id')
    const outcome = await pauseSubscription(deps, id)
    c.set('auditDetails', { subscription: id, outcome: outcome.kind })
    return transitionResponse(c, outcome, 'paused', {})
  })
  app.post('/:id/resume', async (c) => {
    const id = c.req.param('id')
    const outcome = await resumeSubscription(deps, id)
    c.set('auditDetails', { subscription: id, outcome: outcome.kind, enqueued: outcome.enqueued })
    return transitionResponse(c, outcome, 'resumed', { enqueued: outcome.enqueued })
  })
  return app
}

/** 200 with the subscription whether this call changed it or it already was so (idempotent). */
function transitionResponse(
  c: Context<AppEnv>,
  outcome: PauseTransition,
  verb: 'paused' | 'resumed',
  extra: Record<string, unknown>,
) {
  switch (outcome.kind) {
    case 'missing':
      return c.json({ error: 'no such subscription' }, 404)
    case 'conflict': {
      const s = outcome.subscription
      const why = s.status === 'disabled' && s.disabled_reason ? ` (${s.disabled_reason})` : ''
      return c.json({ error: `subscription is ${s.status}${why}; it cannot be ${verb}` }, 409)
    }
    case 'changed':
    case 'unchanged':
      return c.json({
        ...view(outcome.subscription),
        changed: outcome.kind === 'changed',
        ...extra,
      })
  }
}

function view(s: Subscription) {
  return {
    id: s.id,
    url: s.url,
    eventTypes: s.event_types,
    description: s.description,
    status: s.status,
    disabledReason: s.disabled_reason,
    contentMode: s.content_mode,
    createdAt: s.created_at.toISOString(),
  }
}
