import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database } from '../schema.js'

/**
 * A time column as PostgreSQL's text (microseconds kept), to find the row by again: a JavaScript
 * Date keeps milliseconds only, and a row written with `now()` would then never match.
 */
const exactTime = <A extends string>(column: string, as: A) =>
  sql<string>`${sql.ref(column)}::text`.as(as)

/** A stored webhook as redaction reads it. */
export interface InboxRowToRedact {
  readonly id: string
  readonly channel: ChannelId
  /** `received_at`, exact (see `exactTime`). */
  readonly received_key: string
  readonly status: string
  readonly raw_body: Buffer
  readonly headers: Record<string, string>
}

const TO_REDACT = ['id', 'channel', 'status', 'raw_body', 'headers'] as const

/**
 * The oldest messages received before `cutoff` and not redacted yet, read through the partial
 * index `inbox_message_unredacted` (migration 1100). Messages still `received` are left for the
 * pipeline: their body is the only input of their normalization.
 */
export function unredactedBefore(
  db: Kysely<Database>,
  cutoff: Date,
  limit: number,
): Promise<InboxRowToRedact[]> {
  return db
    .selectFrom('inbox_message')
    .select([...TO_REDACT, exactTime('received_at', 'received_key')])
    .where('redacted_at', 'is', null)
    .where('received_at', '<', cutoff)
    .where('status', '<>', 'received')
    .orderBy('received_at')
    .limit(limit)
    .execute()
}

