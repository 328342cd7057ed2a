import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('envelope', 'jsonb', (c) => c.notNull())
    .addColumn('inbox_id', 'bigint', (c) => c.references('inbox_message.id'))
    .addColumn('position', 'bigint', (c) => c.unique())
    .addColumn('published_at', 'timestamptz')
    .execute()
  // The relay's claim: events not yet given a feed position, in insertion order.
  await db.schema
    .createIndex('outbox_event_unrelayed')
    .on('outbox_event')
    .column('seq')
    .where(sql.ref('position'), 'is', null)
    .execute()
  await db.schema.createIndex('outbox_event_inbox').on('outbox_event').column('inbox_id').execute()

  await db.schema
    .createTable('feed_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute()
  await db.insertInto('feed_head').values({ id: 1, position: 0 }).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('feed_head').execute()
  await db.schema.dropTable('outbox_event').execute()
}
