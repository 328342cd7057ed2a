import type { Kysely } from 'kysely'

/** Subscriptions the hub confirmed when a channel asked it to (SNS topics), the latest per topic. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('channel_subscription')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text')
    .addColumn('confirmed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('inbox_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_subscription_pk', ['channel', 'account_id', 'topic'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('channel_subscription').execute()
}
