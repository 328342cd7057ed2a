import { sql, type Kysely } from 'kysely'

/**
 * Safe onboarding (issue #15): per channel account, whether the hub pushes stock to it. `live`
 * null means "as the accounts file says" (`stock.onboarding: true` starts an account in
 * onboarding), so an account with no row, or one only adopted so far, follows its configuration;
 * an explicit go-live or switch back writes true or false, which then wins.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table account_stock_state (
      channel text not null,
      account_id text not null,
      live boolean,
      -- the last adopt that finished: the channel's quantities were read as the starting figures
      adopted_at timestamptz,
      went_live_at timestamptz,
      -- who last switched it (live or back to onboarding), as the audit log names them
      changed_by text,
      updated_at timestamptz not null default now(),
      primary key (channel, account_id)
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_stock_state').execute()
}
