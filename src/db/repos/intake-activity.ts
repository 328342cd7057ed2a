import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { Database, InboxOutcome } from '../schema.js'

/**
 * At most this many of the latest messages are read for the per-minute series: at 750 webhooks a
 * second an hour is 2.7 million rows, which a console refreshing every few seconds must not scan.
 * When the cap cuts the window, the caller says so (`capped`).
 */
export const INTAKE_SAMPLE_ROWS = 50_000

/** One minute of intake: messages stored, failed, and normalization latency. */
export interface IntakeMinute {
  readonly minute: Date
  readonly received: number
  readonly failed: number
  /** processed_at − received_at of the messages processed, in milliseconds; null when none. */
  readonly p50Ms: number | null
  readonly p95Ms: number | null
}

/** One minute of one account's intake. */
export interface AccountIntakeMinute extends IntakeMinute {
  readonly channel: ChannelId
  readonly accountId: string
}

/**
 * Stored webhooks per minute, for the whole hub and per account, since `since`, from the latest
 * `cap` messages (an index range on `inbox_message_received`, newest first, so its cost is
 * bounded by the cap). Percentiles are computed per group, never averaged across accounts.
 */
export async function intakeByMinute(
  db: Kysely<Database>,
  since: Date,
  cap = INTAKE_SAMPLE_ROWS,
): Promise<{
  readonly hub: IntakeMinute[]
  readonly accounts: AccountIntakeMinute[]
  readonly capped: boolean
}> {
  const { rows } = await sql<{
    minute: Date
    channel: ChannelId | null
    account_id: string | null
    received: string
    failed: string
    p50: number | null
    p95: number | null
  }>`
    with recent as (
      select channel, account_id, received_at, processed_at, status
        from inbox_message
       where received_at >= ${since}
       order by received_at desc
       limit ${cap})
    select date_trunc('minute', received_at) as minute, channel, account_id,
           count(*) as received,
           count(*) filter (where status = 'failed') as failed,
           percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at) * 1000)
             filter (where processed_at is not null) as p50,
           percentile_cont(0.95) within group (order by extract(epoch from processed_at - received_at) * 1000)
             filter (where processed_at is not null) as p95
      from recent
     group by grouping sets ((1), (1, 2, 3))
     order by 1`.execute(db)
  const stats = (r: (typeof rows)[number]): IntakeMinute => ({
    minute: r.minute,
    received: Number(r.received),
    failed: Number(r.failed),
    p50Ms: r.p50 === null ? null : Math.max(0, Number(r.p50)),
    p95Ms: r.p95 === null ? null : Math.max(0, Number(r.p95)),
  })
  const hub: IntakeMinute[] = []
  const accounts: AccountIntakeMinute[] = []
  for (const r of rows) {
    if (r.channel === null || r.account_id === null) hub.push(stats(r))
    else accounts.push({ ...stats(r), channel: r.channel, accountId: r.account_id })
  }
  const total = hub.reduce((sum, m) => sum + m.received, 0)
  return { hub, accounts, capped: total >= cap }
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
