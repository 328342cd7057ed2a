import type { Context } from 'hono'
import { feedHead } from '../../db/repos/outbox.js'
import type { AppEnv } from '../env.js'
import { badRequest } from '../routes/request-body.js'
import type { StreamHub } from './stream-hub.js'
import { beyondHead, readWirePage, type FeedReader } from './wire.js'

/** Events per page of a stream: what a reader that stopped reading leaves in the hub's memory at most. */
export const STREAM_PAGE = 100

/**
 * Answers a stream request: from `from.position` (a validated position, named `from.field` in a
 * 400 if it is past the feed's head), the events matching `types` (empty: all).
 */
export async function streamFeed(
  c: Context<AppEnv>,
  deps: FeedReader & { readonly streams: StreamHub },
  from: { readonly position: string; readonly field: string },
  types: readonly string[],
): Promise<Response> {
  const beyond = beyondHead(from.position, await feedHead(deps.db))
  if (beyond) throw badRequest([`${from.field}: ${beyond}`])
  return deps.streams.respond(c, from.position, (after) =>
    readWirePage(deps, { after, limit: STREAM_PAGE, types }),
  )
}
