import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Clock } from '../../clock.js'
import {
  commitConsumer,
  consumerLag,
  consumersWithLag,
  deleteConsumer,
  findConsumer,
  insertConsumer,
  LAG_WINDOW_POSITIONS,
  seekConsumer,
  type ConsumerWithLag,
  type CommitOutcome,
} from '../../db/repos/consumers.js'
import { EventTypePatterns } from '../../subscriptions/event-filter.js'
import type { AppEnv } from '../env.js'
import { adminRoute } from '../admin-route.js'
import { ErrorMessage, invalidRequest, json } from '../api-schemas.js'
import {
  eventStream,
  feedGoneAnswer,
  FeedPageBody,
  LastEventId,
  tooManyStreams,
} from '../feed/schemas.js'
import type { StreamHub } from '../feed/stream-hub.js'
import { streamFeed } from '../feed/stream-request.js'
import { beyondHead, readWirePage, type FeedReader } from '../feed/wire.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { badRequest } from './request-body.js'

const ConsumerName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    'lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64',
  )
  .openapi({ example: 'oms-orders' })

const Position = z.int().min(0).openapi({ description: 'A feed position', example: 1042 })

const ConsumerView = z
  .object({
    name: z.string(),
    eventTypes: z.array(z.string()),
    position: z.int().openapi({ description: 'The last position committed: reads start after it' }),
    committedAt: z
      .string()
      .nullable()
      .openapi({ description: 'Last commit or seek; null before the first' }),
    createdAt: z.string(),
    lag: z.object({
      events: z.int().openapi({
        description: `Matching events after the position, counted over at most the ${LAG_WINDOW_POSITIONS} positions after it`,
      }),
      seconds: z.number().openapi({
        description: 'Age of the oldest of them since it was published; 0 when there is none',
      }),
    }),
  })
  .openapi('Consumer')
type ConsumerView = z.infer<typeof ConsumerView>

const CreateConsumer = z
  .object({
    name: ConsumerName,
    eventTypes: EventTypePatterns,
    startAt: z
      .union([z.enum(['beginning', 'end']), Position])
      .default('beginning')
      .openapi({
        description:
          '"beginning": every event; "end": only events published from now on; a position: the events after it',
      }),
  })
  .strict()

const NameParam = z.object({ name: ConsumerName })
const PositionBody = {
  content: { 'application/json': { schema: z.object({ position: Position }).strict() } },
  required: true,
} as const

const notFound = json('No consumer of that name', ErrorMessage)
const viewed = json('The consumer', ConsumerView)

const tags = ['Consumers']

const routes = {
  create: adminRoute({
    operationId: 'createConsumer',
    tags,
    method: 'post',
    path: '/',
    summary: 'Create a named consumer',
    request: {
      body: { content: { 'application/json': { schema: CreateConsumer } }, required: true },
    },
    responses: {
      201: json('Created', ConsumerView),
      400: invalidRequest,
      409: json('The name is taken', ErrorMessage),
    },
  }),
  list: adminRoute({
    operationId: 'listConsumers',
    tags,
    method: 'get',
    path: '/',
    summary: 'List named consumers',
    responses: {
      200: json('Every consumer', z.object({ consumers: z.array(ConsumerView) })),
    },
  }),
  get: adminRoute({
    operationId: 'getConsumer',
    tags,
    method: 'get',
    path: '/{name}',
    summary: 'Show a named consumer and its lag',
    request: { params: NameParam },
    responses: { 200: viewed, 400: invalidRequest, 404: notFound },
  }),
  delete: adminRoute({
    operationId: 'deleteConsumer',
    tags,
    method: 'delete',
    path: '/{name}',
    summary: 'Delete a named consumer',
    request: { params: NameParam },
    responses: { 204: { description: 'Deleted' }, 400: invalidRequest, 404: notFound },
  }),
  events: adminRoute({
    operationId: 'readConsumerEvents',
    tags,
    method: 'get',
    path: '/{name}/events',
    summary: "Read the events after a consumer's committed position (does not commit)",
    request: {
      params: NameParam,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    },
    responses: {
      200: json('A page of events matching its filter', FeedPageBody),
      400: invalidRequest,
      404: notFound,
      410: feedGoneAnswer,
    },
  }),
  stream: adminRoute({
    operationId: 'streamConsumerEvents',
    tags,
    method: 'get',
    path: '/{name}/stream',
    summary: "Stream the events after a consumer's committed position (Server-Sent Events)",
    description:
      'From its committed position, or from `Last-Event-ID` (which wins) on a reconnect.',
    request: { params: NameParam, headers: z.object({ 'last-event-id': LastEventId }) },
    responses: {
      200: eventStream,
      400: invalidRequest,
      404: notFound,
      410: feedGoneAnswer,
      503: tooManyStreams,
    },
  }),
  commit: adminRoute({
    operationId: 'commitConsumer',
    tags,
    method: 'post',
    path: '/{name}/commit',
    summary: 'Commit a position (forward only)',
    request: { params: NameParam, body: PositionBody },
    responses: {
      200: viewed,
      400: invalidRequest,
      404: notFound,
      409: json(
        'The position is behind the committed one, which is returned',
        ErrorMessage.extend({ position: z.int() }),
      ),
    },
  }),
  seek: adminRoute({
    operationId: 'seekConsumer',
    tags,
    method: 'post',
    path: '/{name}/seek',
    summary: 'Move the committed position anywhere up to the head (rewind or skip)',
    request: { params: NameParam, body: PositionBody },
    responses: { 200: viewed, 400: invalidRequest, 404: notFound },
  }),
}

