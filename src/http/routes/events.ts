import { z } from '@hono/zod-openapi'
import { adminRoute } from '../admin-route.js'
import { invalidRequest, json } from '../api-schemas.js'
import {
  FeedPositionText,
  LastEventId,
  FeedPageBody,
  TypePatternsText,
  eventStream,
  feedGoneAnswer,
  tooManyStreams,
} from '../feed/schemas.js'
import type { StreamHub } from '../feed/stream-hub.js'
import { streamFeed } from '../feed/stream-request.js'
import { beyondHead, readWirePage, type FeedReader } from '../feed/wire.js'
import { jsonAnswers, openApiRoutes } from '../openapi-app.js'
import { badRequest } from './request-body.js'

const After = FeedPositionText.default('0').openapi({
  description: 'Start after this feed position (0: from the beginning).',
})

const tags = ['Events']

const feedRoute = adminRoute({
  method: 'get',
  operationId: 'readFeed',
  path: '/',
  tags,
  summary: 'Read the feed',
  description:
    'Events in feed-position order. Resume by passing `next` (or the last position processed) as `after`.',
  request: {
    query: z.object({
      after: After,
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      types: TypePatternsText,
    }),
  },
  responses: {
    200: json('A page of events', FeedPageBody),
    400: invalidRequest,
    410: feedGoneAnswer,
  },
})

const streamRoute = adminRoute({
  method: 'get',
  operationId: 'streamFeed',
  path: '/stream',
  tags,
  summary: 'Stream the feed (Server-Sent Events)',
  description:
    'The feed as it grows, from `after` or, on a reconnect, from the `Last-Event-ID` header (which wins). At most STREAM_MAX_CONNECTIONS streams per API process.',
  request: {
    query: z.object({ after: After, types: TypePatternsText }),
    headers: z.object({ 'last-event-id': LastEventId }),
  },
  responses: { 200: eventStream, 400: invalidRequest, 410: feedGoneAnswer, 503: tooManyStreams },
})

/**
 * `GET /v1/events`: the feed, a page at a time; `GET /v1/events/stream`: the same as Server-Sent
 * Events. A position past the feed's head is refused: it cannot have come from this feed.
 */
export function eventRoutes(deps: FeedReader & { readonly streams: StreamHub }) {
  return openApiRoutes()
    .openapi(feedRoute, async (c) => {
      const { after, limit, types } = c.req.valid('query')
      const page = await readWirePage(deps, { after, limit, types })
      const beyond = beyondHead(after, page.head)
      if (beyond) throw badRequest([`query.after: ${beyond}`])
      return jsonAnswers(feedRoute)(c, { events: page.events, next: page.next }, 200)
    })
    .openapi(streamRoute, async (c) => {
      const { after, types } = c.req.valid('query')
      const lastEventId = c.req.valid('header')['last-event-id']
      const from = lastEventId
        ? { position: lastEventId, field: 'header.last-event-id' }
        : { position: after, field: 'query.after' }
      return streamFeed(c, deps, from, types)
    })
}
