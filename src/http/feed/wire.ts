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

/** One page of the feed in wire form. */
export async function readWirePage(deps: FeedReader, q: FeedQuery): Promise<WirePage> {
  const page = await readFeedPage(deps.db, q)
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
