import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbox_message')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('raw_body', 'bytea', (c) => c.notNull())
    .addColumn('channel_time', 'timestamptz')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('received')
        .check(sql`status in ('received', 'normalized', 'ignored', 'failed')`),
    )
    .addColumn('outcome', 'jsonb')
    .addColumn('processed_at', 'timestamptz')
    .addUniqueConstraint('inbox_message_dedupe', ['channel', 'account_id', 'dedupe_key'])
    .execute()
  // The sweeper's scan: rows still waiting for normalization, walked in id order.
  await db.schema
    .createIndex('inbox_message_unprocessed')
    .on('inbox_message')
    .column('id')
    .where(sql.ref('status'), '=', 'received')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbox_message').execute()
}
