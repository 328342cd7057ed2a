import { iso, link, type HistoryEntry } from './entries.js'

/** A `stock_push` row as the histories read it. */
export interface PushRow {
  readonly id: string
  readonly listing_id: string
  readonly sku: string
  readonly channel: string
  readonly account_id: string
  readonly status: string
  readonly quantity: number | null
  readonly error: string | null
  readonly ats: number | null
  readonly planned: number | null
  readonly at: Date
}

/** One stock push, as the order and SKU histories list it. */
export function pushEntry(p: PushRow): HistoryEntry {
  const where = `${p.channel}/${p.account_id}`
  const from =
    p.ats !== null && p.planned !== null
      ? ` (planned ${p.planned} from ${p.ats} available to sell)`
      : ''
  const summary =
    p.status === 'failed'
      ? `A push of ${p.sku} to ${where} failed: ${p.error ?? 'no reason given'}.`
      : `${p.sku} was pushed to ${where} as ${p.quantity}${from}: ${p.status}.`
  return {
    at: iso(p.at),
    kind: 'push',
    summary,
    ids: { push: p.id, listing: p.listing_id, sku: p.sku },
    links: { listings: link.listings(p.sku), inventory: link.inventory(p.sku) },
  }
}
