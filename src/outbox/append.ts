import { sql, type Kysely } from 'kysely'
import type { HubEvent } from '../events/index.js'
import type { Database } from '../db/schema.js'

/** The channel the relay LISTENs on; notified when appended events commit. */
export const OUTBOX_CHANNEL = 'hub_outbox'

/**
 * Appends events in the caller's transaction, so they commit (and become visible to the relay)
 * together with the state change they describe. An event id already present is skipped: ids are
 * deterministic, so a retried job cannot emit twice. Returns how many were new.
 */
export async function appendEvents(
  trx: Kysely<Database>,
  events: readonly HubEvent[],
  inboxId: string | null,
): Promise<number> {
  if (events.length === 0) return 0
  const inserted = await trx
    .insertInto('outbox_event')
    .values(
      events.map((e) => ({
        id: e.id,
        type: e.type,
        channel: e.channel,
        account_id: e.account,
        subject: e.subject,
        occurred_at: e.time,
        recorded_at: e.recordedAt,
        envelope: JSON.stringify(e),
        inbox_id: inboxId,
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute()
  // Delivered at commit, not before: the relay is never woken for rows it cannot see yet.
  if (inserted.length > 0) await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(trx)
  return inserted.length
}
