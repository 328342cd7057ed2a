import type { Account } from '../config/index.js'
import type { ChannelId } from '../events/index.js'
import { connectors, type Connector } from '../../connectors/index.js'

export interface AccountDirectory {
  find(
    channel: ChannelId,
    accountId: string,
  ): { account: Account; connector: Connector } | undefined
}

/** Looks up configured accounts by `(channel, id)` without touching the database. */
export function createAccountDirectory(accounts: readonly Account[]): AccountDirectory {
  const byKey = new Map<string, { account: Account; connector: Connector }>()
  for (const account of accounts) {
    const connector = connectors[account.channel]
    if (connector) byKey.set(`${account.channel}/${account.id}`, { account, connector })
  }
  return { find: (channel, accountId) => byKey.get(`${channel}/${accountId}`) }
}