const NO_SUCH_CONSUMER = { error: 'no such consumer' }

/**
 * Named consumers: readers of the feed whose committed position the hub keeps. Each is its own
 * row, so one consumer's reads, commits and seeks never touch another's. Reads never commit.
 */
export function consumerRoutes(
  deps: FeedReader & { readonly streams: StreamHub; readonly clock: Clock },
) {
  const view = (row: ConsumerWithLag): ConsumerView => ({
    name: row.name,
    eventTypes: row.event_types,
    position: Number(row.position),
    committedAt: row.committed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    lag: consumerLag(row, deps.clock.now()),
  })
  const current = async (name: string) => (await consumersWithLag(deps.db, name))[0]

  return openApiRoutes()
    .openapi(routes.create, async (c) => {
      const input = c.req.valid('json')
      const outcome = await insertConsumer(deps.db, input)
      c.set('auditDetails', { consumer: input.name, outcome: outcome.kind })
      switch (outcome.kind) {
        case 'beyond':
          throw badRequest([`body.startAt: ${beyondHead(String(input.startAt), outcome.head)}`])
        case 'taken':
          return jsonAnswers(routes.create)(
            c,
            { error: `a consumer named "${input.name}" exists` },
            409,
          )
        case 'created':
          return jsonAnswers(routes.create)(c, view(outcome.consumer), 201)
      }
    })
    .openapi(routes.list, async (c) =>
      jsonAnswers(routes.list)(c, { consumers: (await consumersWithLag(deps.db)).map(view) }, 200),
    )
    .openapi(routes.get, async (c) => {
      const answer = jsonAnswers(routes.get)
      const row = await current(c.req.valid('param').name)
      return row ? answer(c, view(row), 200) : answer(c, NO_SUCH_CONSUMER, 404)
    })
    .openapi(routes.delete, async (c) => {
      const { name } = c.req.valid('param')
      c.set('auditDetails', { consumer: name })
      return (await deleteConsumer(deps.db, name))
        ? c.body(null, 204)
        : jsonAnswers(routes.delete)(c, NO_SUCH_CONSUMER, 404)
    })
    .openapi(routes.events, async (c) => {
      const answer = jsonAnswers(routes.events)
      const consumer = await findConsumer(deps.db, c.req.valid('param').name)
      if (!consumer) return answer(c, NO_SUCH_CONSUMER, 404)
      const page = await readWirePage(deps, {
        after: consumer.position,
        limit: c.req.valid('query').limit,
        types: consumer.event_types,
      })
      return answer(c, { events: page.events, next: page.next }, 200)
    })
    .openapi(routes.stream, async (c) => {
      const consumer = await findConsumer(deps.db, c.req.valid('param').name)
      if (!consumer) return jsonAnswers(routes.stream)(c, NO_SUCH_CONSUMER, 404)
      const lastEventId = c.req.valid('header')['last-event-id']
      // Its own position is never past the head; a Last-Event-ID may be.
      const from = lastEventId
        ? { position: lastEventId, field: 'header.last-event-id' }
        : { position: consumer.position, field: 'position' }
      return streamFeed(c, deps, from, consumer.event_types)
    })
    .openapi(routes.commit, async (c) => {
      const { name } = c.req.valid('param')
      const { position } = c.req.valid('json')
      const outcome = await commitConsumer(deps.db, name, position)
      c.set('auditDetails', { consumer: name, position, outcome: outcome.kind })
      if (outcome.kind === 'behind')
        return jsonAnswers(routes.commit)(
          c,
          {
            error: `position ${position} is behind the committed position ${outcome.position}; seek to move back`,
            position: Number(outcome.position),
          },
          409,
        )
      return answer(c, name, position, outcome)
    })
    .openapi(routes.seek, async (c) => {
      const { name } = c.req.valid('param')
      const { position } = c.req.valid('json')
      const outcome = await seekConsumer(deps.db, name, position)
      c.set('auditDetails', { consumer: name, position, outcome: outcome.kind })
      return answer(c, name, position, outcome)
    })

  /** The answer to a commit or a seek that was not refused for going back. */
  async function answer(
    c: Context<AppEnv>,
    name: string,
    position: number,
    outcome: Exclude<CommitOutcome, { kind: 'behind' }>,
  ) {
    // Commit and seek answer alike (a view, or 404), as their routes document.
    const reply = jsonAnswers(routes.seek)
    switch (outcome.kind) {
      case 'missing':
        return reply(c, NO_SUCH_CONSUMER, 404)
      case 'beyond':
        throw badRequest([`body.position: ${beyondHead(position, outcome.head)}`])
      case 'moved':
        return reply(c, view(outcome.consumer), 200)
      case 'unchanged': {
        const row = await current(name)
        return row ? reply(c, view(row), 200) : reply(c, NO_SUCH_CONSUMER, 404)
      }
    }
  }
}
