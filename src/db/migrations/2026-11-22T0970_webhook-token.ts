import type { Kysely } from 'kysely'

/**
 * Bearer tokens the hub issued to a channel for its webhooks (Walmart OAuth). Only a SHA-256 of
 * each token is kept: a leaked table does not let anyone post webhooks.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_token')
    .addColumn('token_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_token_expires_at')
    .on('webhook_token')
    .column('expires_at')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_token').execute()
}
