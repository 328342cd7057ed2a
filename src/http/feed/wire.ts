import type { Kysely } from 'kysely'
import { readFeedPage, type FeedQuery } from '../../db/repos/outbox.js'
import type { Database } from '../../db/schema.js'
import type { WireEvent } from './schemas.js'

/**
 * The wire form of a stored event: the one place it is built, for the feed and the streams
 * alike. The envelope was a valid event when it was appended (src/outbox/append.ts).
 */
export function wireEvent(row: { position: string; envelope: Record<string, unknown> }): WireEvent {
  return { ...row.envelope, position: Number(row.position) } as WireEvent
}

export interface WirePage {
  readonly events: WireEvent[]
  /** Where the following page starts (see `FeedPage.next`). */
  readonly next: string
  readonly head: string
}

/** One page of the feed in wire form. */
export async function readWirePage(db: Kysely<Database>, q: FeedQuery): Promise<WirePage> {
  const page = await readFeedPage(db, q)
  return { events: page.rows.map(wireEvent), next: page.next, head: page.head }
}

/** Why a position cannot be read from (it is past the last one given out), or undefined. */
export function beyondHead(position: string | number, head: string): string | undefined {
  return BigInt(position) > BigInt(head)
    ? `position ${position} is beyond the feed's head ${head}`
    : undefined
}
