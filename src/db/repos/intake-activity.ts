import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, InboxOutcome } from '../schema.js'

/** One minute of intake: messages stored, and those that failed to normalize. */
export interface IntakeMinute {
  readonly minute: Date
  readonly received: number
  readonly failed: number
}

/** One minute of one account's intake. */
export interface AccountIntakeMinute extends IntakeMinute {
  readonly channel: ChannelId
  readonly accountId: string
}

/**
 * Stored webhooks per minute since `since`, for the whole hub and per account: one range of the
 * `inbox_message_received` index, so its cost is the number of webhooks in the window (about
 * 160 ms for 300,000 measured; keep the window short where it is read often).
 */
export async function intakeByMinute(
  db: Kysely<Database>,
  since: Date,
): Promise<{ readonly hub: IntakeMinute[]; readonly accounts: AccountIntakeMinute[] }> {
  const { rows } = await sql<{
    minute: Date
    channel: ChannelId | null
    account_id: string | null
    received: string
    failed: string
  }>`
    select date_trunc('minute', received_at) as minute, channel, account_id,
           count(*) as received,
           count(*) filter (where status = 'failed') as failed
      from inbox_message
     where received_at >= ${since}
     group by grouping sets ((1), (1, 2, 3))
     order by 1`.execute(db)
  const hub: IntakeMinute[] = []
  const accounts: AccountIntakeMinute[] = []
  for (const r of rows) {
    const stats = { minute: r.minute, received: Number(r.received), failed: Number(r.failed) }
    if (r.channel === null || r.account_id === null) hub.push(stats)
    else accounts.push({ ...stats, channel: r.channel, accountId: r.account_id })
  }
  return { hub, accounts }
}

/**
 * Normalization latency is measured on at most this many messages per minute (the first of each
 * minute): percentiles of a sample, at a cost bounded whatever the rate.
 */
export const LATENCY_SAMPLE_PER_MINUTE = 500

/** processed_at − received_at per minute since `since`, in milliseconds; null for a minute with none. */
export interface LatencyMinute {
  readonly minute: Date
  readonly p50Ms: number | null
  readonly p95Ms: number | null
}

/** One bounded index range per minute of the window (see {@link LATENCY_SAMPLE_PER_MINUTE}). */
export async function latencyByMinute(
  db: Kysely<Database>,
  since: Date,
  until: Date,
): Promise<LatencyMinute[]> {
  const { rows } = await sql<{ minute: Date; p50: number | null; p95: number | null }>`
    select m as minute, s.p50, s.p95
      from generate_series(date_trunc('minute', ${since}::timestamptz), ${until}::timestamptz,
                           interval '1 minute') as m
     cross join lateral (
       select percentile_cont(0.5) within group (order by ms) as p50,
              percentile_cont(0.95) within group (order by ms) as p95
         from (select extract(epoch from processed_at - received_at) * 1000 as ms
                 from inbox_message
                where received_at >= m and received_at < m + interval '1 minute'
                  and processed_at is not null
                order by received_at
                limit ${LATENCY_SAMPLE_PER_MINUTE}) sample) s
     order by 1`.execute(db)
  return rows.map((r) => ({
    minute: r.minute,
    p50Ms: r.p50 === null ? null : Math.max(0, Number(r.p50)),
    p95Ms: r.p95 === null ? null : Math.max(0, Number(r.p95)),
  }))
}

/**
 * When each account's latest stored webhook arrived (null: none yet): one backward step of the
 * `(account_id, id)` index per account.
 */
export async function lastWebhookAt(
  db: Kysely<Database>,
  accounts: readonly { readonly channel: ChannelId; readonly id: string }[],
): Promise<Map<string, Date>> {
  if (accounts.length === 0) return new Map()
  const values = sql.join(accounts.map((a) => sql`(${a.channel}::text, ${a.id}::text)`))
  const { rows } = await sql<{ channel: string; account_id: string; received_at: Date | null }>`
    select a.channel, a.account_id, m.received_at
      from (values ${values}) as a(channel, account_id)
      left join lateral (
        select received_at from inbox_message i
         where i.account_id = a.account_id and i.channel = a.channel
         order by i.id desc limit 1) m on true`.execute(db)
  const found = new Map<string, Date>()
  for (const r of rows) if (r.received_at) found.set(`${r.channel}/${r.account_id}`, r.received_at)
  return found
}

export interface FailedMessage {
  readonly id: string
  readonly channel: ChannelId
  readonly accountId: string
  readonly topic: string
  readonly receivedAt: Date
  readonly outcome: InboxOutcome | null
}

/** The latest failed messages (the partial index `inbox_message_status_recent`), newest first. */
export async function latestFailedMessages(
  db: Kysely<Database>,
  limit: number,
): Promise<FailedMessage[]> {
  const rows = await db
    .selectFrom('inbox_message')
    .select(['id', 'channel', 'account_id', 'topic', 'received_at', 'outcome'])
    .where('status', '=', 'failed')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    accountId: r.account_id,
    topic: r.topic,
    receivedAt: r.received_at,
    outcome: r.outcome,
  }))
}
