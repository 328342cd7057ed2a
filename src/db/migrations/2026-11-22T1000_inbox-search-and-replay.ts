import { sql, type Kysely } from 'kysely'

/**
 * The operator's inbox search and replay: indexes for searching by channel, account, status and
 * time (newest first); `inbox_subject`, the order ids and SKUs each message was about, written
 * when it is normalized, so a search by order id or SKU is an index lookup; and `replay_run`, the
 * durable progress of bulk replays.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index inbox_message_channel_recent on inbox_message (channel, id)`.execute(db)
  await sql`create index inbox_message_account_recent on inbox_message (account_id, id)`.execute(db)
  await sql`create index inbox_message_status_recent on inbox_message (status, id)`.execute(db)
  await sql`create index inbox_message_received on inbox_message (received_at, id)`.execute(db)
  await sql`
    create table inbox_subject (
      inbox_id bigint not null references inbox_message (id) on delete cascade,
      kind text not null check (kind in ('order', 'sku')),
      value text not null,
      -- the search: one subject's messages, newest first
      primary key (kind, value, inbox_id)
    )`.execute(db)
  await sql`create index inbox_subject_inbox on inbox_subject (inbox_id)`.execute(db)
  await sql`
    create table replay_run (
      id text primary key,
      filter jsonb not null,
      status text not null default 'queued'
        check (status in ('queued', 'running', 'completed', 'cancelled', 'failed')),
      -- matching messages when the run was created; it never takes in later ones (max_inbox_id)
      total integer not null,
      max_inbox_id bigint not null,
      -- the last message processed: messages are replayed in id order, oldest first
      cursor bigint not null default 0,
      processed integer not null default 0,
      produced_events integer not null default 0,
      error_count integer not null default 0,
      -- the first errors, { inboxId, reason }, capped so a bad run cannot grow the row unbounded
      errors jsonb not null default '[]',
      requested_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index replay_run_unfinished on replay_run (created_at)
    where status in ('queued', 'running')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('replay_run').execute()
  await db.schema.dropTable('inbox_subject').execute()
  for (const name of [
    'inbox_message_received',
    'inbox_message_status_recent',
    'inbox_message_account_recent',
    'inbox_message_channel_recent',
  ]) {
    await db.schema.dropIndex(name).execute()
  }
}
