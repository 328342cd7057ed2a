import type { Context } from 'hono'
import { feedBounds } from '../../db/repos/outbox.js'
import type { AppEnv } from '../env.js'
import { badRequest } from '../routes/request-body.js'
import type { StreamHub } from './stream-hub.js'
import { beyondHead, feedGone, readWirePage, type FeedReader } from './wire.js'

/** Events per page of a stream: what a reader that stopped reading leaves in the hub's memory at most. */
export const STREAM_PAGE = 100

/**
 * Answers a stream request: from `from.position` (a validated position, named `from.field` in a
 * 400 if it is past the feed's head; 410 if positions after it were dropped by retention), the
 * events matching `types` (empty: all).
 */
export async function streamFeed(
  c: Context<AppEnv>,
  deps: FeedReader & { readonly streams: StreamHub },
  from: { readonly position: string; readonly field: string },
  types: readonly string[],
): Promise<Response> {
  const bounds = await feedBounds(deps.db)
  const beyond = beyondHead(from.position, bounds.head)
  if (beyond) throw badRequest([`${from.field}: ${beyond}`])
  // Later pages check again (readWirePage): a stream that falls behind a drop ends, and its
  // reconnect is answered 410.
  const gone = feedGone(from.position, bounds.retainedFrom)
  if (gone) throw gone
  return deps.streams.respond(c, from.position, (after) =>
    readWirePage(deps, { after, limit: STREAM_PAGE, types }),
  )
}
