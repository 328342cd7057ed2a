import type { Kysely } from 'kysely'
import { lockListingByUnit, recordReport } from '../db/repos/listings.js'
import type { Database } from '../db/schema.js'
import type { ChannelId, InventoryReported } from '../events/index.js'
import type { EventDraft } from '../outbox/event.js'
import { connectors } from '../../connectors/index.js'
import { setOnHand } from './ledger.js'
import { isChannelHeld } from './locations.js'

export type ReportOutcome =
  /** The channel reported what the hub had just pushed: its own write coming back, not a change. */
  | { readonly kind: 'echo' }
  /** A report the ledger takes note of; `events` are the changes it caused (inventory source only). */
  | { readonly kind: 'noted'; readonly events: EventDraft[] }

/**
 * Takes a channel's stock report into the ledger, inside the caller's transaction. A report of the
 * quantity last pushed to the listing, within `echoWindowMs` of the push, is an echo of the hub's
 * own write (channels.md §1 B4, §2 B4) and changes nothing. Otherwise the listing records it, and
 * when the listing is its SKU's inventory source the report sets the SKU's on-hand (its `onHand`
 * where the channel reports one, else `available`), as of the report's time: the on-hand of the
 * listing's one location when it draws from exactly one, else of `default`. A channel-held
 * listing's report (Amazon FBA) is recorded on the listing and never counted in on-hand.
 */
export async function applyStockReport(
  trx: Kysely<Database>,
  account: { readonly channel: ChannelId; readonly accountId: string },
  report: { readonly occurredAt: string; readonly data: InventoryReported['data'] },
  echoWindowMs: number,
): Promise<ReportOutcome> {
  const unitKey = connectors[account.channel].stock?.reportedUnitKey(report.data.listing)
  const quantity = report.data.available ?? report.data.onHand
  if (unitKey === undefined || quantity === null) return { kind: 'noted', events: [] }
  const listing = await lockListingByUnit(trx, account, unitKey)
  if (!listing) return { kind: 'noted', events: [] }
  const at = new Date(report.occurredAt)
  const echo =
    listing.last_pushed_quantity === quantity &&
    listing.last_pushed_at !== null &&
    Math.abs(at.getTime() - listing.last_pushed_at.getTime()) <= echoWindowMs
  // A report older than the one recorded says nothing about now.
  if (!listing.last_reported_at || at.getTime() >= listing.last_reported_at.getTime())
    await recordReport(trx, listing.id, { quantity, at, echo })
  if (echo) return { kind: 'echo' }
  if (!listing.inventory_source || isChannelHeld(listing)) return { kind: 'noted', events: [] }
  const level = {
    sku: listing.sku,
    onHand: report.data.onHand ?? quantity,
    asOf: at,
    ...(listing.locations?.length === 1 ? { location: listing.locations[0]! } : {}),
  }
  const cause = {
    kind: 'on-hand-set',
    reference: `${account.channel}/${account.accountId}`,
    channel: account.channel,
    account: account.accountId,
  } as const
  const outcome = await setOnHand(trx, level, cause)
  return { kind: 'noted', events: outcome.applied ? outcome.events : [] }
}
