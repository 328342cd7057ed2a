import type { Kysely, SelectQueryBuilder } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, InboxMessage, InboxStatus, InboxSubjectKind } from '../schema.js'
import { INBOX_COLUMNS } from './inbox.js'

/** What an operator can search the inbox by; every field narrows, none is required. */
export interface InboxSearchFilter {
  readonly channel?: ChannelId | undefined
  readonly accountId?: string | undefined
  readonly status?: InboxStatus | undefined
  /** Received at or after. */
  readonly from?: Date | undefined
  /** Received before. */
  readonly to?: Date | undefined
  /** An order's external id at its channel (from the message's observations). */
  readonly orderId?: string | undefined
  /** A seller SKU (order lines, stock reports, listing changes). */
  readonly sku?: string | undefined
  /** Whether its personal data was redacted (`redacted_at`); a replay takes unredacted ones only. */
  readonly redacted?: boolean | undefined
}

/** The columns a search result lists; bodies and headers only in the single-message view. */
const SUMMARY = [
  'inbox_message.id',
  'inbox_message.channel',
  'inbox_message.account_id',
  'inbox_message.topic',
  'inbox_message.dedupe_key',
  'inbox_message.channel_time',
  'inbox_message.received_at',
  'inbox_message.processed_at',
  'inbox_message.status',
  'inbox_message.outcome',
] as const
export type InboxSummary = Pick<
  InboxMessage,
  | 'id'
  | 'channel'
  | 'account_id'
  | 'topic'
  | 'dedupe_key'
  | 'channel_time'
  | 'received_at'
  | 'processed_at'
  | 'status'
  | 'outcome'
>

type InboxQuery = SelectQueryBuilder<Database, 'inbox_message', object>

/**
 * The messages matching `filter`, with ids in (`afterId`, `beforeId`). Order ids and SKUs are
 * joined from `inbox_subject` through its (kind, value, inbox_id) key, so they are index lookups;
 * the other fields have `(field, id)` indexes on inbox_message (migration 1000).
 */
export function matchingInbox(
  db: Kysely<Database>,
  filter: InboxSearchFilter,
  range: { readonly beforeId?: string | undefined; readonly afterId?: string | undefined } = {},
): InboxQuery {
  let q: InboxQuery = db.selectFrom('inbox_message')
  q = withSubject(q, 'order', filter.orderId, range)
  q = withSubject(q, 'sku', filter.sku, range)
  if (filter.channel) q = q.where('inbox_message.channel', '=', filter.channel)
  if (filter.accountId) q = q.where('inbox_message.account_id', '=', filter.accountId)
  if (filter.status) q = q.where('inbox_message.status', '=', filter.status)
  if (filter.from) q = q.where('inbox_message.received_at', '>=', filter.from)
  if (filter.to) q = q.where('inbox_message.received_at', '<', filter.to)
  if (filter.redacted !== undefined)
    q = q.where('inbox_message.redacted_at', filter.redacted ? 'is not' : 'is', null)
  if (range.beforeId) q = q.where('inbox_message.id', '<', range.beforeId)
  if (range.afterId) q = q.where('inbox_message.id', '>', range.afterId)
  return q
}

function withSubject(
  q: InboxQuery,
  kind: InboxSubjectKind,
  value: string | undefined,
  range: { readonly beforeId?: string | undefined; readonly afterId?: string | undefined },
): InboxQuery {
  if (value === undefined) return q
  const alias = kind === 'order' ? 'order_subject' : 'sku_subject'
  return q.where((eb) =>
    eb.exists(
      eb
        .selectFrom(`inbox_subject as ${alias}`)
        .select(eb.lit(1).as('one'))
        .where(`${alias}.kind`, '=', kind)
        .where(`${alias}.value`, '=', value)
        .whereRef(`${alias}.inbox_id`, '=', 'inbox_message.id')
        .$if(range.beforeId !== undefined, (s) =>
          s.where(`${alias}.inbox_id`, '<', range.beforeId!),
        ),
    ),
  )
}

/** One page of matches, newest first, strictly before the `before` id cursor. */
export function searchInboxQuery(
  db: Kysely<Database>,
  filter: InboxSearchFilter,
  page: { readonly limit: number; readonly before?: string | undefined },
) {
  return matchingInbox(db, filter, { beforeId: page.before })
    .select(SUMMARY)
    .orderBy('inbox_message.id', 'desc')
    .limit(page.limit)
}

export function searchInbox(
  db: Kysely<Database>,
  filter: InboxSearchFilter,
  page: { readonly limit: number; readonly before?: string | undefined },
): Promise<InboxSummary[]> {
  return searchInboxQuery(db, filter, page).execute()
}

/** How many messages match, and the newest one's id (a bulk replay covers up to it). */
export async function countInbox(
  db: Kysely<Database>,
  filter: InboxSearchFilter,
): Promise<{ readonly count: number; readonly maxId: string | null }> {
  const row = await matchingInbox(db, filter)
    .select((eb) => [
      eb.fn.countAll<string>().as('count'),
      eb.fn.max('inbox_message.id').as('max_id'),
    ])
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), maxId: row.max_id }
}

/** The next ids of a bulk replay, oldest first, after `afterId` and up to `maxId`. */
export async function nextInboxIds(
  db: Kysely<Database>,
  filter: InboxSearchFilter,
  opts: { readonly afterId: string; readonly maxId: string; readonly limit: number },
): Promise<string[]> {
  const rows = await matchingInbox(db, filter, { afterId: opts.afterId })
    .where('inbox_message.id', '<=', opts.maxId)
    .select('inbox_message.id')
    .orderBy('inbox_message.id', 'asc')
    .limit(opts.limit)
    .execute()
  return rows.map((r) => r.id)
}

/** One message, every column. */
export function getInboxMessage(
  db: Kysely<Database>,
  id: string,
): Promise<InboxMessage | undefined> {
  return db
    .selectFrom('inbox_message')
    .select(INBOX_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** The events a message produced, in the order it produced them. */
export function listInboxEvents(db: Kysely<Database>, inboxId: string) {
  return db
    .selectFrom('outbox_event')
    .select(['id', 'type', 'subject', 'position', 'envelope', 'recorded_at'])
    .where('inbox_id', '=', inboxId)
    .orderBy('seq')
    .execute()
}

export interface InboxSubject {
  readonly kind: InboxSubjectKind
  readonly value: string
}

/**
 * Records what a message is indexed under, in the transaction that normalizes it. `replacing`
 * (a replay) first drops what an earlier run recorded; a first normalization has nothing to drop
 * (failed messages never recorded any) and pays only the insert.
 */
export async function recordInboxSubjects(
  trx: Kysely<Database>,
  inboxId: string,
  subjects: readonly InboxSubject[],
  opts: { readonly replacing: boolean },
): Promise<void> {
  if (opts.replacing) {
    await trx.deleteFrom('inbox_subject').where('inbox_id', '=', inboxId).execute()
  }
  if (subjects.length === 0) return
  await trx
    .insertInto('inbox_subject')
    .values(subjects.map((s) => ({ inbox_id: inboxId, kind: s.kind, value: s.value })))
    .onConflict((oc) => oc.doNothing())
    .execute()
}
