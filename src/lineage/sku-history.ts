import type { Kysely } from 'kysely'
import type { AccountDirectory } from '../config/account-directory.js'
import type { Database, Listing } from '../db/schema.js'
import { allocationWindow } from '../pipeline/plan-push.js'
import { iso, link, type HistoryEntry } from './entries.js'
import { explainListings } from './explain.js'
import type { ListingExplanation, ReservingOrder } from './explain-summary.js'
import { newestPage } from './page.js'
import { pushEntry } from './push-entry.js'
import { seriesOf, type SkuSeries } from './sku-series.js'
import {
  readAdjustments,
  readPushes,
  readSkuEvents,
  type HistoryWindow,
  type SkuEventRow,
} from './sku-rows.js'

export type { HistoryWindow } from './sku-rows.js'

/** A SKU's history reads this far back from its `until` unless `since` says otherwise. */
export const HISTORY_SINCE_MS = 7 * 24 * 3600_000

export interface SkuHistoryDeps {
  readonly db: Kysely<Database>
  readonly accounts: AccountDirectory
  readonly config: { readonly stock: { readonly orderClockSkewMs: number } }
}

export interface SkuHistory {
  readonly sku: string
  /** Why each listing offers what it does, by the numbers its push computes from. */
  readonly listings: ListingExplanation[]
  /** The window's newest `limit` entries, oldest first. */
  readonly entries: HistoryEntry[]
  /** The window had more entries than `limit`: `next` is the `until` of the older page. */
  readonly truncated: boolean
  readonly next: string | null
}

/**
 * A SKU's history in a bounded window: every adjustment, every event about it (changes of its
 * available-to-sell with their cause: counts, adjustments, reservations; channel reports; drift
 * found by reconciliation; listing status changes), every stock push, and each listing's last
 * report and check; with an explanation of each listing's quantity. Undefined when the hub has
 * neither stock nor listings of the SKU.
 */
export async function skuHistory(
  deps: SkuHistoryDeps,
  sku: string,
  window: HistoryWindow,
): Promise<SkuHistory | undefined> {
  return (await skuHistoryWithSeries(deps, sku, window))?.history
}

/** {@link skuHistory}, and the same rows as quantities to draw (the console's SKU picture). */
export async function skuHistoryWithSeries(
  deps: SkuHistoryDeps,
  sku: string,
  window: HistoryWindow,
): Promise<{ readonly history: SkuHistory; readonly series: SkuSeries } | undefined> {
  const { db } = deps
  const { item, listings, stock, explanations } = await explainListings(
    db,
    deps.accounts,
    sku,
    allocationWindow(deps.config.stock),
  )
  if (!item && listings.length === 0) return undefined
  const subjects = [
    ...new Set([sku, ...listings.flatMap((l) => (l.channel_sku ? [l.channel_sku] : []))]),
  ].map((s) => `sku/${s}`)
  const [events, pushes] = await Promise.all([
    readSkuEvents(db, subjects, window),
    readPushes(db, sku, window),
  ])
  const found: HistoryEntry[] = [
    ...(await readAdjustments(db, sku, window)).map((a) => ({
      at: iso(a.applied_at),
      kind: 'adjustment' as const,
      summary: `On-hand at ${a.location} changed by ${signed(a.delta)} to ${a.on_hand_after}${a.reason ? ` (${a.reason})` : ''}.`,
      ids: { adjustment: a.idempotency_key, sku },
      links: { inventory: link.inventory(sku) },
    })),
    ...events.map((e) => eventEntry(sku, e)),
    ...pushes.map(pushEntry),
    ...reservationEntries(sku, stock.reservingOrders),
    ...listings.flatMap((l) => lastReport(l, events)),
    ...listings.flatMap(lastCheck),
  ].filter((e) => e.at >= iso(window.since) && e.at <= iso(window.until))
  const page = newestPage(found, window.limit)
  return {
    history: { sku, listings: explanations, ...page },
    series: seriesOf(sku, events, pushes),
  }
}

