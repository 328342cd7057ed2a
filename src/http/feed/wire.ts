import { HTTPException } from 'hono/http-exception'
import type { Kysely } from 'kysely'
import { readFeedPage, type FeedQuery } from '../../db/repos/outbox.js'
import type { Config } from '../../config/index.js'
import type { Database } from '../../db/schema.js'
import { wireEvent } from '../../events/index.js'
import type { WireEvent } from './schemas.js'

/** What reading the feed in wire form needs: the events, and the URL `dataschema` points under. */
export interface FeedReader {
  readonly db: Kysely<Database>
  readonly config: Pick<Config, 'http'>
}

export interface WirePage {
  readonly events: WireEvent[]
  /** Where the following page starts (see `FeedPage.next`). */
  readonly next: string
  readonly head: string
}

/**
 * One page of the feed in wire form; a 410 (see `feedGone`) when positions after `q.after` were
 * dropped by retention. The check uses the floor read in the page's own snapshot, so a page is
 * never answered across a gap.
 */
export async function readWirePage(deps: FeedReader, q: FeedQuery): Promise<WirePage> {
  const page = await readFeedPage(deps.db, q)
  const gone = feedGone(q.after, page.retainedFrom)
  if (gone) throw gone
  const { publicUrl } = deps.config.http
  return {
    // The envelope was a valid event when it was appended (src/outbox/append.ts).
    events: page.rows.map((r) => wireEvent(r.envelope, r.position, publicUrl) as WireEvent),
    next: page.next,
    head: page.head,
  }
}

/** Why a position cannot be read from (it is past the last one given out), or undefined. */
export function beyondHead(position: string | number, head: string): string | undefined {
  return BigInt(position) > BigInt(head)
    ? `position ${position} is beyond the feed's head ${head}`
    : undefined
}

/**
 * A 410 Gone when reading after `position` would skip positions retention dropped (DESIGN.md §10
 * invariant 4: the feed never skips silently), naming the oldest position still stored; a reader
 * that accepts the loss resumes after the position before it.
 */
export function feedGone(
  position: string | number,
  retainedFrom: string,
): HTTPException | undefined {
  if (BigInt(position) + 1n >= BigInt(retainedFrom)) return undefined
  const oldest = Number(retainedFrom)
  return new HTTPException(410, {
    res: Response.json(
      {
        error: `positions before ${oldest} are gone (dropped by retention); the oldest available position is ${oldest}: resume after ${oldest - 1} to accept the gap`,
        oldest,
      },
      { status: 410 },
    ),
  })
}
