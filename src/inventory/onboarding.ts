import type { Kysely } from 'kysely'
import type { Account } from '../config/index.js'
import { readAccountStockState } from '../db/repos/account-stock-state.js'
import type { AccountStockState, Database } from '../db/schema.js'

/**
 * Safe onboarding (issue #15, docs/inventory.md "Onboarding an account"): an account is `live`
 * (stock pushes go out) or `onboarding` (nothing is sent to it). An explicit switch (go-live, or
 * back) is stored and wins; until one is made, the accounts file decides: `stock.onboarding: true`
 * starts the account in onboarding, otherwise it is live, as every account was before.
 */
export interface AccountStockMode {
  readonly live: boolean
  /** Where `live` comes from: a stored switch, or the accounts file. */
  readonly decidedBy: 'switch' | 'configuration'
  readonly adoptedAt: Date | null
  readonly wentLiveAt: Date | null
  readonly changedBy: string | null
}

/** The account's mode from its stored state (if any) and its configuration. */
export function stockModeOf(
  account: Account,
  state: AccountStockState | undefined,
): AccountStockMode {
  const switched = state?.live ?? null
  return {
    live: switched ?? !(account.stock?.onboarding ?? false),
    decidedBy: switched === null ? 'configuration' : 'switch',
    adoptedAt: state?.adopted_at ?? null,
    wentLiveAt: state?.went_live_at ?? null,
    changedBy: state?.changed_by ?? null,
  }
}

export async function readStockMode(
  db: Kysely<Database>,
  account: Account,
): Promise<AccountStockMode> {
  const state = await readAccountStockState(db, { channel: account.channel, accountId: account.id })
  return stockModeOf(account, state)
}

/** Whether stock pushes go out to the account now: the one check the push path makes. */
export async function isAccountLive(db: Kysely<Database>, account: Account): Promise<boolean> {
  return (await readStockMode(db, account)).live
}

/** What a listing of an account in onboarding shows as its push error: why nothing was sent. */
export function notLiveReason(account: Account): string {
  return `account ${account.channel}/${account.id} is onboarding: no stock is pushed until it goes live (hub stock go-live)`
}
