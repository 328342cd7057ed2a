import { randomBytes } from 'node:crypto'
import { z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
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
import { adminRoute } from '../admin-route.js'
import { ErrorMessage, Timestamp, json } from '../api-schemas.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { badRequest } from './request-body.js'

const CreateSubscription = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
    eventTypes: EventTypePatterns.openapi({
      description: 'Exact types (`order.created.v1`) or patterns ending in `.*` (`order.*`, `*`).',
      example: ['order.*'],
    }),
    description: z.string().max(500).optional(),
    contentMode: z.enum(CONTENT_MODES).default('structured').openapi({
      description: 'How deliveries carry each event (docs/events.md, "Content modes").',
    }),
  })
  .strict()
  .openapi('SubscriptionCreate')

const SubscriptionView = z
  .object({
    id: z.string().openapi({ example: 'sub_3q2vVx0mD8XlLr5Z' }),
    url: z.string(),
    eventTypes: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(['active', 'paused', 'disabled', 'deleted']),
    disabledReason: z.string().nullable(),
    contentMode: z.enum(CONTENT_MODES).openapi({
      description:
        'How deliveries carry each CloudEvent: `structured` (the whole event as the body) or `binary` (`data` as the body, the attributes in `ce-` headers).',
    }),
    createdAt: Timestamp,
  })
  .openapi('Subscription')

const SubscriptionId = z.object({ id: z.string().openapi({ example: 'sub_3q2vVx0mD8XlLr5Z' }) })
const noSuchSubscription = json('No such subscription.', ErrorMessage)
const tags = ['Subscriptions']

const create = adminRoute({
  method: 'post',
  operationId: 'createSubscription',
  path: '/',
  tags,
  summary: 'Create a subscription',
  description:
    'Events of the listed types are POSTed to `url`, signed with the secret returned here, once.',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateSubscription } } },
  },
  responses: {
    201: json(
      'Created. `secret` signs its deliveries (Standard Webhooks); it is not shown again.',
      SubscriptionView.extend({ secret: z.string().openapi({ example: 'whsec_…' }) }),
    ),
  },
})
const list = adminRoute({
  method: 'get',
  operationId: 'listSubscriptions',
  path: '/',
  tags,
  summary: 'List subscriptions, newest first',
  responses: {
    200: json('Every subscription.', z.object({ subscriptions: z.array(SubscriptionView) })),
  },
})
const show = adminRoute({
  method: 'get',
  operationId: 'getSubscription',
  path: '/{id}',
  tags,
  summary: 'Show a subscription',
  request: { params: SubscriptionId },
  responses: { 200: json('The subscription.', SubscriptionView), 404: noSuchSubscription },
})
const remove = adminRoute({
  method: 'delete',
  operationId: 'deleteSubscription',
  path: '/{id}',
  tags,
  summary: 'Delete a subscription',
  description: 'Stops its deliveries; their history is kept.',
  request: { params: SubscriptionId },
  responses: { 204: { description: 'Deleted.' }, 404: noSuchSubscription },
})
const transition = <E extends z.ZodRawShape>(
  verb: 'pause' | 'resume',
  description: string,
  extra: E,
) =>
  adminRoute({
    method: 'post',
    operationId: `${verb}Subscription`,
    path: `/{id}/${verb}`,
    tags,
    summary: `${verb === 'pause' ? 'Pause' : 'Resume'} a subscription`,
    description,
    request: { params: SubscriptionId },
    responses: {
      200: json(
        'The subscription; `changed` is false when it already was so (idempotent).',
        SubscriptionView.extend({ changed: z.boolean(), ...extra }),
      ),
      404: noSuchSubscription,
      409: json(
        'Disabled or deleted: it cannot be paused or resumed (the reason says why).',
        ErrorMessage,
      ),
    },
  })
const pause = transition(
  'pause',
  'Holds its deliveries: events keep being recorded for it, none is sent.',
  {},
)
const resume = transition('resume', 'Sends what waited, in feed-position order, then carries on.', {
  enqueued: z.number().int().openapi({ description: 'Pending deliveries handed to the queue.' }),
})

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
  const app = openApiRoutes()
  const destinations = subscriberPolicy(deps.config)
  app.openapi(create, async (c) => {
    const input = c.req.valid('json')
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
    return jsonAnswers(create)(c, { ...view(created), secret: created.secret }, 201)
  })
  app.openapi(list, async (c) =>
    jsonAnswers(list)(c, { subscriptions: (await listSubscriptions(deps.db)).map(view) }, 200),
  )
  app.openapi(show, async (c) => {
    const answer = jsonAnswers(show)
    const found = await getSubscription(deps.db, c.req.valid('param').id)
    return found ? answer(c, view(found), 200) : answer(c, { error: 'no such subscription' }, 404)
  })
  app.openapi(remove, async (c) =>
    (await deleteSubscription(deps.db, c.req.valid('param').id))
      ? c.body(null, 204)
      : jsonAnswers(remove)(c, { error: 'no such subscription' }, 404),
  )
  app.openapi(pause, async (c) => {
    const { id } = c.req.valid('param')
    const outcome = await pauseSubscription(deps, id)
    c.set('auditDetails', { subscription: id, outcome: outcome.kind })
    const answer = jsonAnswers(pause)
    const moved = transitioned(outcome, 'paused')
    return moved.refused
      ? answer(c, { error: moved.error }, moved.status)
      : answer(c, moved.subscription, 200)
  })
  app.openapi(resume, async (c) => {
    const { id } = c.req.valid('param')
    const outcome = await resumeSubscription(deps, id)
    c.set('auditDetails', { subscription: id, outcome: outcome.kind, enqueued: outcome.enqueued })
    const answer = jsonAnswers(resume)
    const moved = transitioned(outcome, 'resumed')
    return moved.refused
      ? answer(c, { error: moved.error }, moved.status)
      : answer(c, { ...moved.subscription, enqueued: outcome.enqueued }, 200)
  })
  return app
}

/** The subscription whether this call changed it or it already was so (idempotent), or why not. */
function transitioned(
  outcome: PauseTransition,
  verb: 'paused' | 'resumed',
):
  | { readonly refused: true; readonly status: 404 | 409; readonly error: string }
  | { readonly refused: false; readonly subscription: SubscriptionView & { changed: boolean } } {
  switch (outcome.kind) {
    case 'missing':
      return { refused: true, status: 404, error: 'no such subscription' }
    case 'conflict': {
      const s = outcome.subscription
      const why = s.status === 'disabled' && s.disabled_reason ? ` (${s.disabled_reason})` : ''
      return {
        refused: true,
        status: 409,
        error: `subscription is ${s.status}${why}; it cannot be ${verb}`,
      }
    }
    case 'changed':
    case 'unchanged':
      return {
        refused: false,
        subscription: { ...view(outcome.subscription), changed: outcome.kind === 'changed' },
      }
  }
}

type SubscriptionView = z.output<typeof SubscriptionView>

function view(s: Subscription): SubscriptionView {
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
