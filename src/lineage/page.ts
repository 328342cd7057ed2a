import { inTimeOrder, type HistoryEntry } from './entries.js'

/**
 * The newest `limit` entries, oldest first. When there are more, the page ends short of the
 * instant it was cut at, and `next` (the next page's inclusive `until`) is that instant, so
 * entries sharing it are on the next page, none twice and none lost (unless more than `limit`
 * entries share one instant).
 */
export function newestPage(
  entries: readonly HistoryEntry[],
  limit: number,
): { entries: HistoryEntry[]; truncated: boolean; next: string | null } {
  const sorted = inTimeOrder(entries)
  if (sorted.length <= limit) return { entries: sorted, truncated: false, next: null }
  const cut = sorted[sorted.length - limit]!.at
  const kept = sorted.slice(sorted.length - limit).filter((e) => e.at > cut)
  // All `limit` entries at one instant (a bulk write): the page is those, the next one starts
  // before that instant, and any more entries of that instant are not listed.
  if (kept.length === 0) {
    const page = sorted.slice(sorted.length - limit)
    return { entries: page, truncated: true, next: new Date(Date.parse(cut) - 1).toISOString() }
  }
  return { entries: kept, truncated: true, next: cut }
}
