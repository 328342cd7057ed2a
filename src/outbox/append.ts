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
  const rows = events.map((e) => ({ ...eventRow(e, settle?.inboxId ?? null), envelope: e }))
  if (!settle) {
    const { rows: counted } = await sql<{ appended: number }>`
      with ${appendedCte(rows)} select count(appended.id)::int as appended from appended`.execute(
      trx,
    )
    return counted[0]!.appended
  }
  // On the hot path every statement is a round trip: the events, the subjects and the inbox
  // row's settlement go as one.
  const subjectsCte =
    subjects.length > 0
      ? sql`, subjects as (
          insert into inbox_subject (inbox_id, kind, value)
          select ${settle.inboxId}::bigint, s.kind, s.value
            from json_to_recordset(${JSON.stringify(subjects)}::json) as s(kind text, value text)
          on conflict do nothing)`
      : sql``
  const { rows: settled } = await sql<{ appended: number }>`
    with ${appendedCte(rows)}${subjectsCte}
    update inbox_message
       set status = 'normalized',
           outcome = jsonb_build_object('events', (select count(appended.id) from appended)),
           processed_at = ${settle.at}
     where id = ${settle.inboxId}
    returning (select count(appended.id) from appended)::int as appended`.execute(trx)
  if (!settled[0]) throw new Error(`inbox message ${settle.inboxId} not found`)
  return settled[0].appended
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

/**
 * The CTEs that append events whose id is new, ending in `appended (id, inbox_id)`. An event id is
 * claimed in outbox_event_key in the same statement: outbox_event is partitioned by day and cannot
 * hold the uniqueness itself, and a replay may re-derive an event on a later day. A repeated id
 * within the rows is appended once. The rows go as one `json` parameter, so the envelopes keep
 * their text (outbox_event.envelope is `json`) and the statement text never changes (prepared
 * once per connection).
 */
function appendedCte(rows: readonly (ReturnType<typeof eventRow> & { envelope: unknown })[]) {
  // The first of each id, numbered so the events take their sequence (and feed order) as given.
  const seen = new Set<string>()
  const unique = rows.flatMap((r) => (seen.has(r.id) ? [] : (seen.add(r.id), [r])))
  const numbered = unique.map((r, ord) => ({ ...r, ord }))
  return sql`event_rows as (
      select e.ord, e.id, e.type, e.channel, e.account_id, e.subject, e.occurred_at, e.recorded_at,
             e.envelope, e.inbox_id
        from json_to_recordset(${JSON.stringify(numbered)}::json) as e(ord integer, id text, type text,
             channel text, account_id text, subject text, occurred_at timestamptz,
             recorded_at timestamptz, envelope json, inbox_id bigint)
    ), claimed_events as (
      insert into outbox_event_key (id, recorded_at)
      select id, recorded_at from event_rows
      on conflict do nothing
      returning id
    ), appended as (
      insert into outbox_event (id, type, channel, account_id, subject, occurred_at, recorded_at, envelope, inbox_id)
      select e.id, e.type, e.channel, e.account_id, e.subject, e.occurred_at, e.recorded_at,
             e.envelope, e.inbox_id
        from event_rows e join claimed_events k on k.id = e.id
       order by e.ord
      returning id, inbox_id
    )`
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
    with ${reservationWrites(reservations)}, ${appendedCte(events)}, subjects as (
      insert into inbox_subject (inbox_id, kind, value)
      select s.inbox_id, s.kind, s.value
        from json_to_recordset(${JSON.stringify(subjects)}::json) as s(inbox_id bigint, kind text, value text)
      on conflict do nothing
    )
    update inbox_message m
       set status = s.status,
           outcome = case when s.status = 'normalized'
                          then jsonb_build_object('events', (select count(a.id) from appended a where a.inbox_id = m.id))
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
