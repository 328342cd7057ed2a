import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { HubEvent } from '../events/index.js'
import { eventId } from './event.js'

/**
 * Gives a replay's events ids that keep replays idempotent without losing what changed.
 *
 * Event ids come from (message, position), so the outbox drops an event a message already
 * produced. That is right for a repeat, but a replay after a normalizer fix can produce a
 * *different* event at a position already taken (the order now differs from what was stored, so
 * position 0 is an `order.updated` where it was an `order.created`): dropping it would change the
 * order without telling anyone. Such an event gets an id derived from the taken one and its own
 * content, so it is appended once, and a second identical replay produces the same id and is
 * dropped in turn. An event whose content equals the stored one keeps its id (and is dropped).
 */
export async function distinguishReplayedEvents(
  trx: Kysely<Database>,
  events: readonly HubEvent[],
): Promise<HubEvent[]> {
  if (events.length === 0) return []
  const stored = await trx
    .selectFrom('outbox_event')
    .select(['id', 'envelope'])
    .where(
      'id',
      'in',
      events.map((e) => e.id),
    )
    .execute()
  const byId = new Map(stored.map((r) => [r.id, r.envelope as unknown as HubEvent]))
  return events.map((event) => {
    const before = byId.get(event.id)
    if (!before || isDeepStrictEqual(content(before), content(event))) return event
    const digest = createHash('sha256')
      .update(JSON.stringify(content(event)))
      .digest('base64url')
    const origin = { channel: event.channel, accountId: event.account }
    return { ...event, id: eventId(origin, event.id, 'replay', digest) }
  })
}

/** What an event says, without when the hub recorded it; JSON round trip drops `undefined`s. */
function content(e: HubEvent): unknown {
  return JSON.parse(
    JSON.stringify({ type: e.type, subject: e.subject, time: e.time, data: e.data }),
  ) as unknown
}
