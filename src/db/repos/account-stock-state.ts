import { sql, type Kysely } from 'kysely'
import type { ChannelId } from '../../events/index.js'
import type { AccountStockState, Database } from '../schema.js'

export interface AccountKey {
  readonly channel: ChannelId
  readonly accountId: string
}

/** The account's stored onboarding state; undefined when nothing was ever recorded for it. */
export async function readAccountStockState(
  db: Kysely<Database>,
  key: AccountKey,
): Promise<AccountStockState | undefined> {
  return db
    .selectFrom('account_stock_state')
    .selectAll()
    .where('channel', '=', key.channel)
    .where('account_id', '=', key.accountId)
    .executeTakeFirst()
}

/** Records that an adopt of the account finished at `at`; its live setting is left as it was. */
export async function markAdopted(db: Kysely<Database>, key: AccountKey, at: Date): Promise<void> {
  await db
    .insertInto('account_stock_state')
    .values({ channel: key.channel, account_id: key.accountId, adopted_at: at, updated_at: at })
    .onConflict((oc) =>
      oc.columns(['channel', 'account_id']).doUpdateSet({ adopted_at: at, updated_at: at }),
    )
    .execute()
}

/**
 * Switches the account live or back to onboarding, by `actor`, and marks every listing of the
 * account as changed (`updated_at`), in one transaction: the sweeper then pushes any listing whose
 * push job is lost after going live, as it does for a new listing. Returns the account's listings.
 */
export async function switchAccountLive(
  db: Kysely<Database>,
  key: AccountKey,
  change: { readonly live: boolean; readonly actor: string; readonly at: Date },
): Promise<Array<{ id: string; channel: ChannelId; account_id: string; sku: string }>> {
  return db.transaction().execute(async (trx) => {
    const wentLive = change.live ? change.at : null
    await trx
      .insertInto('account_stock_state')
      .values({
        channel: key.channel,
        account_id: key.accountId,
        live: change.live,
        went_live_at: wentLive,
        changed_by: change.actor,
        updated_at: change.at,
      })
      .onConflict((oc) =>
        oc.columns(['channel', 'account_id']).doUpdateSet({
          live: change.live,
          // Kept when switching back: when it last went live stays worth knowing.
          went_live_at: wentLive ?? sql<Date | null>`account_stock_state.went_live_at`,
          changed_by: change.actor,
          updated_at: change.at,
        }),
      )
      .execute()
    if (!change.live) return []
    return trx
      .updateTable('listing')
      .set({ updated_at: sql`now()` })
      .where('channel', '=', key.channel)
      .where('account_id', '=', key.accountId)
      .returning(['id', 'channel', 'account_id', 'sku'])
      .execute()
  })
}
