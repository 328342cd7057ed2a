import type { AccountDirectory } from '../config/account-directory.js'
import type { Account } from '../config/index.js'
import type { ChannelId } from '../events/index.js'
import type { ChannelClient, StockSupport } from '../../connectors/index.js'

/** A configured account the hub can read and push stock for: what onboarding works on. */
export interface StockAccount {
  readonly account: Account
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the unit type is the channel's
  readonly stock: StockSupport<unknown, any, ChannelClient>
  readonly client: ChannelClient
  /** `channel/account`, as messages name it. */
  readonly name: string
}

/**
 * The account, or a problem naming it: not configured, or its channel has no stock API. Checked
 * before anything is read or changed, so an unknown account changes nothing.
 */
export function findStockAccount(
  accounts: AccountDirectory,
  channel: ChannelId,
  accountId: string,
): { ok: true; found: StockAccount } | { ok: false; problem: string } {
  const name = `${channel}/${accountId}`
  const found = accounts.find(channel, accountId)
  if (!found) return { ok: false, problem: `no account ${name} is configured` }
  const stock = found.connector.stock
  const client = accounts.client(channel, accountId)
  if (!stock || !client)
    return { ok: false, problem: `account ${name}: the hub has no stock API for ${channel}` }
  return { ok: true, found: { account: found.account, stock, client, name } }
}

/** Reads per second the account's channel allows: the pace of its stock queue (workers/stock.ts). */
export function stockRateOf(found: StockAccount): { max: number; durationMs: number } {
  return found.account.stock?.pushRate ?? found.stock.pushRate
}
