import type { Account } from './index.js'
import { DEFAULT_LOCATIONS, type LocationDirectory } from './locations.js'
import type { ChannelId } from '../events/index.js'
import {
  connectors,
  type ChannelClient,
  type ClientContext,
  type AnyConnector,
  type RateGates,
} from '../../connectors/index.js'

export interface AccountDirectory {
  find(
    channel: ChannelId,
    accountId: string,
  ): { account: Account; connector: AnyConnector } | undefined
  /**
   * The account's API client, built on first use and kept (it holds the account's rate-limit gates
   * and connection reuse); undefined for an unknown account or a channel without a client.
   */
  client(channel: ChannelId, accountId: string): ChannelClient | undefined
  /** The locations the accounts file declares (stock per location, docs/inventory.md). */
  readonly locations: LocationDirectory
}

/**
 * Looks up configured accounts by `(channel, id)` without touching the database. `gatesOf` gives
 * each account's client its share of the API budget every process shares (src/budget/); without
 * it a client paces itself in this process alone.
 */
export function createAccountDirectory(
  accounts: readonly Account[],
  clientContext: Omit<ClientContext, 'gates'>,
  locations: LocationDirectory = DEFAULT_LOCATIONS,
  gatesOf?: (channel: ChannelId, accountId: string) => RateGates,
): AccountDirectory {
  const byKey = new Map<string, { account: Account; connector: AnyConnector }>()
  const clients = new Map<string, ChannelClient>()
  for (const account of accounts) {
    const connector = connectors[account.channel]
    if (connector) byKey.set(`${account.channel}/${account.id}`, { account, connector })
  }
  return {
    locations,
    find: (channel, accountId) => byKey.get(`${channel}/${accountId}`),
    client(channel, accountId) {
      const key = `${channel}/${accountId}`
      const existing = clients.get(key)
      if (existing) return existing
      const found = byKey.get(key)
      const ctx = gatesOf ? { ...clientContext, gates: gatesOf(channel, accountId) } : clientContext
      const created = found?.connector.client?.(found.account.credentials, ctx)
      if (created) clients.set(key, created)
      return created
    },
  }
}
