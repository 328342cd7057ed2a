import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subscription')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('event_types', sql`text[]`, (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'disabled', 'deleted')`),
    )
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(db.fn('now')))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(db.fn('now')))
    .execute()

  await db.schema
    .createTable('delivery')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('event_id', 'text', (c) => c.notNull().references('outbox_event.id'))
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscription.id'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'delivered', 'failed', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(db.fn('now')))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(db.fn('now')))
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('delivery_event_subscription', ['event_id', 'subscription_id'])
    .execute()
  // The sweeper's scan: deliveries whose job may have been lost, walked in id order.
  await db.schema
    .createIndex('delivery_pending')
    .on('delivery')
    .column('id')
    .where(sql.ref('status'), '=', 'pending')
    .execute()
  await db.schema
    .createIndex('delivery_subscription')
    .on('delivery')
    .column('subscription_id')
    .execute()

  await db.schema
    .createTable('delivery_attempt')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('delivery.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text')
    .execute()
  await db.schema
    .createIndex('delivery_attempt_delivery')
    .on('delivery_attempt')
    .column('delivery_id')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_attempt').execute()
  await db.schema.dropTable('delivery').execute()
  await db.schema.dropTable('subscription').execute()
}
