import { sql, type Kysely, type QueryCreator } from 'kysely'
import { settleInboxMessage } from '../db/repos/inbox.js'
import type { HubEvent } from '../events/index.js'
import { reservationWrites, type ReservationWrites } from '../db/repos/reservations.js'
import type { Database, InboxOutcome } from '../db/schema.js'
import { storableJson } from '../storable.js'

/**
 * The channel the relay LISTENs on. A statement trigger on outbox_event notifies it (migration
 * 0950), so the notification is delivered when the appending transaction commits, never before.
 */
export const OUTBOX_CHANNEL = 'hub_outbox'

/**
 * Appends events in the caller's transaction, so they commit (and become visible to the relay)
 * together with the state change they describe. An event id already present is skipped: ids are
 * deterministic, so a retried job cannot emit twice. With `settle`, the same statement also marks
 * the inbox message that produced the events normalized (one round trip fewer on the hot path).
 * Returns how many events were new.
 */
export async function appendEvents(
  trx: Kysely<Database>,
  events: readonly HubEvent[],
  settle?: {
    readonly inboxId: string
    readonly at: Date
    /** The order ids and SKUs the message was about (inbox search), written in the same statement. */
    readonly subjects?: readonly InboxSubjectRow[]
  },
): Promise<number> {
  const subjects = settle?.subjects ?? []
  if (events.length === 0) {
    if (settle) {
      await settleInboxMessage(trx, settle.inboxId, 'normalized', { events: 0 }, settle.at)
      if (subjects.length > 0) await insertSubjects(trx, settle.inboxId, subjects).execute()
    }
    return 0
  }
  if (!settle) return (await insertEvents(trx, events, null).execute()).length
  // On the hot path every statement is a round trip: the events, the subjects and the inbox
  // row's settlement go as one.
  const withEvents = trx.with('appended', (qc) => insertEvents(qc, events, settle.inboxId))
  // The subjects CTE adds nothing the rest of the statement refers to, so the builder's type is
  // kept as it was (Kysely cannot type a CTE added on one branch only).
  const query =
    subjects.length > 0
      ? (withEvents.with('subjects', (qc) =>
          insertSubjects(qc as unknown as QueryCreator<Database>, settle.inboxId, subjects),
        ) as unknown as typeof withEvents)
      : withEvents
  const settled = await query
    .updateTable('inbox_message')
    .set({
      status: 'normalized',
      outcome: sql<string>`jsonb_build_object('events', (select count(appended.id) from appended))`,
      processed_at: settle.at,
    })
    .where('id', '=', settle.inboxId)
    .returning(sql<number>`(select count(appended.id) from appended)::int`.as('appended'))
    .executeTakeFirstOrThrow()
  return settled.appended
}

export interface InboxSubjectRow {
  readonly kind: 'order' | 'sku'
  readonly value: string
}

function insertSubjects(
  qc: QueryCreator<Database>,
  inboxId: string,
  subjects: readonly InboxSubjectRow[],
) {
  return qc
    .insertInto('inbox_subject')
    .values(subjects.map((s) => ({ inbox_id: inboxId, kind: s.kind, value: s.value })))
    .onConflict((oc) => oc.doNothing())
}

function insertEvents(
  qc: QueryCreator<Database>,
  events: readonly HubEvent[],
  inboxId: string | null,
) {
  return qc
    .insertInto('outbox_event')
    .values(events.map((e) => ({ ...eventRow(e, inboxId), envelope: JSON.stringify(e) })))
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
}

/** How one message of a batch ends, with the events and search subjects it leaves. */
export interface MessageSettlement {
  readonly inboxId: string
  readonly status: 'normalized' | 'ignored' | 'failed'
  /** For ignored and failed messages; a normalized one's outcome counts its new events. */
  readonly outcome?: InboxOutcome
  readonly events: readonly HubEvent[]
  readonly subjects: readonly InboxSubjectRow[]
}

/**
 * The end of a batch's transaction in one statement, whatever its size: appends every message's
 * events (an event id already present is skipped, as in `appendEvents`), records the messages'
 * search subjects, and settles each inbox row with its status and outcome. The rows go as `json`
 * parameters, so the envelopes keep their text (outbox_event.envelope is `json`) and the
 * statement text never changes (prepared once per connection).
 */
export async function appendAndSettle(
  trx: Kysely<Database>,
  settlements: readonly MessageSettlement[],
  at: Date,
  /** Stock reservations to write in the same statement (see `planReservations`). */
  reservations: ReservationWrites = { rows: [], notes: [] },
): Promise<void> {
  if (settlements.length === 0) return
  const events = settlements.flatMap((s) =>
    s.events.map((e) => ({ ...eventRow(e, s.inboxId), envelope: e })),
  )
  const subjects = settlements.flatMap((s) =>
    s.subjects.map((subject) => ({
      inbox_id: s.inboxId,
      kind: subject.kind,
      value: subject.value,
    })),
  )
  const rows = settlements.map((s) => ({
    id: s.inboxId,
    status: s.status,
    outcome: s.outcome ?? null,
  }))
  await sql`
    with ${reservationWrites(reservations)}, appended as (
      insert into outbox_event (id, type, channel, account_id, subject, occurred_at, recorded_at, envelope, inbox_id)
      select e.id, e.type, e.channel, e.account_id, e.subject, e.occurred_at, e.recorded_at, e.envelope, e.inbox_id
        from json_to_recordset(${JSON.stringify(events)}::json) as e(id text, type text, channel text,
             account_id text, subject text, occurred_at timestamptz, recorded_at timestamptz,
             envelope json, inbox_id bigint)
      on conflict (id) do nothing
      returning id, inbox_id
    ), subjects as (
      insert into inbox_subject (inbox_id, kind, value)
      select s.inbox_id, s.kind, s.value
        from json_to_recordset(${JSON.stringify(subjects)}::json) as s(inbox_id bigint, kind text, value text)
      on conflict do nothing
    )
    update inbox_message m
       set status = s.status,
           outcome = case when s.status = 'normalized'
                          then jsonb_build_object('events', (select count(*) from appended a where a.inbox_id = m.id))
                          else s.outcome end,
           processed_at = ${at}
      from json_to_recordset(${storableJson(rows)}::json) as s(id bigint, status text, outcome jsonb)
     where m.id = any(${rows.map((r) => r.id)}::bigint[]) and m.id = s.id`.execute(trx)
}

/** An event's outbox columns but its envelope (text for a statement, an object inside json rows). */
function eventRow(e: HubEvent, inboxId: string | null) {
  return {
    id: e.id,
    type: e.type,
    channel: e.channel,
    account_id: e.account,
    subject: e.subject,
    occurred_at: e.time,
    recorded_at: e.recordedAt,
    inbox_id: inboxId,
  }
}