/** Rewritten rows: the body (and headers) with personal values replaced. */
export interface RedactedInboxRow {
  readonly id: string
  /** `received_at`, exact. */
  readonly receivedKey: string
  readonly body: Buffer
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Writes redacted bodies in one statement, each row found by id and receive time (what a table
 * partitioned by time finds it by too). Returns the ids written. `onlyUnredacted`: skip a row
 * another redaction got to first (age redaction; an erasure rewrites a redacted row again).
 */
export async function writeRedactedInbox(
  db: Kysely<Database>,
  rows: readonly RedactedInboxRow[],
  at: Date,
  opts: { readonly onlyUnredacted: boolean },
): Promise<string[]> {
  if (rows.length === 0) return []
  const { rows: written } = await sql<{ id: string }>`
    update inbox_message m
       set raw_body = v.body, headers = v.headers::jsonb, redacted_at = ${at}
      from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.receivedKey)}::timestamptz[],
                  ${rows.map((r) => r.body)}::bytea[], ${rows.map((r) => JSON.stringify(r.headers))}::text[])
           as v(id, received_at, body, headers)
     where m.id = v.id and m.received_at = v.received_at
       ${opts.onlyUnredacted ? sql`and m.redacted_at is null` : sql``}
     returning m.id`.execute(db)
  return written.map((r) => r.id)
}

/** Whether a message was redacted, and when; undefined when there is no such message. */
export async function redactionOf(
  db: Kysely<Database>,
  id: string,
): Promise<{ readonly redactedAt: Date | null } | undefined> {
  const row = await db
    .selectFrom('inbox_message')
    .select('redacted_at')
    .where('id', '=', id)
    .executeTakeFirst()
  return row && { redactedAt: row.redacted_at }
}

/** An order an erasure covers. */
export interface BuyerOrder {
  readonly id: string
  readonly channel: ChannelId
  readonly account_id: string
  readonly external_id: string
  readonly snapshot: unknown
  /** The message that last changed it (indexed under it too, unless normalized before migration 1000). */
  readonly last_inbox_id: string | null
}

const ORDER_COLUMNS = [
  'id',
  'channel',
  'account_id',
  'external_id',
  'snapshot',
  'last_inbox_id',
] as const

/**
 * Orders whose snapshot names this buyer e-mail (case-insensitive), through the expression index
 * `sales_order_customer_email` (migration 1100).
 */
export function ordersByEmail(db: Kysely<Database>, email: string): Promise<BuyerOrder[]> {
  return db
    .selectFrom('sales_order')
    .select(ORDER_COLUMNS)
    .where(sql<boolean>`snapshot ->> 'customerEmail' is not null`)
    .where(sql<string>`lower(snapshot ->> 'customerEmail')`, '=', email.toLowerCase())
    .orderBy('id')
    .execute()
}

export function orderByRef(
  db: Kysely<Database>,
  ref: { readonly channel: ChannelId; readonly account: string; readonly id: string },
): Promise<BuyerOrder[]> {
  return db
    .selectFrom('sales_order')
    .select(ORDER_COLUMNS)
    .where('channel', '=', ref.channel)
    .where('account_id', '=', ref.account)
    .where('external_id', '=', ref.id)
    .execute()
}

/**
 * Every stored webhook about these orders: the ones normalization indexed under the order's id
 * (`inbox_subject`), of the order's channel account.
 */
export function inboxRowsOfOrders(
  db: Kysely<Database>,
  orders: readonly BuyerOrder[],
): Promise<InboxRowToRedact[]> {
  if (orders.length === 0) return Promise.resolve([])
  return db
    .selectFrom('inbox_message as m')
    .innerJoin('inbox_subject as s', (j) =>
      j.onRef('s.inbox_id', '=', 'm.id').on('s.kind', '=', 'order'),
    )
    .select([
      'm.id',
      'm.channel',
      exactTime('m.received_at', 'received_key'),
      'm.status',
      'm.raw_body',
      'm.headers',
    ])
    .where((eb) =>
      eb.or(
        orders.map((o) =>
          eb.and([
            eb('s.value', '=', o.external_id),
            eb('m.channel', '=', o.channel),
            eb('m.account_id', '=', o.account_id),
          ]),
        ),
      ),
    )
    .distinct()
    .orderBy('m.id')
    .execute()
}

/** Stored webhooks by id (an order's `last_inbox_id`). */
export function inboxRowsById(db: Kysely<Database>, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('inbox_message')
    .select([...TO_REDACT, exactTime('received_at', 'received_key')])
    .where('id', 'in', ids)
    .execute()
}

/** The events these messages produced (order events carry the buyer's snapshot). */
export function eventsOfInbox(db: Kysely<Database>, inboxIds: readonly string[]) {
  if (inboxIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('outbox_event')
    .select(['id', exactTime('recorded_at', 'recorded_key'), 'envelope'])
    .where('inbox_id', 'in', inboxIds)
    .orderBy('seq')
    .execute()
}

/** Rewrites event envelopes, each found by id and record time; returns how many were written. */
export async function writeEnvelopes(
  db: Kysely<Database>,
  rows: readonly {
    readonly id: string
    /** `recorded_at`, exact. */
    readonly recordedKey: string
    readonly envelope: unknown
  }[],
): Promise<number> {
  if (rows.length === 0) return 0
  // `json`, not `jsonb`: the envelope keeps its field order (migration 0940).
  const result = await sql`
    update outbox_event e set envelope = v.envelope::json
      from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.recordedKey)}::timestamptz[],
                  ${rows.map((r) => JSON.stringify(r.envelope))}::text[]) as v(id, recorded_at, envelope)
     where e.id = v.id and e.recorded_at = v.recorded_at`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** The delivery attempts of these events: subscribers' answers may echo what they were sent. */
export function attemptsOfEvents(db: Kysely<Database>, eventIds: readonly string[]) {
  if (eventIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('delivery_attempt as a')
    .innerJoin('delivery as d', 'd.id', 'a.delivery_id')
    .select([
      'a.id',
      exactTime('a.started_at', 'started_key'),
      'a.response_excerpt',
      'a.error',
      'd.id as delivery_id',
    ])
    .where('d.event_id', 'in', eventIds)
    .execute()
}

/** Audit entries whose body or details contain any of `values` (the admin log is small). */
export function auditRowsContaining(db: Kysely<Database>, values: readonly string[]) {
  if (values.length === 0) return Promise.resolve([])
  const lowered = values.map((v) => v.toLowerCase())
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'body', 'query', 'details'])
    .where(
      sql<boolean>`exists (select 1 from unnest(${lowered}::text[]) as v(value)
        where strpos(lower(coalesce(body, '') || ' ' || coalesce(query, '') || ' ' ||
                           coalesce(details::text, '')), v.value) > 0)`,
    )
    .execute()
}

export interface ErasureRecord {
  readonly requestedAt: Date
  readonly requestedBy: string
  readonly emailSha256: string | null
  readonly order: {
    readonly channel: ChannelId
    readonly account: string
    readonly id: string
  } | null
  readonly orders: number
  readonly changed: Readonly<Record<string, number>>
}

export async function insertErasure(db: Kysely<Database>, e: ErasureRecord): Promise<string> {
  const row = await db
    .insertInto('erasure')
    .values({
      requested_at: e.requestedAt,
      requested_by: e.requestedBy,
      email_sha256: e.emailSha256,
      order_channel: e.order?.channel ?? null,
      order_account_id: e.order?.account ?? null,
      order_external_id: e.order?.id ?? null,
      orders: e.orders,
      changed: JSON.stringify(e.changed),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * Failed messages (never indexed under an order: normalization refused them) whose bytes contain
 * any of `emails` as written, lower-cased or not. Failed messages are few (the (status, id) index
 * finds them), so this reads a bounded set rather than every stored body. E-mails only: a name is
 * shared by other people, whose messages an erasure must not touch.
 */
export function failedInboxContaining(db: Kysely<Database>, emails: readonly string[]) {
  const values = emails
  const needles = [...new Set(values.flatMap((v) => [v, v.toLowerCase()]))]
  if (needles.length === 0) return Promise.resolve([])
  return db
    .selectFrom('inbox_message')
    .select([...TO_REDACT, exactTime('received_at', 'received_key')])
    .where('status', '=', 'failed')
    .where(
      sql<boolean>`exists (select 1 from unnest(${needles}::text[]) as v(value)
        where position(convert_to(v.value, 'UTF8') in raw_body) > 0)`,
    )
    .execute()
}

export async function writeSnapshots(
  db: Kysely<Database>,
  rows: readonly { readonly id: string; readonly snapshot: unknown }[],
): Promise<number> {
  return updateEach(rows, (row) =>
    db
      .updateTable('sales_order')
      .set({ snapshot: JSON.stringify(row.snapshot) })
      .where('id', '=', row.id),
  )
}

export async function writeAttempts(
  db: Kysely<Database>,
  rows: readonly {
    readonly id: string
    /** `started_at`, exact. */
    readonly started_key: string
    readonly response_excerpt: string | null
    readonly error: string | null
  }[],
): Promise<number> {
  return updateEach(rows, (row) =>
    db
      .updateTable('delivery_attempt')
      .set({ response_excerpt: row.response_excerpt, error: row.error })
      .where('id', '=', row.id)
      .where('started_at', '=', sql<Date>`${row.started_key}::timestamptz`),
  )
}

export async function writeAuditRows(
  db: Kysely<Database>,
  rows: readonly {
    readonly id: string
    readonly body: string | null
    readonly query: string | null
    readonly details: unknown
  }[],
): Promise<number> {
  return updateEach(rows, (row) =>
    db
      .updateTable('audit_log')
      .set({
        body: row.body,
        query: row.query,
        details: row.details === null ? null : JSON.stringify(row.details),
      })
      .where('id', '=', row.id),
  )
}

/** One update per row (an erasure touches a handful), counting the rows each changed. */
async function updateEach<R>(
  rows: readonly R[],
  update: (row: R) => { executeTakeFirst(): Promise<{ numUpdatedRows: bigint }> },
): Promise<number> {
  let written = 0
  for (const row of rows) written += Number((await update(row).executeTakeFirst()).numUpdatedRows)
  return written
}