/** One event about the SKU, by what it says. */
function eventEntry(sku: string, e: SkuEventRow): HistoryEntry {
  const data = e.data
  const ids = { event: e.id, ...(e.position ? { position: e.position } : {}) }
  const links = {
    ...(e.position ? { feed: link.feedAt(e.position) } : {}),
    ...(e.inbox_id ? { inbox: link.inbox(e.inbox_id) } : {}),
  }
  const base = { at: iso(e.recorded_at), ids, links }
  switch (e.type) {
    case 'inventory.changed.v1': {
      const cause = data.cause as {
        kind: string
        reference: string | null
        channel: string | null
        account: string | null
      }
      const by =
        cause.kind === 'reservation'
          ? `reservations${cause.reference ? ` (newest: order ${cause.channel}/${cause.account} ${cause.reference})` : ''}`
          : cause.kind === 'on-hand-set'
            ? cause.channel
              ? `${cause.channel}/${cause.account}'s stock report`
              : 'a count'
            : cause.kind === 'adjustment'
              ? `adjustment ${cause.reference}`
              : 'a safety stock change'
      return {
        ...base,
        kind: cause.kind === 'reservation' ? 'reservation' : 'event',
        summary: `Available to sell went from ${String(data.previousAts)} to ${String(data.ats)} (on-hand ${String(data.onHand)}, ${String(data.reserved)} reserved, safety stock ${String(data.safetyStock)}) by ${by}.`,
        ids: { ...ids, sku },
      }
    }
    case 'inventory.reported.v1':
      return {
        ...base,
        kind: 'report',
        summary: `${e.subject} was reported by its channel at ${String(data.available ?? data.onHand ?? data.stockStatus)} (not an echo of a push).`,
      }
    case 'inventory.drift_detected.v1': {
      const listing = data.listing as { channel: string; account: string }
      return {
        ...base,
        kind: 'check',
        summary: `Reconciliation found ${listing.channel}/${listing.account} offering ${String(data.actual)} where ${String(data.expected)} was expected.`,
      }
    }
    default:
      return { ...base, kind: 'event', summary: `${e.type} about ${e.subject}.` }
  }
}

/** The listing's last report, unless an event already lists it (echoes have none). */
function lastReport(l: Listing, events: readonly SkuEventRow[]): HistoryEntry[] {
  if (l.last_reported_quantity === null || !l.last_reported_at) return []
  const at = l.last_reported_at.getTime()
  const listed = events.some(
    (e) => e.type === 'inventory.reported.v1' && e.occurred_at.getTime() === at,
  )
  if (listed && !l.last_report_echo) return []
  const where = `${l.channel}/${l.account_id}`
  return [
    {
      at: iso(l.last_reported_at),
      kind: 'report',
      summary: l.last_report_echo
        ? `${where} reported ${l.last_reported_quantity}: the echo of the hub's own push, which changes nothing.`
        : `${where} reported ${l.last_reported_quantity} (its latest report).`,
      ids: { listing: l.id },
      links: { listings: link.listings(l.sku) },
    },
  ]
}

/**
 * The SKU's most recently changed reservations (those an explanation names): a change that did
 * not move available-to-sell (on-hand not known yet, or oversold) has no event of its own.
 */
function reservationEntries(sku: string, orders: readonly ReservingOrder[]): HistoryEntry[] {
  return orders.map((o) => ({
    at: o.changedAt,
    kind: 'reservation',
    summary: `Order ${o.channel}/${o.account} ${o.orderId} holds ${o.units} of ${sku} (as last changed).`,
    ids: { order: o.orderId, sku },
    links: { orderHistory: link.orderHistory(o.channel, o.account, o.orderId) },
  }))
}

/** The listing's last reconciliation read. */
function lastCheck(l: Listing): HistoryEntry[] {
  if (!l.last_checked_at) return []
  const drift = l.last_drift ? `, a drift of ${signed(l.last_drift)}` : ', as expected'
  return [
    {
      at: iso(l.last_checked_at),
      kind: 'check',
      summary: `Reconciliation read ${l.last_checked_quantity ?? 'nothing'} on ${l.channel}/${l.account_id}${drift} (its latest check).`,
      ids: { listing: l.id },
      links: { listings: link.listings(l.sku) },
    },
  ]
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n)
}
