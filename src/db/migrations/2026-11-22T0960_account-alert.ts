import { sql, type Kysely } from 'kysely'

/**
 * Alerts a channel raised about an account: its authorization was revoked, or will lapse soon.
 * One row per (account, kind), holding the latest.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_alert')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('revoked', 'expiring')`))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('inbox_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_alert_pk', ['channel', 'account_id', 'kind'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_alert').execute()
}
