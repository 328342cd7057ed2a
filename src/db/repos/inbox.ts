import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, InboxMessage, InboxOutcome, InboxStatus } from '../schema.js'
import { storableJson } from '../../storable.js'

export interface NewInboxRow {
  readonly channel: ChannelId
  readonly accountId: string
  readonly dedupeKey: string
  readonly topic: string
  readonly headers: Readonly<Record<string, string>>
  readonly rawBody: Uint8Array
  readonly channelTime: Date | undefined
  readonly receivedAt: Date
  /** The HTTP request's id: not stored, carried in the job so logs correlate the webhook with its processing. */
  readonly requestId?: string
  /** Kept but never processed: stored `failed` with this reason (see `storableEnvelope`). */
  readonly failure?: string
  /** The request's W3C trace context, stored only while tracing is on (src/tracing/). */
  readonly traceContext?: { readonly traceparent: string; readonly tracestate?: string }
}

export interface InsertedInboxRow {
  readonly id: string
  readonly channel: ChannelId
  readonly accountId: string
  readonly dedupeKey: string
}

/**
 * Inserts many rows in one statement. Rows whose (channel, account, dedupe key) already exists —
 * including a repeat within the same batch — are skipped and absent from the result.
 *
 * inbox_message is partitioned by day, so it cannot hold that uniqueness itself (a partitioned
 * table's unique constraints must contain received_at); inbox_dedupe holds it, claimed by the same
 * statement: a key claimed by another transaction waits for it, and then stays out whatever day
 * either arrived on. A key is kept as long as its message (src/pipeline/data-lifecycle.ts).
 */
export async function insertInboxBatch(
  db: Kysely<Database>,
  rows: readonly NewInboxRow[],
): Promise<InsertedInboxRow[]> {
  if (rows.length === 0) return []
  const values = rows.map(
    (r, i) => sql`(${i}::integer, ${r.channel}::text, ${r.accountId}::text, ${r.dedupeKey}::text,
      ${r.topic}::text, ${JSON.stringify(r.headers)}::jsonb,
      ${Buffer.from(r.rawBody.buffer, r.rawBody.byteOffset, r.rawBody.byteLength)}::bytea,
      ${r.channelTime ?? null}::timestamptz, ${r.receivedAt}::timestamptz,
      ${r.traceContext ? JSON.stringify(r.traceContext) : null}::jsonb,
      ${r.failure === undefined ? null : 'failed'}::text,
      ${r.failure === undefined ? null : storableJson({ reason: r.failure })}::jsonb,
      ${r.failure === undefined ? null : r.receivedAt}::timestamptz)`,
  )
  const { rows: inserted } = await sql<{
    id: string
    channel: ChannelId
    account_id: string
    dedupe_key: string
  }>`
    with v (ord, channel, account_id, dedupe_key, topic, headers, raw_body, channel_time,
            received_at, trace_context, status, outcome, processed_at) as (values ${sql.join(values)}),
    claimed as (
      insert into inbox_dedupe (channel, account_id, dedupe_key, received_at)
      select channel, account_id, dedupe_key, received_at from v order by ord
      on conflict do nothing
      returning channel, account_id, dedupe_key
    ), firsts as (
      select distinct on (v.channel, v.account_id, v.dedupe_key)
             v.ord, v.channel, v.account_id, v.dedupe_key, v.topic, v.headers, v.raw_body,
             v.channel_time, v.received_at, v.trace_context, v.status, v.outcome, v.processed_at
        from v join claimed c using (channel, account_id, dedupe_key)
       order by v.channel, v.account_id, v.dedupe_key, v.ord
    )
    insert into inbox_message (channel, account_id, dedupe_key, topic, headers, raw_body,
                               channel_time, received_at, trace_context, status, outcome, processed_at)
    select channel, account_id, dedupe_key, topic, headers, raw_body, channel_time, received_at,
           trace_context, coalesce(status, 'received'), outcome, processed_at
      from firsts order by ord
    returning id, channel, account_id, dedupe_key`.execute(db)
  return inserted.map((r) => ({
    id: r.id,
    channel: r.channel,
    accountId: r.account_id,
    dedupeKey: r.dedupe_key,
  }))
}

/** Every column, listed: a prepared `select *` breaks when a migration adds one (see db/client.ts). */
export const INBOX_COLUMNS = [
  'id',
  'channel',
  'account_id',
  'dedupe_key',
  'topic',
  'headers',
  'raw_body',
  'channel_time',
  'received_at',
  'status',
  'outcome',
  'processed_at',
  'redacted_at',
] as const satisfies readonly (keyof InboxMessage)[]

/** What normalizing a message reads of it. */
const TO_NORMALIZE = [
  'id',
  'channel',
  'account_id',
  'dedupe_key',
  'topic',
  'raw_body',
  'received_at',
  'status',
] as const satisfies readonly (keyof InboxMessage)[]
export type InboxMessageToNormalize = Pick<InboxMessage, (typeof TO_NORMALIZE)[number]>

const TO_NORMALIZE_WITHOUT_BODY = TO_NORMALIZE.filter((c) => c !== 'raw_body')

/**
 * Reads and locks the row for the rest of the transaction, so one message is applied by one worker
 * at a time. With `knownBody` (the exact bytes, carried by the job) the stored copy is not read.
 */
export async function lockInboxMessage(
  trx: Kysely<Database>,
  id: string,
  knownBody?: Uint8Array,
): Promise<InboxMessageToNormalize | undefined> {
  const query = trx.selectFrom('inbox_message').where('id', '=', id).forUpdate()
  if (!knownBody) return query.select(TO_NORMALIZE).executeTakeFirst()
  const row = await query.select(TO_NORMALIZE_WITHOUT_BODY).executeTakeFirst()
  return row && { ...row, raw_body: asBuffer(knownBody) }
}

/** The statuses of messages, each locked until the transaction ends (in id order: no deadlocks). */
export async function lockInboxStatuses(
  trx: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, InboxStatus>> {
  if (ids.length === 0) return new Map()
  const { rows } = await sql<{ id: string; status: InboxStatus }>`
    select id, status from inbox_message where id = any(${[...ids]}::bigint[])
     order by id for update`.execute(trx)
  return new Map(rows.map((r) => [r.id, r.status]))
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export async function settleInboxMessage(
  db: Kysely<Database>,
  id: string,
  status: Exclude<InboxStatus, 'received'>,
  outcome: InboxOutcome,
  at: Date,
): Promise<void> {
  await db
    .updateTable('inbox_message')
    .set({ status, outcome: storableJson(outcome), processed_at: at })
    .where('id', '=', id)
    .execute()
}

/**
 * Messages still waiting for normalization that arrived before `before`, in id order after
 * `afterId`. The sweeper walks the whole set with this cursor, so a backlog of messages whose jobs
 * are merely retrying cannot starve the ones whose jobs were lost.
 */
export function listUnprocessedInbox(
  db: Kysely<Database>,
  opts: { readonly before: Date; readonly afterId: string; readonly limit: number },
): Promise<Array<InboxMessage & { readonly trace_context: unknown }>> {
  return db
    .selectFrom('inbox_message')
    .select([...INBOX_COLUMNS, 'trace_context'])
    .where('status', '=', 'received')
    .where('id', '>', opts.afterId)
    .where('received_at', '<', opts.before)
    .orderBy('id')
    .limit(opts.limit)
    .execute()
}
