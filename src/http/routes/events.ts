import { createRoute, z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import {
  FeedPositionText,
  LastEventId,
  FeedPageBody,
  TypePatternsText,
  eventStreamResponses,
  invalidRequest,
} from '../feed/schemas.js'
import type { StreamHub } from '../feed/stream-hub.js'
import { beyondHead, readWirePage } from '../feed/wire.js'
import { openApiRoutes } from '../openapi-app.js'
import { badRequest } from './request-body.js'
import { feedHead } from '../../db/repos/outbox.js'

/** Events per page of a stream: what a reader that stopped reading leaves in the hub's memory at most. */
export const STREAM_PAGE = 100

const After = FeedPositionText.default('0').openapi({
  description: 'Start after this feed position (0: from the beginning).',
})

const feedRoute = createRoute({
  method: 'get',
  path: '/',
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
    200: {
      description: 'A page of events',
      content: { 'application/json': { schema: FeedPageBody } },
    },
    ...invalidRequest,
  },
})

const streamRoute = createRoute({
  method: 'get',
  path: '/stream',
  summary: 'Stream the feed (Server-Sent Events)',
  description:
    'The feed as it grows, from `after` or, on a reconnect, from the `Last-Event-ID` header (which wins). At most STREAM_MAX_CONNECTIONS streams per API process.',
  request: {
    query: z.object({ after: After, types: TypePatternsText }),
    headers: z.object({ 'last-event-id': LastEventId }),
  },
  responses: eventStreamResponses,
})

/**
 * `GET /v1/events`: the feed, a page at a time; `GET /v1/events/stream`: the same as Server-Sent
 * Events. A position past the feed's head is refused: it cannot have come from this feed.
 */
export function eventRoutes(deps: { readonly db: Kysely<Database>; readonly streams: StreamHub }) {
  return openApiRoutes()
    .openapi(feedRoute, async (c) => {
      const { after, limit, types } = c.req.valid('query')
      const page = await readWirePage(deps.db, { after, limit, types })
      const beyond = beyondHead(after, page.head)
      if (beyond) throw badRequest([`query.after: ${beyond}`])
      return c.json({ events: [...page.events], next: page.next }, 200)
    })
    .openapi(streamRoute, async (c) => {
      const { after, types } = c.req.valid('query')
      const lastEventId = c.req.valid('header')['last-event-id']
      const from = lastEventId ?? after
      const beyond = beyondHead(from, await feedHead(deps.db))
      if (beyond)
        throw badRequest([`${lastEventId ? 'header.last-event-id' : 'query.after'}: ${beyond}`])
      return deps.streams.respond(c, from, (position) =>
        readWirePage(deps.db, { after: position, limit: STREAM_PAGE, types }),
      )
    })
}
