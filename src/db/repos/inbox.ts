import type { Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, InboxMessage, InboxOutcome, InboxStatus } from '../schema.js'

export interface NewInboxRow {
  readonly channel: ChannelId
  readonly accountId: string
  readonly dedupeKey: string
  readonly topic: string
  readonly headers: Readonly<Record<string, string>>
  readonly rawBody: Uint8Array
  readonly channelTime: Date | undefined
  readonly receivedAt: Date
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
 */
export async function insertInboxBatch(
  db: Kysely<Database>,
  rows: readonly NewInboxRow[],
): Promise<InsertedInboxRow[]> {
  const inserted = await db
    .insertInto('inbox_message')
    .values(
      rows.map((r) => ({
        channel: r.channel,
        account_id: r.accountId,
        dedupe_key: r.dedupeKey,
        topic: r.topic,
        headers: JSON.stringify(r.headers),
        raw_body: Buffer.from(r.rawBody.buffer, r.rawBody.byteOffset, r.rawBody.byteLength),
        channel_time: r.channelTime ?? null,
        received_at: r.receivedAt,
      })),
    )
    .onConflict((oc) => oc.columns(['channel', 'account_id', 'dedupe_key']).doNothing())
    .returning(['id', 'channel', 'account_id', 'dedupe_key'])
    .execute()
  return inserted.map((r) => ({
    id: r.id,
    channel: r.channel,
    accountId: r.account_id,
    dedupeKey: r.dedupe_key,
  }))
}

export function getInboxMessage(
  db: Kysely<Database>,
  id: string,
): Promise<InboxMessage | undefined> {
  return db.selectFrom('inbox_message').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Locks the row for the rest of the transaction, so one message is applied by one worker at a time. */
export function lockInboxMessage(
  trx: Kysely<Database>,
  id: string,
): Promise<Pick<InboxMessage, 'id' | 'status'> | undefined> {
  return trx
    .selectFrom('inbox_message')
    .select(['id', 'status'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
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
    .set({ status, outcome: JSON.stringify(outcome), processed_at: at })
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
): Promise<InboxMessage[]> {
  return db
    .selectFrom('inbox_message')
    .selectAll()
    .where('status', '=', 'received')
    .where('id', '>', opts.afterId)
    .where('received_at', '<', opts.before)
    .orderBy('id')
    .limit(opts.limit)
    .execute()
}
